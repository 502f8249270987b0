import { describe, expect, it } from "vitest";
import { PatchError } from "./errors.js";
import { applyMergePatch, createMergePatch } from "./merge.js";

describe("json merge patch: RFC 7386 appendix A", () => {
  const table: [unknown, unknown, unknown][] = [
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [["a", "b"], ["c", "d"], ["c", "d"]],
    [{ a: "b" }, ["c"], ["c"]],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: "b", c: null }, { a: "b" }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [original, patch, want] of table) {
    it(`${JSON.stringify(original)} + ${JSON.stringify(patch)}`, () => {
      expect(applyMergePatch(original, patch)).toEqual(want);
    });
  }

  it("null and scalar patches are refused with 400 Invalid JSON Patch (kube-apiserver), not applied", () => {
    for (const patch of [null, "bar", 1, true]) {
      let err: unknown;
      try {
        applyMergePatch({ a: "foo" }, patch);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PatchError);
      expect((err as PatchError).toStatus()).toEqual({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: "Invalid JSON Patch",
        reason: "BadRequest",
        code: 400,
      });
    }
  });
});

describe("json merge patch: kube-apiserver details", () => {
  it("merges a realistic object patch", () => {
    const live = {
      metadata: { name: "cm", labels: { a: "1", b: "2" } },
      data: { x: "1" },
      spec: { list: [{ name: "a" }, { name: "b" }] },
    };
    const got = applyMergePatch(live, { metadata: { labels: { a: null, c: "3" } }, data: { y: "2" }, spec: { list: [{ name: "c" }] } });
    expect(got).toEqual({
      metadata: { name: "cm", labels: { b: "2", c: "3" } },
      data: { x: "1", y: "2" },
      spec: { list: [{ name: "c" }] },
    });
  });

  it("prunes nulls in values that land on nothing, including inside arrays' objects", () => {
    expect(applyMergePatch({ a: 1 }, { b: { c: null, d: [{ e: null, f: 1 }, null] } })).toEqual({ a: 1, b: { d: [{ f: 1 }, null] } });
    expect(applyMergePatch({ a: 1 }, [{ x: null }])).toEqual([{}]);
  });

  it("keeps nulls inside an array that replaces an object", () => {
    expect(applyMergePatch({ a: { b: 1 } }, { a: [{ x: null }] })).toEqual({ a: [{ x: null }] });
  });

  it("does not modify its arguments", () => {
    const live = { a: { b: 1 } };
    const patch = { a: { c: { d: null } } };
    const got = applyMergePatch(live, patch) as { a: { c: unknown } };
    expect(got).toEqual({ a: { b: 1, c: {} } });
    expect(live).toEqual({ a: { b: 1 } });
    expect(patch).toEqual({ a: { c: { d: null } } });
  });
});

describe("createMergePatch", () => {
  const pairs: [unknown, unknown, unknown][] = [
    [{ a: 1 }, { a: 1 }, {}],
    [{ a: 1 }, { a: 2 }, { a: 2 }],
    [{ a: 1, b: 2 }, { a: 1 }, { b: null }],
    [{ a: { b: 1, c: 2 } }, { a: { b: 1, c: 3, d: 4 } }, { a: { c: 3, d: 4 } }],
    [{ a: [1, 2] }, { a: [1, 2] }, {}],
    [{ a: [1, 2] }, { a: [2, 1] }, { a: [2, 1] }],
    [{ a: { b: 1 } }, { a: "x" }, { a: "x" }],
  ];
  for (const [original, modified, want] of pairs) {
    it(`${JSON.stringify(original)} -> ${JSON.stringify(modified)}`, () => {
      const patch = createMergePatch(original, modified);
      expect(patch).toEqual(want);
      expect(applyMergePatch(original, patch)).toEqual(modified);
    });
  }

  it("wants two objects", () => {
    expect(() => createMergePatch([1], { a: 1 })).toThrow(PatchError);
  });
});

import { describe, expect, it } from "vitest";
import { PatchError } from "./errors.js";
import { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from "./jsonpatch.js";

function fail(doc: unknown, ops: unknown): PatchError {
  try {
    applyJsonPatch(doc, ops);
  } catch (e) {
    if (e instanceof PatchError) return e;
    throw e;
  }
  throw new Error("expected a PatchError");
}

describe("json patch: RFC 6902 appendix A", () => {
  const ok: [string, unknown, unknown, unknown][] = [
    ["A.1 add an object member", { foo: "bar" }, [{ op: "add", path: "/baz", value: "qux" }], { baz: "qux", foo: "bar" }],
    ["A.2 add an array element", { foo: ["bar", "baz"] }, [{ op: "add", path: "/foo/1", value: "qux" }], { foo: ["bar", "qux", "baz"] }],
    ["A.3 remove an object member", { baz: "qux", foo: "bar" }, [{ op: "remove", path: "/baz" }], { foo: "bar" }],
    ["A.4 remove an array element", { foo: ["bar", "qux", "baz"] }, [{ op: "remove", path: "/foo/1" }], { foo: ["bar", "baz"] }],
    ["A.5 replace a value", { baz: "qux", foo: "bar" }, [{ op: "replace", path: "/baz", value: "boo" }], { baz: "boo", foo: "bar" }],
    [
      "A.6 move a value",
      { foo: { bar: "baz", waldo: "fred" }, qux: { corge: "grault" } },
      [{ op: "move", from: "/foo/waldo", path: "/qux/thud" }],
      { foo: { bar: "baz" }, qux: { corge: "grault", thud: "fred" } },
    ],
    [
      "A.7 move an array element",
      { foo: ["all", "grass", "cows", "eat"] },
      [{ op: "move", from: "/foo/1", path: "/foo/3" }],
      { foo: ["all", "cows", "eat", "grass"] },
    ],
    [
      "A.8 test succeeds",
      { baz: "qux", foo: ["a", 2, "c"] },
      [
        { op: "test", path: "/baz", value: "qux" },
        { op: "test", path: "/foo/1", value: 2 },
      ],
      { baz: "qux", foo: ["a", 2, "c"] },
    ],
    ["A.10 add a nested member", { foo: "bar" }, [{ op: "add", path: "/child", value: { grandchild: {} } }], { foo: "bar", child: { grandchild: {} } }],
    ["A.11 ignore unknown members", { foo: "bar" }, [{ op: "add", path: "/baz", value: "qux", xyz: 123 }], { foo: "bar", baz: "qux" }],
    ["A.14 escaped pointer tokens", { "/": 9, "~1": 10 }, [{ op: "test", path: "/~01", value: 10 }], { "/": 9, "~1": 10 }],
    ["A.16 add an array value", { foo: ["bar"] }, [{ op: "add", path: "/foo/-", value: ["abc", "def"] }], { foo: ["bar", ["abc", "def"]] }],
    ["copy", { a: { b: [1] } }, [{ op: "copy", from: "/a", path: "/c" }], { a: { b: [1] }, c: { b: [1] } }],
  ];
  for (const [name, doc, ops, want] of ok) {
    it(name, () => expect(applyJsonPatch(doc, ops)).toEqual(want));
  }

  it("A.9 failed test", () => {
    const err = fail({ baz: "qux" }, [{ op: "test", path: "/baz", value: "bar" }]);
    expect(err.kind).toBe("Invalid");
    expect(err.message).toBe("testing value /baz failed: test failed");
  });

  it("A.12 add to a missing parent", () => {
    expect(fail({ foo: "bar" }, [{ op: "add", path: "/baz/bat", value: "qux" }]).message).toBe(
      'add operation does not apply: doc is missing path: "/baz/bat": missing value',
    );
  });

  it("A.15 compares strings and numbers strictly", () => {
    expect(fail({ "/": 9, "~1": 10 }, [{ op: "test", path: "/~01", value: "10" }]).message).toBe("testing value /~01 failed: test failed");
  });
});

describe("json patch: kube-apiserver behaviour", () => {
  it("kubectl patch --type=json replacing under a missing parent: 422 with the generic message", () => {
    const deploy = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 1 } };
    const err = fail(deploy, [{ op: "replace", path: "/spec/missing/x", value: 1 }]);
    expect(err.kind).toBe("Invalid");
    expect(err.code).toBe(422);
    expect(err.detail).toBe("replace operation does not apply: doc is missing path: /spec/missing/x: missing value");
    expect(err.toStatus()).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "the server rejected our request due to an error in our request",
      reason: "Invalid",
      details: {},
      code: 422,
    });
  });

  it("replace of a missing member of an existing object adds it (evanphx v4)", () => {
    expect(applyJsonPatch({ metadata: { labels: { a: "1" } } }, [{ op: "replace", path: "/metadata/labels/b", value: "2" }])).toEqual({
      metadata: { labels: { a: "1", b: "2" } },
    });
  });

  it("remove of a missing member", () => {
    expect(fail({ a: {} }, [{ op: "remove", path: "/a/b" }]).message).toBe(
      "error in remove for path: '/a/b': Unable to remove nonexistent key: b: missing value",
    );
    expect(fail({ a: {} }, [{ op: "remove", path: "/x/b" }]).message).toBe('remove operation does not apply: doc is missing path: "/x/b": missing value');
  });

  it("array indices: bounds, negative indices, append, bad syntax", () => {
    const doc = { l: ["a", "b", "c"] };
    expect(applyJsonPatch(doc, [{ op: "remove", path: "/l/-1" }])).toEqual({ l: ["a", "b"] });
    expect(applyJsonPatch(doc, [{ op: "add", path: "/l/-", value: "d" }])).toEqual({ l: ["a", "b", "c", "d"] });
    expect(applyJsonPatch(doc, [{ op: "add", path: "/l/3", value: "d" }])).toEqual({ l: ["a", "b", "c", "d"] });
    expect(applyJsonPatch(doc, [{ op: "replace", path: "/l/0", value: "z" }])).toEqual({ l: ["z", "b", "c"] });
    expect(fail(doc, [{ op: "add", path: "/l/5", value: "d" }]).message).toBe(
      "error in add for path: '/l/5': Unable to access invalid index: 5: invalid index referenced",
    );
    expect(fail(doc, [{ op: "add", path: "/l/x", value: "d" }]).message).toBe(
      `error in add for path: '/l/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`,
    );
    expect(fail(doc, [{ op: "replace", path: "/l/9", value: "d" }]).message).toBe(
      "replace operation does not apply: doc is missing key: /l/9: missing value",
    );
    expect(fail(doc, [{ op: "remove", path: "/l/3" }]).message).toBe(
      "error in remove for path: '/l/3': Unable to access invalid index: 3: invalid index referenced",
    );
    expect(fail(doc, [{ op: "replace", path: "/l/7/x", value: 1 }]).message).toBe(
      "replace operation does not apply: doc is missing path: /l/7/x: missing value",
    );
  });

  it("walks arrays of objects", () => {
    const pod = { spec: { containers: [{ name: "a", image: "x" }] } };
    expect(applyJsonPatch(pod, [{ op: "replace", path: "/spec/containers/0/image", value: "y" }])).toEqual({
      spec: { containers: [{ name: "a", image: "y" }] },
    });
  });

  it("test treats null and absent alike", () => {
    expect(applyJsonPatch({ a: null }, [{ op: "test", path: "/a", value: null }])).toEqual({ a: null });
    expect(applyJsonPatch({}, [{ op: "test", path: "/a", value: null }])).toEqual({});
    expect(applyJsonPatch({}, [{ op: "test", path: "/a" }])).toEqual({});
    expect(fail({ a: 1 }, [{ op: "test", path: "/a" }]).message).toBe("testing value /a failed: test failed");
    expect(fail({}, [{ op: "test", path: "/a", value: 1 }]).message).toBe("testing value /a failed: test failed");
  });

  it("test and replace on the whole document", () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: "test", path: "", value: { a: 1 } }])).toEqual({ a: 1 });
    expect(applyJsonPatch({ a: 1 }, [{ op: "replace", path: "", value: { b: 2 } }])).toEqual({ b: 2 });
    expect(fail({ a: 1 }, [{ op: "replace", path: "", value: 3 }]).message).toBe("replace operation value must be object or array: %!w(<nil>)");
    expect(fail({ a: 1 }, [{ op: "add", path: "", value: {} }]).message).toBe('add operation does not apply: doc is missing path: "": missing value');
  });

  it("move and copy errors", () => {
    expect(fail({ a: 1 }, [{ op: "move", from: "/nope/x", path: "/b" }]).message).toBe(
      "move operation does not apply: doc is missing from path: /nope/x: missing value",
    );
    expect(fail({ a: 1 }, [{ op: "move", from: "/b", path: "/c" }]).message).toBe(
      "error in move for path: 'b': Unable to remove nonexistent key: b: missing value",
    );
    expect(fail({ a: { b: 1 } }, [{ op: "move", from: "/a", path: "/a/c" }]).message).toBe(
      "move operation does not apply: doc is missing destination path: /a/c: missing value",
    );
    expect(fail({ a: 1 }, [{ op: "copy", from: "/a", path: "/x/y" }]).message).toBe(
      "copy operation does not apply: doc is missing destination path: /x/y: missing value",
    );
    expect(fail({ a: 1 }, [{ op: "move", path: "/b" }]).message).toBe("move operation failed to decode from: operation, missing from field: missing value");
  });

  it("copy copies deeply; add without value adds null", () => {
    const got = applyJsonPatch({ a: { b: 1 } }, [
      { op: "copy", from: "/a", path: "/c" },
      { op: "replace", path: "/c/b", value: 2 },
      { op: "add", path: "/d" },
    ]);
    expect(got).toEqual({ a: { b: 1 }, c: { b: 2 }, d: null });
  });

  it("operation decoding errors", () => {
    expect(fail({}, [{ op: "frobnicate", path: "/a" }]).message).toBe("Unexpected kind: frobnicate");
    expect(fail({}, [{ path: "/a" }]).message).toBe("Unexpected kind: unknown");
    expect(fail({}, [null]).message).toBe("Unexpected kind: unknown");
    expect(fail({}, [{ op: "add", value: 1 }]).message).toBe("add operation failed to decode path: missing value");
    expect(fail({}, [{ op: "replace", value: 1 }]).message).toBe("replace operation failed to decode path: operation missing path field: missing value");
    expect(fail({}, [{ op: "test", path: 5, value: 1 }]).message).toBe(
      "test operation failed to decode path: json: cannot unmarshal number into Go value of type string",
    );
  });

  it("a patch that is not a list of operations is a bad request", () => {
    const obj = fail({}, { op: "add", path: "/a", value: 1 });
    expect(obj.kind).toBe("BadRequest");
    expect(obj.message).toBe("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
    expect(obj.toStatus()).toMatchObject({ code: 400, reason: "BadRequest", message: obj.message });
    expect(fail({}, ["add"]).message).toBe("json: cannot unmarshal string into Go value of type jsonpatch.Operation");
    expect(applyJsonPatch({ a: 1 }, null)).toEqual({ a: 1 });
  });

  it(`more than ${MAX_JSON_PATCH_OPERATIONS} operations is 413`, () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: "test", path: "/a", value: 1 }));
    const err = fail({ a: 1 }, ops);
    expect(err.kind).toBe("RequestEntityTooLarge");
    expect(err.toStatus()).toMatchObject({
      code: 413,
      reason: "RequestEntityTooLarge",
      message: "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001",
    });
  });

  it("does not modify its arguments, even when a later operation fails", () => {
    const doc = { a: [1, 2], b: { c: 1 } };
    const ops = [
      { op: "add", path: "/a/-", value: { x: 1 } },
      { op: "remove", path: "/b/c" },
      { op: "test", path: "/a/0", value: 9 },
    ];
    const docCopy = structuredClone(doc);
    const opsCopy = structuredClone(ops);
    expect(() => applyJsonPatch(doc, ops)).toThrow(PatchError);
    const got = applyJsonPatch(doc, ops.slice(0, 2)) as { a: unknown[] };
    (got.a[2] as { x: number }).x = 5;
    expect(doc).toEqual(docCopy);
    expect(ops).toEqual(opsCopy);
  });

  it("keeps a member named __proto__ as data", () => {
    const got = applyJsonPatch({}, [{ op: "add", path: "/__proto__", value: { polluted: true } }]) as Record<string, unknown>;
    expect(Object.keys(got)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});

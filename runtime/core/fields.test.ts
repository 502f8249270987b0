import { describe, expect, it } from "vitest";
import {
  escapeFieldValue,
  FieldSelector,
  FieldSelectorParseError,
  parseAndTransformFieldSelector,
  parseFieldSelector,
  unescapeFieldValue,
} from "./fields.js";

function parseError(s: string): string {
  try {
    parseFieldSelector(s);
  } catch (e) {
    expect(e).toBeInstanceOf(FieldSelectorParseError);
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(s)} to fail`);
}

describe("parseFieldSelector (upstream TestSelectorParse)", () => {
  it.each(["x=a,y=b,z=c", "", "x!=a,y=b", String.raw`x=a||y\=b`, String.raw`x=a\=\=b`])("round trips %j", (s) => {
    expect(parseFieldSelector(s).toString()).toBe(s);
  });

  it.each([
    ["x=a||y=b", "invalid field selector: unescaped character in value: 61"],
    ["x==a==b", "invalid field selector: unescaped character in value: 61"],
    ["x=a,b", "invalid selector: 'x=a,b'; can't understand 'b'"],
    ["x in (a)", "invalid selector: 'x in (a)'; can't understand 'x in (a)'"],
    ["x in (a,b,c)", "invalid selector: 'x in (a,b,c)'; can't understand 'b'"],
    ["x", "invalid selector: 'x'; can't understand 'x'"],
    [String.raw`x=\a`, String.raw`invalid field selector: invalid escape sequence: \a`],
    ["x=a\\", "invalid field selector: invalid escape sequence: \\"],
    [String.raw`a\=b=c`, "invalid field selector: unescaped character in value: 61"],
  ])("rejects %j", (s, message) => {
    expect(parseError(s)).toBe(message);
  });

  it("is deterministic (terms sorted)", () => {
    expect(parseFieldSelector("x=a,a=x").toString()).toBe("a=x,x=a");
    expect(parseFieldSelector("a=x,x=a").toString()).toBe("a=x,x=a");
  });

  it("normalises == to = and skips empty terms", () => {
    const s = parseFieldSelector(",b==2,,a!=1,");
    expect(s.requirements()).toEqual([
      { field: "a", operator: "!=", value: "1" },
      { field: "b", operator: "=", value: "2" },
    ]);
    expect(s.toString()).toBe("a!=1,b=2");
  });

  it("splits terms on unescaped commas and terms on the first operator", () => {
    // terms sort as raw strings: "k2=..." < "k=..." ('2' < '=')
    expect(parseFieldSelector(String.raw`k=\,,k2=v2`).requirements()).toEqual([
      { field: "k2", operator: "=", value: "v2" },
      { field: "k", operator: "=", value: "," },
    ]);
    expect(parseFieldSelector(String.raw`k=\\,k2=v2`).requirements()).toEqual([
      { field: "k2", operator: "=", value: "v2" },
      { field: "k", operator: "=", value: "\\" },
    ]);
    expect(parseFieldSelector("함=수,목=록").requirements()).toEqual([
      { field: "목", operator: "=", value: "록" },
      { field: "함", operator: "=", value: "수" },
    ]);
    expect(parseFieldSelector("a!=b=c".replace("=c", String.raw`\=c`)).requirements()).toEqual([{ field: "a", operator: "!=", value: "b=c" }]);
    expect(parseFieldSelector("spec.nodeName=").requirements()).toEqual([{ field: "spec.nodeName", operator: "=", value: "" }]);
  });
});

describe("escaping (upstream TestEscapeValue)", () => {
  it.each([
    ["", ""],
    ["a", "a"],
    ["=", String.raw`\=`],
    [",", String.raw`\,`],
    ["\\", String.raw`\\`],
    ["\\=\\,\\", "\\\\\\=\\\\\\,\\\\"],
  ])("%j ⇄ %j", (raw, escaped) => {
    expect(escapeFieldValue(raw)).toBe(escaped);
    expect(unescapeFieldValue(escaped)).toBe(raw);
  });

  it.each(["\\", "\\\\\\", "\\a"])("rejects %j", (v) => {
    expect(() => unescapeFieldValue(v)).toThrow(/^invalid field selector: invalid escape sequence: /);
  });

  it("reports a bare comma as its code point", () => {
    expect(() => unescapeFieldValue("a,b")).toThrow("invalid field selector: unescaped character in value: 44");
  });
});

describe("matching (upstream TestSelectorMatches)", () => {
  const fieldset = { foo: "bar", baz: "blah", complex: "=value\\,\\" };
  it.each<[string, Record<string, string>, boolean]>([
    ["", { x: "y" }, true],
    ["x=y", { x: "y" }, true],
    ["x=y,z=w", { x: "y", z: "w" }, true],
    ["x!=y,z!=w", { x: "z", z: "a" }, true],
    ["notin=in", { notin: "in" }, true],
    ["x=y", { x: "z" }, false],
    ["x=y,z=w", { x: "w", z: "w" }, false],
    ["x!=y,z!=w", { x: "z", z: "w" }, false],
    ["foo=bar", fieldset, true],
    ["baz=blah", fieldset, true],
    ["foo=bar,baz=blah", fieldset, true],
    [String.raw`foo=bar,baz=blah,complex=\=value\\\,\\`, fieldset, true],
    ["foo=blah", fieldset, false],
    ["baz=bar", fieldset, false],
    ["foo=bar,foobar=bar,baz=blah", fieldset, false],
    // a missing field reads as ""
    ["missing=", {}, true],
    ["missing!=x", {}, true],
    ["missing=x", {}, false],
  ])("%j on %j → %s", (sel, fields, want) => {
    expect(parseFieldSelector(sel).matches(fields)).toBe(want);
  });
});

describe("FieldSelector constructors", () => {
  it("everything / nothing", () => {
    expect(FieldSelector.everything().matches({ x: "y" })).toBe(true);
    expect(FieldSelector.everything().empty()).toBe(true);
    expect(parseFieldSelector("").empty()).toBe(true);
    expect(FieldSelector.nothing().matches({})).toBe(false);
    expect(FieldSelector.nothing().empty()).toBe(false);
    expect(FieldSelector.nothing().isNothing()).toBe(true);
  });

  it("oneTermEqual / fromSet / and", () => {
    expect(FieldSelector.oneTermEqual("x", "y").matches({ x: "y" })).toBe(true);
    expect(FieldSelector.oneTermEqual("x", "y").matches({ x: "z" })).toBe(false);
    expect(FieldSelector.oneTermNotEqual("x", "y").matches({ x: "z" })).toBe(true);
    const labelset = { foo: "bar", baz: "blah" };
    expect(FieldSelector.fromSet({}).matches(labelset)).toBe(true);
    expect(FieldSelector.fromSet({ foo: "bar", baz: "blah" }).matches(labelset)).toBe(true);
    expect(FieldSelector.fromSet({ foo: "=blah" }).matches(labelset)).toBe(false);
    expect(FieldSelector.fromSet(undefined).empty()).toBe(true);
    expect(FieldSelector.fromSet({ b: "1,2", a: "x" }).toString()).toBe(String.raw`a=x,b=1\,2`);
    const both = FieldSelector.and(FieldSelector.oneTermEqual("metadata.name", "a"), FieldSelector.oneTermEqual("metadata.namespace", "ns"));
    expect(both.toString()).toBe("metadata.name=a,metadata.namespace=ns");
    expect(FieldSelector.and(both, FieldSelector.nothing()).isNothing()).toBe(true);
  });
});

describe("requiresExactMatch (upstream TestRequiresExactMatch)", () => {
  it.each<[FieldSelector, string, string | undefined]>([
    [FieldSelector.fromSet({}), "test", undefined],
    [FieldSelector.oneTermEqual("a", "b"), "test", undefined],
    [FieldSelector.oneTermEqual("test", "b"), "test", "b"],
    [FieldSelector.oneTermEqual("test", ""), "test", ""],
    [FieldSelector.oneTermNotEqual("test", "b"), "test", undefined],
    [FieldSelector.everything(), "test", undefined],
    [FieldSelector.and(FieldSelector.oneTermEqual("", ""), FieldSelector.oneTermEqual("test", "b")), "test", "b"],
    [parseFieldSelector("metadata.namespace!=x,metadata.name=foo"), "metadata.name", "foo"],
    [parseFieldSelector("metadata.namespace!=x,metadata.name=foo"), "metadata.namespace", undefined],
  ])("%# → %j", (sel, field, want) => {
    expect(sel.requiresExactMatch(field)).toBe(want);
  });
});

describe("transform (upstream TestTransform)", () => {
  it.each<[string, (f: string, v: string) => [string, string], string, boolean]>([
    ["", (f, v) => [f, v], "", true],
    ["a=b,c=d", (f, v) => [f, v], "a=b,c=d", false],
    ["a=b,c=d", (f, v) => (f === "a" ? ["e", "f"] : [f, v]), "e=f,c=d", false],
    ["a=b", () => ["", ""], "", true],
    ["a=b,c=d,e=f", (f, v) => (f === "c" ? ["", ""] : [f, v]), "a=b,e=f", false],
  ])("%j", (selector, fn, result, isEmpty) => {
    const s = parseAndTransformFieldSelector(selector, fn);
    expect(s.toString()).toBe(result);
    expect(s.empty()).toBe(isEmpty);
  });

  it("propagates errors thrown by the transform", () => {
    expect(() =>
      parseAndTransformFieldSelector("spec.bogus=1", (f) => {
        throw new Error(`field label not supported: ${f}`);
      }),
    ).toThrow("field label not supported: spec.bogus");
  });
});

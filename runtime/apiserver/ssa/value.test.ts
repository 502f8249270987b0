import { describe, expect, it } from "vitest";
import { FieldSet } from "./fieldset.js";
import type { FieldType } from "./schema.js";
import { compare, merge, removeFields, toFieldSet } from "./value.js";
import { encodeFieldsV1 } from "./fieldsv1.js";

const t: FieldType = {
  fields: {
    items: { listType: "map", keys: ["name"], items: {} },
    tags: { listType: "set" },
    args: {},
    sel: { mapType: "atomic" },
  },
};

describe("merge", () => {
  it("merges list-maps by key: live-only items keep their place, configured items come in the configuration's order", () => {
    const live = { items: [{ name: "a", v: 1 }, { name: "x", v: 0 }, { name: "b", v: 2 }] };
    const cfg = { items: [{ name: "b", w: 3 }, { name: "a", w: 4 }, { name: "c" }] };
    expect(merge(live, cfg, t)).toEqual({ items: [{ name: "x", v: 0 }, { name: "b", v: 2, w: 3 }, { name: "a", v: 1, w: 4 }, { name: "c" }] });
  });

  it("sets union by value; atomic lists and maps are replaced", () => {
    expect(merge({ tags: ["a", "b"], args: [1, 2], sel: { a: 1, b: 2 } }, { tags: ["c", "a"], args: [3], sel: { c: 3 } }, t)).toEqual({ tags: ["c", "a", "b"], args: [3], sel: { c: 3 } });
  });
});

describe("toFieldSet and compare", () => {
  it("owns set values, list-map items with their key fields, atomic values as leaves", () => {
    const set = toFieldSet({ tags: ["a"], items: [{ name: "n", v: 1 }], sel: { a: 1 }, args: [1] }, t);
    expect(encodeFieldsV1(set)).toEqual({ "f:args": {}, "f:items": { 'k:{"name":"n"}': { ".": {}, "f:name": {}, "f:v": {} } }, "f:sel": {}, "f:tags": { 'v:"a"': {} } });
  });

  it("records added objects with '.', modified leaves and removed subtrees", () => {
    const c = compare({ a: { b: 1 }, tags: ["x"] }, { a: { b: 2 }, c: { d: 1 }, tags: [] }, t);
    expect(encodeFieldsV1(c.added)).toEqual({ "f:c": { ".": {}, "f:d": {} } });
    expect(encodeFieldsV1(c.modified)).toEqual({ "f:a": { "f:b": {} } });
    expect(encodeFieldsV1(c.removed)).toEqual({ "f:tags": { 'v:"x"': {} } });
  });
});

describe("removeFields", () => {
  it("removes what nobody owns; an item someone still owns inside stays with only the owned fields", () => {
    const v = { items: [{ name: "a", image: "1", extra: "e" }, { name: "b" }], keep: 1 };
    const remove = toFieldSet({ items: [{ name: "a", image: "1" }, { name: "b" }], keep: 1 }, t);
    const keep = FieldSet.of(["f:items", 'k:{"name":"a"}', "f:extra"]);
    expect(removeFields(v, remove, keep, t)).toEqual({ items: [{ name: "a", extra: "e" }] });
  });
});

import { describe, expect, it } from "vitest";
import { decodeFieldsV1, encodeFieldsV1, FieldsV1Error } from "./fieldsv1.js";
import { FieldSet, keyElement, pathString } from "./fieldset.js";
import { fieldTypeFromPatchMeta, fieldTypeFromSchema } from "./schema.js";

describe("FieldsV1", () => {
  it("round-trips, writing '.' for members with children and keys in upstream order", () => {
    const raw = { "f:spec": { "i:1": {}, "v:\"b\"": {}, 'k:{"name":"a"}': { ".": {}, "f:name": {} }, "f:a": {} } };
    const set = decodeFieldsV1(raw);
    const enc = encodeFieldsV1(set);
    expect(JSON.stringify(enc)).toBe('{"f:spec":{"f:a":{},"k:{\\"name\\":\\"a\\"}":{".":{},"f:name":{}},"v:\\"b\\"":{},"i:1":{}}}');
  });

  it("rejects what is not FieldsV1", () => {
    expect(() => decodeFieldsV1({ spec: {} })).toThrow(FieldsV1Error);
    expect(() => decodeFieldsV1({ "k:{bad": {} })).toThrow(FieldsV1Error);
    expect(() => decodeFieldsV1([])).toThrow(FieldsV1Error);
  });

  it("prints paths as upstream", () => {
    expect(pathString(["f:spec", keyElement({ containerPort: 80, protocol: "TCP", x: 1 }, ["protocol", "containerPort"]), "f:name"])).toBe('.spec[containerPort=80,protocol="TCP"].name');
    expect(pathString(["f:metadata", "f:finalizers", 'v:"a"'])).toBe('.metadata.finalizers[="a"]');
    const s = FieldSet.of(["f:b"], ["f:a", "f:c"]);
    expect(s.paths().map(pathString)).toEqual([".a.c", ".b"]);
  });
});

describe("field types", () => {
  it("from patch metadata: merge keys make list-maps, merge without key a set, else atomic", () => {
    const t = fieldTypeFromPatchMeta({ fields: { c: { strategy: "merge", mergeKey: "name" }, f: { strategy: "merge" }, r: { strategy: "replace" } } });
    expect(t.fields?.c).toMatchObject({ listType: "map", keys: ["name"] });
    expect(t.fields?.f).toMatchObject({ listType: "set" });
    expect(t.fields?.r?.listType).toBeUndefined();
  });

  it("from a structural schema: x-kubernetes-list-type, list-map-keys and map-type", () => {
    const t = fieldTypeFromSchema({
      type: "object",
      properties: {
        spec: {
          type: "object",
          properties: {
            ports: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["port"], items: { type: "object" } },
            sel: { type: "object", "x-kubernetes-map-type": "atomic" },
          },
        },
      },
    });
    expect(t.fields?.spec?.fields?.ports).toMatchObject({ listType: "map", keys: ["port"] });
    expect(t.fields?.spec?.fields?.sel?.mapType).toBe("atomic");
  });
});

/** CRD schema validation: the structural invariants and OpenAPI-schema rules kube-apiserver applies, with its messages. */
import { describe, expect, it } from "vitest";
import { FieldPath, fieldErrorString } from "../core/validation.js";
import { hasInvalidMapListKeysMapSet, hasNonAtomicSetType, validateStructuralSchema, type JSONSchemaProps, type SchemaValidationOptions } from "./schema.js";

const root = "spec.versions[0].schema.openAPIV3Schema";
const p = FieldPath.of("spec", "versions").index(0).child("schema", "openAPIV3Schema");
const errs = (s: JSONSchemaProps, opts?: SchemaValidationOptions): string[] => validateStructuralSchema(s, p, opts).map(fieldErrorString);
const spec = (properties: Record<string, JSONSchemaProps>, extra: Partial<JSONSchemaProps> = {}): JSONSchemaProps => ({ type: "object", properties: { spec: { type: "object", properties, ...extra } } });
const at = `${root}.properties[spec]`;

describe("OpenAPI schema rules", () => {
  it("forbids uniqueItems, $ref, patternProperties and the other unsupported keywords", () => {
    expect(errs(spec({ l: { type: "array", items: { type: "string" }, uniqueItems: true } }))).toEqual([
      `${at}.properties[l].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
    ]);
    expect(errs(spec({ r: { type: "object", $ref: "#/definitions/x" } }))).toEqual([`${at}.properties[r].$ref: Forbidden: $ref is not supported`]);
    expect(errs(spec({ m: { type: "object", patternProperties: { "^a": { type: "string" } } } }))).toEqual([`${at}.properties[m].patternProperties: Forbidden: patternProperties is not supported`]);
    expect(errs(spec({ a: { type: "array", items: { type: "string" }, additionalItems: false } }))).toEqual([`${at}.properties[a].additionalItems: Forbidden: additionalItems is not supported`]);
    expect(errs(spec({ d: { type: "object", definitions: { x: { type: "string" } } } }))).toEqual([`${at}.properties[d].definitions: Forbidden: definitions is not supported`]);
    expect(errs(spec({ i: { type: "string", id: "x" } }))).toEqual([`${at}.properties[i].id: Forbidden: id is not supported`]);
    expect(errs(spec({ n: { type: "null" } }))).toEqual([
      `${at}.properties[n].type: Unsupported value: "null": supported values: "array", "boolean", "integer", "number", "object", "string"`,
      `${at}.properties[n].type: Forbidden: type cannot be set to null, use nullable as an alternative`,
    ]);
    // uniqueItems is also forbidden inside junctors
    expect(errs(spec({ l: { type: "array", items: { type: "string" }, allOf: [{ uniqueItems: true }] } }))).toEqual([
      `${at}.properties[l].allOf[0].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
    ]);
  });

  it("forbids nullable at the root and defaults in top-level metadata", () => {
    expect(errs({ type: "object", nullable: true })).toEqual([`${root}.nullable: Forbidden: nullable cannot be true at the root`]);
    expect(errs({ type: "object", properties: { metadata: { type: "object", default: {} }, kind: { type: "string", default: "X" } } })).toEqual([
      `${root}.properties[metadata].default: Forbidden: must not be set in top-level metadata`,
      `${root}.properties[kind].default: Forbidden: must not be set in top-level kind`,
    ]);
  });

  it("requires list and map types where their extensions are used", () => {
    expect(errs(spec({ l: { type: "object", "x-kubernetes-list-type": "atomic" } }))).toEqual([`${at}.properties[l].type: Invalid value: "object": must be array if x-kubernetes-list-type is specified`]);
    expect(errs(spec({ m: { type: "array", items: { type: "string" }, "x-kubernetes-map-type": "atomic" } }))).toEqual([`${at}.properties[m].type: Invalid value: "array": must be object if x-kubernetes-map-type is specified`]);
    expect(errs(spec({ l: { type: "array", items: { type: "string" }, "x-kubernetes-list-map-keys": ["a"] } }))).toEqual([
      `${at}.properties[l].x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty`,
    ]);
  });

  it("rejects x-kubernetes-list-type set with non-atomic object or list items", () => {
    const set = (items: JSONSchemaProps): JSONSchemaProps => spec({ s: { type: "array", "x-kubernetes-list-type": "set", items } });
    expect(errs(set({ type: "object", properties: { a: { type: "string" } } }))).toEqual([
      `${at}.properties[s].items.x-kubernetes-map-type: Invalid value: "null": must be atomic as item of a list with x-kubernetes-list-type=set`,
    ]);
    expect(errs(set({ type: "object", "x-kubernetes-map-type": "granular", properties: { a: { type: "string" } } }))).toEqual([
      `${at}.properties[s].items.x-kubernetes-map-type: Invalid value: "null": must be atomic as item of a list with x-kubernetes-list-type=set`,
    ]);
    expect(errs(set({ type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["a"], items: { type: "object", required: ["a"], properties: { a: { type: "string" } } } }))).toEqual([
      `${at}.properties[s].items.x-kubernetes-list-type: Invalid value: "map": must be atomic as item of a list with x-kubernetes-list-type=set`,
    ]);
    expect(errs(set({ type: "object", "x-kubernetes-map-type": "atomic", properties: { a: { type: "string" } } }))).toEqual([]);
    expect(errs(set({ type: "string" }))).toEqual([]);
    expect(errs(set({ type: "string", nullable: true }))).toEqual([`${at}.properties[s].items.nullable: Forbidden: cannot be nullable when x-kubernetes-list-type is set`]);
  });

  it("requires list-map keys to be required or defaulted, scalar, unique and not nullable", () => {
    const list = (items: JSONSchemaProps, keys = ["name"]): JSONSchemaProps => spec({ l: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": keys, items } });
    expect(errs(list({ type: "object", properties: { name: { type: "string" } } }))).toEqual([
      `${at}.properties[l].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`,
    ]);
    expect(errs(list({ type: "object", properties: { name: { type: "string", default: "x" } } }))).toEqual([]);
    expect(errs(list({ type: "object", required: ["name"], properties: { name: { type: "string", nullable: true } } }))).toEqual([
      `${at}.properties[l].items.properties[name].nullable: Forbidden: this property is in x-kubernetes-list-map-keys, so it cannot be nullable`,
    ]);
    expect(errs(list({ type: "object", required: ["name"], properties: { name: { type: "string" } } }, ["name", "port"]))).toEqual([
      `${at}.properties[l].x-kubernetes-list-map-keys: Invalid value: ["name","port"]: entries must all be names of item properties`,
    ]);
    expect(errs(list({ type: "object", required: ["o"], properties: { o: { type: "object" } } }, ["o"]))).toEqual([
      `${at}.properties[l].items.properties[o].type: Invalid value: "object": must be a scalar type if parent array's x-kubernetes-list-type is map`,
    ]);
    expect(errs(list({ type: "object", required: ["name"], properties: { name: { type: "string" } } }, ["name", "name"]))).toEqual([
      `${at}.properties[l].x-kubernetes-list-map-keys: Invalid value: ["name","name"]: must not contain duplicate entries`,
    ]);
    expect(errs(list({ type: "string" }))).toEqual([`${at}.properties[l].items.type: Invalid value: "string": must be object if parent array's x-kubernetes-list-type is map`]);
  });

  it("relaxes the set and map-key rules when asked (update ratcheting)", () => {
    const bad = spec({ s: { type: "array", "x-kubernetes-list-type": "set", items: { type: "object", properties: { a: { type: "string" } } } } });
    expect(errs(bad, { requireAtomicSetType: false })).toEqual([]);
    expect(hasNonAtomicSetType(bad)).toBe(true);
    const keys = spec({ l: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["n"], items: { type: "object", properties: { n: { type: "string" } } } } });
    expect(errs(keys, { requireMapListKeysMapSetValidation: false })).toEqual([]);
    expect(hasInvalidMapListKeysMapSet(keys)).toBe(true);
    expect(hasInvalidMapListKeysMapSet(spec({ a: { type: "string" } }))).toBe(false);
  });

  it("accepts additionalProperties: false alone but not beside properties", () => {
    expect(errs(spec({ m: { type: "object", additionalProperties: false } }))).toEqual([]);
    expect(errs(spec({ m: { type: "object", properties: { a: { type: "string" } }, additionalProperties: false } }))).toEqual([
      `${at}.properties[m].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
    ]);
  });
});

describe("structural invariants", () => {
  it("forbids structure and extensions inside allOf/anyOf/oneOf/not (value validations only)", () => {
    const s = spec(
      { a: { type: "string" } },
      {
        allOf: [{ type: "object", properties: { a: { description: "d", nullable: true, default: "x", pattern: "^x" } }, additionalProperties: { type: "string" } }],
        anyOf: [{ "x-kubernetes-preserve-unknown-fields": true, "x-kubernetes-list-type": "set", title: "t" }],
        oneOf: [{ "x-kubernetes-int-or-string": true, "x-kubernetes-embedded-resource": true, "x-kubernetes-map-type": "atomic", "x-kubernetes-list-map-keys": ["k"] }],
        not: { properties: { metadata: {} }, "x-kubernetes-validations": [{ rule: "true" }] },
      },
    );
    expect(errs(s)).toEqual([
      `${at}.allOf[0].additionalProperties: Forbidden: must be undefined to be structural`,
      `${at}.allOf[0].properties[a].default: Forbidden: must be undefined to be structural`,
      `${at}.allOf[0].properties[a].description: Forbidden: must be empty to be structural`,
      `${at}.allOf[0].properties[a].nullable: Forbidden: must be false to be structural`,
      `${at}.allOf[0].type: Forbidden: must be empty to be structural`,
      `${at}.anyOf[0].title: Forbidden: must be empty to be structural`,
      `${at}.anyOf[0].x-kubernetes-list-type: Forbidden: must be undefined to be structural`,
      `${at}.anyOf[0].x-kubernetes-preserve-unknown-fields: Forbidden: must be false to be structural`,
      `${at}.not.properties[metadata]: Forbidden: must not be specified in a nested context`,
      `${at}.not.x-kubernetes-validations: Forbidden: must be empty to be structural`,
      `${at}.oneOf[0].x-kubernetes-embedded-resource: Forbidden: must be false to be structural`,
      `${at}.oneOf[0].x-kubernetes-int-or-string: Forbidden: must be false to be structural`,
      `${at}.oneOf[0].x-kubernetes-list-map-keys: Forbidden: must be empty to be structural`,
      `${at}.oneOf[0].x-kubernetes-map-type: Forbidden: must be undefined to be structural`,
      // then the OpenAPI rules, which apply inside junctors as well
      `${at}.allOf[0].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
      `${at}.oneOf[0].type: Required value: must be object if x-kubernetes-map-type is specified`,
      `${at}.oneOf[0].x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty`,
      `${at}.anyOf[0].type: Required value: must be array if x-kubernetes-list-type is specified`,
    ]);
  });

  it("allows the int-or-string anyOf pattern and value validations in junctors", () => {
    expect(errs(spec({ p: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] } }))).toEqual([]);
    expect(errs(spec({ p: { "x-kubernetes-int-or-string": true, allOf: [{ anyOf: [{ type: "integer" }, { type: "string" }] }, { pattern: "^a" }] } }))).toEqual([]);
    expect(errs(spec({ a: { type: "string" }, b: { type: "integer" } }, { oneOf: [{ required: ["a"] }, { required: ["b"] }], not: { properties: { a: { maxLength: 0 } } } }))).toEqual([]);
    expect(errs(spec({ p: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "boolean" }] } }))).toEqual([
      `${at}.properties[p].anyOf[0].type: Forbidden: must be empty to be structural`,
      `${at}.properties[p].anyOf[1].type: Forbidden: must be empty to be structural`,
    ]);
  });

  it("requires what root junctors name to be specified structurally", () => {
    expect(errs({ type: "object", properties: { spec: { type: "object" } }, allOf: [{ properties: { status: {} } }], anyOf: [{ properties: { spec: { properties: { x: {} } } } }] })).toEqual([
      `${root}.properties[spec].properties[x]: Required value: because it is defined in ${root}.anyOf[0].properties[spec].properties[x]`,
      `${root}.properties[status]: Required value: because it is defined in ${root}.allOf[0].properties[status]`,
    ]);
  });

  it("checks types, additionalProperties and embedded resources with upstream's wording", () => {
    expect(errs(spec({ l: { type: "array", items: {} } }))).toEqual([`${at}.properties[l].items.type: Required value: must not be empty for specified array items`]);
    expect(errs({ type: "object", additionalProperties: { type: "string" } })).toEqual([`${root}.additionalProperties: Forbidden: must not be used at the root`]);
    expect(errs(spec({ e: { "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true } }))).toEqual([
      `${at}.properties[e].type: Required value: must be object if x-kubernetes-embedded-resource is true`,
    ]);
    expect(errs(spec({ e: { type: "object", "x-kubernetes-embedded-resource": true } }))).toEqual([
      `${at}.properties[e].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`,
    ]);
    expect(errs(spec({ e: { type: "object", "x-kubernetes-embedded-resource": true, properties: { kind: { type: "integer" }, metadata: { type: "string" } } } }))).toEqual([
      `${at}.properties[e].properties[kind].type: Invalid value: "integer": must be string`,
      `${at}.properties[e].properties[metadata].type: Invalid value: "string": must be object`,
    ]);
    expect(errs(spec({ p: { "x-kubernetes-int-or-string": true, "x-kubernetes-preserve-unknown-fields": true } }))).toEqual([
      `${at}.properties[p].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true`,
    ]);
  });

  it("restricts top-level metadata to name and generateName", () => {
    expect(errs({ type: "object", properties: { metadata: { type: "object", properties: { name: { type: "string", maxLength: 10 }, generateName: { type: "string" } } } } })).toEqual([]);
    for (const metadata of [{ type: "object", description: "the object's metadata" }, { type: "object", properties: { name: { type: "string" }, labels: { type: "object" } } }, { type: "object", maxProperties: 3 }] as JSONSchemaProps[]) {
      expect(errs({ type: "object", properties: { metadata } })).toEqual([
        `${root}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
      ]);
    }
  });

  it("rejects patterns Go's regexp (RE2) does not compile", () => {
    const bad = (pattern: string, err: string): void => {
      expect(errs(spec({ s: { type: "string", pattern } }))).toEqual([`${at}.properties[s].pattern: Invalid value: ${JSON.stringify(pattern)}: must be a valid regular expression, but isn't: ${err}`]);
    };
    bad("(?<=a)b", "error parsing regexp: invalid named capture: `(?<=a)b`");
    bad("(?!a)b", "error parsing regexp: invalid or unsupported Perl syntax: `(?!`");
    bad("(a)\\1", "error parsing regexp: invalid escape sequence: `\\1`");
    bad("[a-", "error parsing regexp: missing closing ]: `[a-`");
    expect(errs(spec({ s: { type: "string", pattern: "(?i)^[a-z0-9]([-a-z0-9]*[a-z0-9])?\\z" } }))).toEqual([]);
    // patterns inside junctors are checked too
    expect(errs(spec({ s: { type: "string", allOf: [{ pattern: "a{2,1}" }] } }))).toEqual([
      `${at}.properties[s].allOf[0].pattern: Invalid value: "a{2,1}": must be a valid regular expression, but isn't: error parsing regexp: invalid repeat count: \`{2,1}\``,
    ]);
  });

  it("sorts structural errors and reports defaults only for a structural schema", () => {
    expect(errs(spec({ z: {}, a: {}, d: { type: "integer", minimum: 1, default: 0 } }))).toEqual([
      `${at}.properties[a].type: Required value: must not be empty for specified object fields`,
      `${at}.properties[z].type: Required value: must not be empty for specified object fields`,
    ]);
    expect(errs(spec({ d: { type: "integer", minimum: 1, default: 0 } }))).toEqual([
      `${at}.properties[d].default: Invalid value: 0: spec.d in body should be greater than or equal to 1`,
    ]);
  });

  it("reports only the OpenAPI rules for a schema that cannot be made structural", () => {
    // $ref keeps upstream from building the structural schema: no "type must not be empty" errors
    expect(errs(spec({ r: { $ref: "#/x" }, t: {} }))).toEqual([`${at}.properties[r].$ref: Forbidden: $ref is not supported`]);
  });
});

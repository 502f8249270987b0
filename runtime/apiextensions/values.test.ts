import { describe, expect, it } from "vitest";
import { FieldPath, fieldErrorString } from "../core/validation.js";
import { validateStructuralSchema, type JSONSchemaProps } from "./schema.js";
import { applyDefaults, formatOK, prune, validateValue } from "./values.js";
import { compareKubeVersions, evalJSONPath } from "./customresource.js";

const obj = (properties: Record<string, JSONSchemaProps>, extra: Partial<JSONSchemaProps> = {}): JSONSchemaProps => ({ type: "object", properties, ...extra });
const spec = (properties: Record<string, JSONSchemaProps>, extra: Partial<JSONSchemaProps> = {}): JSONSchemaProps => obj({ spec: obj(properties, extra) });

describe("validateValue (kube-openapi messages as kube-apiserver reports them)", () => {
  const cases: [string, JSONSchemaProps, unknown, string[]][] = [
    ["minimum", spec({ replicas: { type: "integer", minimum: 1 } }), { spec: { replicas: 0 } }, ["spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1"]],
    ["exclusiveMinimum", spec({ r: { type: "number", minimum: 1, exclusiveMinimum: true } }), { spec: { r: 1 } }, ["spec.r: Invalid value: 1: spec.r in body should be greater than 1"]],
    ["maximum", spec({ r: { type: "integer", maximum: 5 } }), { spec: { r: 6 } }, ["spec.r: Invalid value: 6: spec.r in body should be less than or equal to 5"]],
    ["exclusiveMaximum", spec({ r: { type: "integer", maximum: 5, exclusiveMaximum: true } }), { spec: { r: 5 } }, ["spec.r: Invalid value: 5: spec.r in body should be less than 5"]],
    ["multipleOf", spec({ r: { type: "integer", multipleOf: 3 } }), { spec: { r: 4 } }, ["spec.r: Invalid value: 4: spec.r in body should be a multiple of 3"]],
    ["enum", spec({ mode: { type: "string", enum: ["a", "b"] } }), { spec: { mode: "x" } }, ['spec.mode: Unsupported value: "x": supported values: "a", "b"']],
    ["required", spec({ name: { type: "string" } }, { required: ["name"] }), { spec: {} }, ["spec.name: Required value"]],
    ["integer vs number", spec({ r: { type: "integer" } }), { spec: { r: 1.5 } }, ['spec.r: Invalid value: "number": spec.r in body must be of type integer: "number"']],
    ["string type", spec({ s: { type: "string" } }), { spec: { s: 1 } }, ['spec.s: Invalid value: "integer": spec.s in body must be of type string: "integer"']],
    ["null not nullable", spec({ o: obj({}) }), { spec: { o: null } }, ['spec.o: Invalid value: "null": spec.o in body must be of type object: "null"']],
    ["nullable", spec({ o: obj({}, { nullable: true }) }), { spec: { o: null } }, []],
    ["pattern", spec({ s: { type: "string", pattern: "^[a-z]+$" } }), { spec: { s: "A" } }, [`spec.s: Invalid value: "A": spec.s in body should match '^[a-z]+$'`]],
    ["minLength", spec({ s: { type: "string", minLength: 2 } }), { spec: { s: "a" } }, ['spec.s: Invalid value: "a": spec.s in body should be at least 2 chars long']],
    ["maxLength", spec({ s: { type: "string", maxLength: 2 } }), { spec: { s: "abc" } }, ["spec.s: Too long: must have at most 2 bytes"]],
    ["minItems", spec({ l: { type: "array", items: { type: "string" }, minItems: 1 } }), { spec: { l: [] } }, ["spec.l: Invalid value: 0: spec.l in body should have at least 1 items"]],
    ["maxItems", spec({ l: { type: "array", items: { type: "string" }, maxItems: 1 } }), { spec: { l: ["a", "b"] } }, ["spec.l: Too many: must have at most 1 items"]],
    ["uniqueItems", spec({ l: { type: "array", items: { type: "string" }, uniqueItems: true } }), { spec: { l: ["a", "a"] } }, [`spec.l: Invalid value: ["a","a"]: spec.l in body shouldn't contain duplicates`]],
    ["minProperties", spec({ m: { type: "object", additionalProperties: { type: "string" }, minProperties: 1 } }), { spec: { m: {} } }, ["spec.m: Invalid value: 0: spec.m in body should have at least 1 properties"]],
    ["maxProperties", spec({ m: { type: "object", additionalProperties: { type: "string" }, maxProperties: 1 } }), { spec: { m: { a: "1", b: "2" } } }, ["spec.m: Too many: must have at most 1 items"]],
    ["additionalProperties", spec({ m: { type: "object", additionalProperties: { type: "integer" } } }), { spec: { m: { a: "x" } } }, ['spec.m.a: Invalid value: "string": spec.m.a in body must be of type integer: "string"']],
    ["array item path", spec({ l: { type: "array", items: obj({ n: { type: "integer", minimum: 1 } }) } }), { spec: { l: [{ n: 1 }, { n: 0 }] } }, ["spec.l[1].n: Invalid value: 0: spec.l[1].n in body should be greater than or equal to 1"]],
    ["int-or-string ok", spec({ p: { "x-kubernetes-int-or-string": true } }), { spec: { p: "80%" } }, []],
    ["int-or-string bad", spec({ p: { "x-kubernetes-int-or-string": true } }), { spec: { p: true } }, ['spec.p: Invalid value: "boolean": spec.p in body must be of type integer,string: "boolean"']],
    ["format date-time", spec({ t: { type: "string", format: "date-time" } }), { spec: { t: "yesterday" } }, ['spec.t: Invalid value: "yesterday": spec.t in body must be of type date-time: "yesterday"']],
    // kube-apiserver strips number formats (int32, int64, float, double) from CRD schemas before validating
    ["format int32 not validated", spec({ i: { type: "integer", format: "int32" } }), { spec: { i: 2147483648 } }, []],
    ["format date", spec({ d: { type: "string", format: "date" } }), { spec: { d: "2024-02-30" } }, ['spec.d: Invalid value: "2024-02-30": spec.d in body must be of type date: "2024-02-30"']],
    ["format isbn", spec({ b: { type: "string", format: "isbn" } }), { spec: { b: "978-0321751042" } }, ['spec.b: Invalid value: "978-0321751042": spec.b in body must be of type isbn: "978-0321751042"']],
    ["pattern with RE2 syntax", spec({ s: { type: "string", pattern: "(?i)^[a-z]+\\z" } }), { spec: { s: "ABC" } }, []],
    ["pattern with RE2 semantics", spec({ s: { type: "string", pattern: "^a.b$" } }), { spec: { s: "a\nb" } }, [`spec.s: Invalid value: "a\\nb": spec.s in body should match '^a.b$'`]],
    ["list-type set", spec({ l: { type: "array", items: { type: "string" }, "x-kubernetes-list-type": "set" } }), { spec: { l: ["a", "b", "a"] } }, ['spec.l[2]: Duplicate value: "a"']],
    ["list-type map", spec({ l: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], items: obj({ name: { type: "string" } }) } }), { spec: { l: [{ name: "a" }, { name: "a" }] } }, ['spec.l[1]: Duplicate value: {"name":"a"}']],
    ["embedded resource", spec({ t: { type: "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true } }), { spec: { t: {} } }, ["spec.t.apiVersion: Required value: must not be empty", "spec.t.kind: Required value: must not be empty"]],
  ];
  it.each(cases)("%s", (_name, schema, value, want) => {
    expect(validateValue(schema, value).map(fieldErrorString)).toEqual(want);
  });

  it("formats", () => {
    expect(formatOK("uuid", "123e4567-e89b-12d3-a456-426614174000")).toBe(true);
    expect(formatOK("uuid", "nope")).toBe(false);
    expect(formatOK("byte", "aGVsbG8=")).toBe(true);
    expect(formatOK("byte", "a")).toBe(false);
    expect(formatOK("ipv4", "10.0.0.1")).toBe(true);
    expect(formatOK("ipv6", "::1")).toBe(true);
    expect(formatOK("cidr", "10.0.0.0/8")).toBe(true);
    expect(formatOK("date", "2024-02-30x")).toBe(false);
  });
});

describe("prune", () => {
  it("drops unknown fields and reports their paths, keeping preserved subtrees and embedded resources", () => {
    const schema = spec({
      known: { type: "string" },
      list: { type: "array", items: obj({ a: { type: "string" } }) },
      free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
      tmpl: { type: "object", "x-kubernetes-embedded-resource": true, properties: { spec: obj({ x: { type: "string" } }) } },
    });
    const o: Record<string, unknown> = {
      apiVersion: "g/v1",
      kind: "K",
      metadata: { name: "n", bogus: 1 },
      spec: { known: "k", foo: 1, list: [{ a: "1", b: 2 }], free: { any: { thing: 1 } }, tmpl: { apiVersion: "v1", kind: "Pod", metadata: { name: "p", junk: 1 }, spec: { x: "1", y: 2 } } },
      extra: true,
    };
    expect(prune(o, schema).sort()).toEqual(["extra", "metadata.bogus", "spec.foo", "spec.list[0].b", "spec.tmpl.metadata.junk", "spec.tmpl.spec.y"]);
    expect(o).toEqual({
      apiVersion: "g/v1",
      kind: "K",
      metadata: { name: "n" },
      spec: { known: "k", list: [{ a: "1" }], free: { any: { thing: 1 } }, tmpl: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { x: "1" } } },
    });
  });
});

describe("applyDefaults", () => {
  it("fills missing fields and non-nullable nulls, recursively", () => {
    const schema = spec({
      replicas: { type: "integer", default: 1 },
      opt: { type: "string", nullable: true, default: "d" },
      nested: obj({ a: { type: "string", default: "x" } }, { default: {} }),
      list: { type: "array", items: obj({ p: { type: "integer", default: 80 } }) },
    });
    const o = { spec: { opt: null, list: [{}, { p: 1 }] } };
    applyDefaults(o, schema);
    expect(o).toEqual({ spec: { replicas: 1, opt: null, nested: { a: "x" }, list: [{ p: 80 }, { p: 1 }] } });
  });
});

describe("validateStructuralSchema", () => {
  const p = FieldPath.of("spec", "versions").index(0).child("schema", "openAPIV3Schema");
  const errs = (s: JSONSchemaProps): string[] => validateStructuralSchema(s, p).map(fieldErrorString);
  it("accepts a structural schema", () => {
    expect(errs(spec({ a: { type: "string" }, p: { "x-kubernetes-int-or-string": true }, f: { type: "object", "x-kubernetes-preserve-unknown-fields": true } }))).toEqual([]);
  });
  it("reports upstream's messages", () => {
    expect(errs(spec({ a: {} }))).toEqual(["spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[a].type: Required value: must not be empty for specified object fields"]);
    expect(errs({ properties: {} })).toEqual(["spec.versions[0].schema.openAPIV3Schema.type: Required value: must not be empty at the root"]);
    expect(errs(obj({ metadata: obj({ labels: { type: "object" } }) }))).toEqual([
      "spec.versions[0].schema.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified",
    ]);
    expect(errs(spec({ l: { type: "array" } }))).toEqual(["spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[l].items: Required value: must be specified"]);
    // upstream does not forbid a type beside x-kubernetes-int-or-string
    expect(errs(spec({ p: { type: "string", "x-kubernetes-int-or-string": true } }))).toEqual([]);
  });
});

describe("printer columns and versions", () => {
  it("evaluates the JSONPath subset", () => {
    const o = { spec: { ports: [{ name: "http" }], "a.b": 1 } };
    expect(evalJSONPath(o, ".spec.ports[0].name")).toBe("http");
    expect(evalJSONPath(o, "{.spec.ports[0].name}")).toBe("http");
    expect(evalJSONPath(o, ".spec['a.b']")).toBe(1);
    expect(evalJSONPath(o, ".spec.missing.x")).toBeUndefined();
  });
  it("orders versions by Kubernetes priority", () => {
    expect(["v1alpha1", "foo", "v1beta1", "v2", "v1", "v1beta2"].sort(compareKubeVersions)).toEqual(["v2", "v1", "v1beta2", "v1beta1", "v1alpha1", "foo"]);
  });
});

describe("defaults in CRD schemas", () => {
  it("rejects a default the schema itself rejects, naming the field as object validation does", () => {
    const schema: JSONSchemaProps = {
      type: "object",
      properties: {
        spec: {
          type: "object",
          properties: {
            replicas: { type: "integer", minimum: 1, default: 0 },
            mode: { type: "string", enum: ["a", "b"], default: "a" },
            size: { type: "integer", default: "big" },
          },
        },
      },
    };
    const errs = validateStructuralSchema(schema, FieldPath.of("spec", "versions").index(0).child("schema").child("openAPIV3Schema"));
    expect(errs.map((e) => `${e.field}: ${e.detail}`)).toEqual([
      "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[replicas].default: spec.replicas in body should be greater than or equal to 1",
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[size].default: spec.size in body must be of type integer: "string"',
    ]);
  });
});

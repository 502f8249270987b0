/** prepareSchema: the Kubernetes extensions become `tsType`s on a copy; the input is left alone. */
import { describe, expect, it } from "vitest";
import { lowerCamel, pascal } from "./emit.js";
import { prepareSchema } from "./schema.js";

describe("prepareSchema", () => {
  it("maps the special cases to kubeforge types and records the imports", () => {
    const input = {
      type: "object",
      title: "Dropped",
      oneOf: [{ required: ["a"] }, { required: ["b"] }],
      properties: {
        ios: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }], description: "d" },
        t: { type: "string", format: "date-time", nullable: true },
        i32: { type: "integer", format: "int32" },
        i64: { type: "integer", format: "int64" },
        n: { type: "integer" },
        free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        e: { type: "string", enum: ["a"], nullable: true },
        obj: { type: "object", nullable: true, properties: { x: { type: "string" } } },
      },
    };
    const before = structuredClone(input);
    const { schema, used } = prepareSchema(input);
    expect(input).toEqual(before);
    expect([...used].sort()).toEqual(["Int32", "Int64", "IntOrString", "Time"]);
    expect(schema).toEqual({
      type: "object",
      properties: {
        ios: { tsType: "IntOrString", description: "d" },
        t: { tsType: "Time | null" },
        i32: { tsType: "Int32" },
        i64: { tsType: "Int64" },
        n: { type: "integer" },
        free: { tsType: "Record<string, unknown>" },
        e: { type: ["string", "null"], enum: ["a", null] },
        obj: { type: ["object", "null"], properties: { x: { type: "string" } } },
      },
    });
  });

  it("embedded resources: ObjectMeta metadata, an index signature only when unknown fields are kept", () => {
    const { schema, used } = prepareSchema(
      { type: "object", "x-kubernetes-embedded-resource": true, properties: { spec: { type: "object" }, metadata: { type: "object" } } },
      (n) => `Kf${n}`,
    );
    expect([...used]).toEqual(["ObjectMeta"]);
    expect(schema).toEqual({
      type: "object",
      additionalProperties: false,
      properties: { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { tsType: "KfObjectMeta" }, spec: { type: "object" } },
    });
  });

  it("keeps unknown fields next to declared properties, in arrays and maps too", () => {
    const { schema } = prepareSchema({
      type: "array",
      items: { type: "object", additionalProperties: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { a: { type: "string" } } } },
    });
    expect(schema).toEqual({ type: "array", items: { type: "object", additionalProperties: { type: "object", additionalProperties: true, properties: { a: { type: "string" } } } } });
  });
});

describe("names", () => {
  it("lowerCamel and pascal", () => {
    expect(["CronTab", "URLMap", "DNS", "X"].map(lowerCamel)).toEqual(["cronTab", "urlMap", "dns", "x"]);
    expect(["spec", "tls-config", "data_v2", "--"].map(pascal)).toEqual(["Spec", "TlsConfig", "DataV2", "Field"]);
  });
});

import { describe, expect, it } from "vitest";
import { toV3Schemas } from "./v3.js";

describe("toV3Schemas", () => {
  it("rewrites references and wraps described references of fields in allOf, as kube-openapi does", () => {
    const out = toV3Schemas({
      A: {
        type: "object",
        properties: {
          plain: { $ref: "#/definitions/B" },
          described: { description: "the b", $ref: "#/definitions/B", "x-kubernetes-patch-strategy": "retainKeys" },
          list: { type: "array", items: { $ref: "#/definitions/B" } },
          map: { type: "object", additionalProperties: { $ref: "#/definitions/B" } },
        },
      },
      B: { type: "string" },
    });
    expect(out.A?.properties).toEqual({
      plain: { $ref: "#/components/schemas/B" },
      described: { allOf: [{ $ref: "#/components/schemas/B" }], description: "the b", "x-kubernetes-patch-strategy": "retainKeys" },
      list: { type: "array", items: { $ref: "#/components/schemas/B" } },
      map: { type: "object", additionalProperties: { $ref: "#/components/schemas/B" } },
    });
    expect(out.B).toEqual({ type: "string" });
  });
});

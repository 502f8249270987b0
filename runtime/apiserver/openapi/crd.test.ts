import { describe, expect, it } from "vitest";
import type { ResourceDefinition } from "../resource.js";
import { customResourceDefinitions, publishedSchema } from "./crd.js";

const def: ResourceDefinition = {
  group: "stable.example.com",
  version: "v1",
  names: { plural: "crontabs", singular: "crontab", kind: "CronTab", listKind: "CronTabList" },
  namespaced: true,
  unstructured: true,
  openAPISchema: {
    type: "object",
    description: "A cron tab.",
    properties: {
      metadata: { type: "object", properties: { name: { type: "string", maxLength: 10 } } },
      spec: {
        type: "object",
        required: ["cronSpec"],
        properties: {
          cronSpec: { type: "string", description: "The schedule.", pattern: "^\\S+$" },
          ports: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["port"], items: { type: "object", properties: { port: { type: "integer" } } } },
        },
      },
    },
  },
};

describe("customResourceDefinitions", () => {
  it("publishes the version's schema with standard apiVersion/kind/metadata and the GVK, as upstream's builder", () => {
    const { names, definitions } = customResourceDefinitions(def);
    expect(names.get("CronTab")).toBe("com.example.stable.v1.CronTab");
    expect(names.get("CronTabList")).toBe("com.example.stable.v1.CronTabList");
    const obj = definitions["com.example.stable.v1.CronTab"];
    expect(obj?.description).toBe("A cron tab.");
    expect(obj?.["x-kubernetes-group-version-kind"]).toEqual([{ group: "stable.example.com", version: "v1", kind: "CronTab" }]);
    expect(obj?.properties?.metadata).toEqual({ description: expect.stringContaining("Standard object's metadata"), $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" });
    expect(obj?.properties?.apiVersion?.type).toBe("string");
    expect(obj?.properties?.spec?.properties?.ports?.["x-kubernetes-list-map-keys"]).toEqual(["port"]);
    const list = definitions["com.example.stable.v1.CronTabList"];
    expect(list?.properties?.items).toMatchObject({ type: "array", items: { $ref: "#/definitions/com.example.stable.v1.CronTab" } });
    expect(list?.["x-kubernetes-group-version-kind"]).toEqual([{ group: "stable.example.com", version: "v1", kind: "CronTabList" }]);
    // cached per definition object
    expect(customResourceDefinitions(def)).toBe(customResourceDefinitions(def));
  });

  it("drops what OpenAPI does not publish (junctors, CEL rules) and keeps value constraints and extensions", () => {
    const s = publishedSchema({
      type: "object",
      properties: { a: { type: "string", minLength: 1 } },
      ...({ oneOf: [{ required: ["a"] }], "x-kubernetes-validations": [{ rule: "true" }] } as object),
    });
    expect(s).toEqual({ type: "object", properties: { a: { type: "string", minLength: 1 } } });
  });
});

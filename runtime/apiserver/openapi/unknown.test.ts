import { beforeAll, describe, expect, it } from "vitest";
import { builtinDefinitions, loadBuiltinDefinitions } from "./definitions.js";
import type { Definitions } from "./types.js";
import { unknownFields } from "./unknown.js";

const deployment = "io.k8s.api.apps.v1.Deployment";

describe("unknownFields", () => {
  beforeAll(async () => {
    await loadBuiltinDefinitions();
  });

  it("reports nothing for a valid Deployment, including maps, int-or-string, quantities and opaque fields", () => {
    const obj = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", labels: { app: "web" }, managedFields: [{ manager: "kubectl", fieldsV1: { "f:spec": { "f:replicas": {} } } }] },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "web" } },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 1 } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "web", image: "nginx", ports: [{ containerPort: 80 }], resources: { limits: { cpu: "1" } } }] },
        },
      },
      status: { replicas: 0 },
    };
    expect(unknownFields(builtinDefinitions(), deployment, obj)).toEqual([]);
  });

  it("reports unknown fields with dotted paths and list indexes, in document order", () => {
    const obj = {
      metadata: { name: "web", colour: "blue" },
      spec: {
        foo: 1,
        template: { spec: { containers: [{ name: "a" }, { name: "b", bar: true, ports: [{ containerPort: 80, hostPortt: 1 }] }] } },
      },
      extra: {},
    };
    expect(unknownFields(builtinDefinitions(), deployment, obj)).toEqual([
      "metadata.colour",
      "spec.foo",
      "spec.template.spec.containers[1].bar",
      "spec.template.spec.containers[1].ports[0].hostPortt",
      "extra",
    ]);
  });

  it("does not descend into values of the wrong type, and accepts anything below preserve-unknown-fields", () => {
    const defs: Definitions = {
      root: { type: "object", properties: { a: { type: "string" }, free: { type: "object", "x-kubernetes-preserve-unknown-fields": true }, m: { type: "object", additionalProperties: { $ref: "#/definitions/leaf" } } } },
      leaf: { type: "object", properties: { x: { type: "integer" } } },
    };
    expect(unknownFields(defs, "root", { a: { nested: 1 }, free: { anything: { deep: 1 } }, m: { k1: { x: 1 }, k2: { y: 2 } } })).toEqual(["m.k2.y"]);
  });

  it("returns nothing for an unknown root definition", () => {
    expect(unknownFields(builtinDefinitions(), "io.example.v1.Nope", { a: 1 })).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../core/object.js";
import { fieldErrorString, type FieldError } from "../../../core/validation.js";
import { replicaSetResource, validateReplicaSetStatusUpdate } from "./index.js";

const msgs = (errs: FieldError[] | undefined): string[] => (errs ?? []).map(fieldErrorString);

function replicaSet(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name: "web-5d4f", namespace: "default", creationTimestamp: "2024-05-01T11:00:00Z" },
    spec: {
      selector: { matchLabels: { app: "web", "pod-template-hash": "5d4f" } },
      template: { metadata: { labels: { app: "web", "pod-template-hash": "5d4f" } }, spec: { containers: [{ name: "nginx", image: "nginx" }] } },
      ...spec,
    },
  };
}

const strategy = replicaSetResource.strategy;
function defaulted(o: KubeObject): KubeObject {
  strategy?.default?.(o);
  return o;
}

describe("ReplicaSet", () => {
  it("defaults replicas to 1 and the pod template", () => {
    const rs = defaulted(replicaSet());
    expect(rs["spec"]).toMatchObject({ replicas: 1, template: { spec: { restartPolicy: "Always" } } });
    expect(defaulted(replicaSet({ replicas: 0 }))["spec"]).toMatchObject({ replicas: 0 });
  });

  it("validates with upstream messages", () => {
    expect(msgs(strategy?.validate?.(defaulted(replicaSet())))).toEqual([]);
    expect(msgs(strategy?.validate?.(defaulted(replicaSet({ replicas: -1, minReadySeconds: -1, selector: {} }))))).toEqual([
      "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
      "spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0",
      // upstream's ReplicaSet message names deployments too
      "spec.selector: Invalid value: {}: empty selector is invalid for deployment",
    ]);
    expect(msgs(strategy?.validate?.(defaulted(replicaSet({ selector: { matchLabels: { app: "api" } } }))))).toEqual([
      'spec.template.metadata.labels: Invalid value: {"app":"web","pod-template-hash":"5d4f"}: `selector` does not match template `labels`',
    ]);
    expect(msgs(strategy?.validate?.(defaulted(replicaSet({ selector: { matchLabels: { "bad key!": "x" } } }))))[0]).toMatch(
      /^spec\.selector\.matchLabels: Invalid value: "bad key!": name part must consist of/,
    );
  });

  it("makes the selector immutable", () => {
    const old = defaulted(replicaSet());
    const next = defaulted(replicaSet({ selector: { matchLabels: { app: "web" } } }));
    expect(msgs(strategy?.validateUpdate?.(next, old))).toEqual(['spec.selector: Invalid value: {"matchLabels":{"app":"web"}}: field is immutable']);
  });

  it("validates status updates", () => {
    const rs = replicaSet();
    rs["status"] = { replicas: 1, readyReplicas: 2, availableReplicas: 3 };
    expect(msgs(validateReplicaSetStatusUpdate(rs))).toEqual([
      "status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas",
      "status.availableReplicas: Invalid value: 3: cannot be greater than status.replicas",
      "status.availableReplicas: Invalid value: 3: cannot be greater than readyReplicas",
    ]);
  });

  it("prints NAME DESIRED CURRENT READY AGE, wide CONTAINERS IMAGES SELECTOR", () => {
    expect(replicaSetResource.table?.columns.map((c) => `${c.name}/${c.type}/${c.priority}`)).toEqual([
      "Name/string/0",
      "Desired/integer/0",
      "Current/integer/0",
      "Ready/integer/0",
      "Age/string/0",
      "Containers/string/1",
      "Images/string/1",
      "Selector/string/1",
    ]);
    const rs = defaulted(replicaSet({ replicas: 2 }));
    rs["status"] = { replicas: 2, readyReplicas: 1 };
    expect(replicaSetResource.table?.cells(rs, new Date("2024-05-01T12:00:00Z"))).toEqual([
      "web-5d4f",
      2,
      2,
      1,
      "60m",
      "nginx",
      "nginx",
      "app=web,pod-template-hash=5d4f",
    ]);
    expect(replicaSetResource.scale?.selector?.(rs)).toBe("app=web,pod-template-hash=5d4f");
    expect(replicaSetResource.selectableFields?.(rs)).toEqual({ "status.replicas": "2" });
  });
});

import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../core/object.js";
import { fieldErrorString, type FieldError } from "../../../core/validation.js";
import { appsResources, deploymentResource } from "./index.js";

const msgs = (errs: FieldError[] | undefined): string[] => (errs ?? []).map(fieldErrorString);

function deployment(spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", ...meta },
    spec: {
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } },
      ...spec,
    },
  };
}

const strategy = deploymentResource.strategy;
function defaulted(o: KubeObject): KubeObject {
  strategy?.default?.(o);
  return o;
}
const validate = (o: KubeObject): string[] => msgs(strategy?.validate?.(defaulted(o)));
const spec = (o: KubeObject): Record<string, unknown> => o["spec"] as Record<string, unknown>;

describe("apps/v1 resources", () => {
  it("declares the four workload kinds", () => {
    expect(appsResources.map((r) => [r.names.plural, r.names.shortNames, r.names.categories, r.generation, r.statusSubresource, !!r.scale])).toEqual([
      ["deployments", ["deploy"], ["all"], true, true, true],
      ["replicasets", ["rs"], ["all"], true, true, true],
      ["statefulsets", ["sts"], ["all"], true, true, true],
      ["daemonsets", ["ds"], ["all"], true, true, false],
    ]);
    for (const r of appsResources) {
      expect(r.group).toBe("apps");
      expect(r.version).toBe("v1");
      expect(r.namespaced).toBe(true);
      if (r.scale) expect([r.scale.specReplicasPath, r.scale.statusReplicasPath]).toEqual([".spec.replicas", ".status.replicas"]);
    }
  });
});

describe("Deployment defaults", () => {
  it("fills replicas, rolling update, history and progress deadline, and the pod template", () => {
    const d = defaulted(deployment());
    expect(spec(d)).toMatchObject({
      replicas: 1,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: { spec: { restartPolicy: "Always", dnsPolicy: "ClusterFirst", terminationGracePeriodSeconds: 30, schedulerName: "default-scheduler" } },
    });
  });

  it("keeps explicit values and gives Recreate no rollingUpdate", () => {
    const d = defaulted(deployment({ replicas: 0, strategy: { type: "Recreate" }, revisionHistoryLimit: 0 }));
    expect(spec(d)).toMatchObject({ replicas: 0, strategy: { type: "Recreate" }, revisionHistoryLimit: 0 });
    expect((spec(d)["strategy"] as Record<string, unknown>)["rollingUpdate"]).toBeUndefined();
    const r = defaulted(deployment({ strategy: { rollingUpdate: { maxSurge: 1 } } }));
    expect(spec(r)["strategy"]).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: "25%" } });
  });
});

describe("Deployment validation", () => {
  it("accepts a valid deployment", () => {
    expect(validate(deployment())).toEqual([]);
  });

  it("requires a selector (and then the template cannot match it)", () => {
    expect(validate(deployment({ selector: undefined }))).toEqual([
      "spec.selector: Required value",
      'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
    ]);
  });

  it("requires the selector to match the template labels", () => {
    expect(validate(deployment({ selector: { matchLabels: { app: "other" } } }))).toEqual([
      'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
    ]);
    expect(validate(deployment({ selector: { matchExpressions: [{ key: "app", operator: "In", values: ["web", "api"] }] } }))).toEqual([]);
  });

  it("rejects an empty selector", () => {
    expect(validate(deployment({ selector: {} }))).toEqual(["spec.selector: Invalid value: {}: empty selector is invalid for deployment"]);
  });

  it("rejects negative replicas and bad history / deadline values", () => {
    expect(validate(deployment({ replicas: -1, revisionHistoryLimit: -2, minReadySeconds: 10, progressDeadlineSeconds: 10 }))).toEqual([
      "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
      "spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0",
      "spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds",
    ]);
  });

  it("checks the strategy", () => {
    expect(validate(deployment({ strategy: { type: "Recreate", rollingUpdate: { maxSurge: 1 } } }))).toEqual([
      "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    ]);
    expect(validate(deployment({ strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: "0%" } } }))).toEqual([
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0',
    ]);
    expect(validate(deployment({ strategy: { rollingUpdate: { maxSurge: "5", maxUnavailable: "150%" } } }))).toEqual([
      "spec.strategy.rollingUpdate.maxSurge: Invalid value: \"5\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
    ]);
    expect(validate(deployment({ strategy: { type: "BlueGreen" } }))).toEqual([
      'spec.strategy: Unsupported value: {"type":"BlueGreen"}: supported values: "Recreate", "RollingUpdate"',
    ]);
  });

  it("requires restartPolicy Always and forbids activeDeadlineSeconds", () => {
    const d = deployment();
    const podSpec = (spec(d)["template"] as { spec: Record<string, unknown> }).spec;
    podSpec["restartPolicy"] = "OnFailure";
    podSpec["activeDeadlineSeconds"] = 30;
    expect(validate(d)).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
      "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported",
    ]);
  });

  it("validates the pod template", () => {
    const d = deployment();
    (spec(d)["template"] as { spec: Record<string, unknown> }).spec["containers"] = [];
    expect(validate(d).some((m) => m.startsWith("spec.template.spec.containers: Required value"))).toBe(true);
  });

  it("makes the selector immutable", () => {
    const old = defaulted(deployment());
    const next = defaulted(deployment({ replicas: 3 }));
    expect(msgs(strategy?.validateUpdate?.(next, old))).toEqual([]);
    const changed = defaulted(
      deployment({
        selector: { matchLabels: { app: "web", tier: "fe" } },
        template: { metadata: { labels: { app: "web", tier: "fe" } }, spec: { containers: [{ name: "nginx", image: "nginx" }] } },
      }),
    );
    expect(msgs(strategy?.validateUpdate?.(changed, old))).toEqual([
      'spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"fe"}}: field is immutable',
    ]);
  });
});

describe("Deployment update", () => {
  it("bumps the generation when only annotations change", () => {
    const old = defaulted(deployment({}, { generation: 4, annotations: { a: "1" } }));
    const next = defaulted(deployment({}, { generation: 4, annotations: { a: "2" } }));
    strategy?.prepareForUpdate?.(next, old);
    expect(next.metadata.generation).toBe(5);
    const same = defaulted(deployment({}, { generation: 4, annotations: { a: "1" } }));
    strategy?.prepareForUpdate?.(same, old);
    expect(same.metadata.generation).toBe(4);
  });
});

describe("Deployment table and scale", () => {
  const now = new Date("2024-05-01T12:00:00Z");

  it("prints NAME READY UP-TO-DATE AVAILABLE AGE, wide CONTAINERS IMAGES SELECTOR", () => {
    expect(deploymentResource.table?.columns.map((c) => `${c.name}/${c.priority}`)).toEqual([
      "Name/0",
      "Ready/0",
      "Up-to-date/0",
      "Available/0",
      "Age/0",
      "Containers/1",
      "Images/1",
      "Selector/1",
    ]);
    const d = defaulted(
      deployment(
        {
          replicas: 3,
          selector: { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db", "cache"] }] },
          template: {
            metadata: { labels: { app: "web" } },
            spec: { containers: [{ name: "nginx", image: "nginx:1.27" }, { name: "sidecar", image: "busybox" }] },
          },
        },
        { creationTimestamp: "2024-04-28T12:00:00Z" },
      ),
    );
    d["status"] = { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
    expect(deploymentResource.table?.cells(d, now)).toEqual([
      "web",
      "2/3",
      3,
      2,
      "3d",
      "nginx,sidecar",
      "nginx:1.27,busybox",
      "app=web,tier notin (cache,db)",
    ]);
  });

  it("gives the scale subresource the selector string", () => {
    expect(deploymentResource.scale?.selector?.(deployment())).toBe("app=web");
  });
});

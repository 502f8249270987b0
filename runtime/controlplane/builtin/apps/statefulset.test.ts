import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../core/object.js";
import { fieldErrorString, type FieldError } from "../../../core/validation.js";
import { statefulSetResource, validateStatefulSetStatusUpdate } from "./index.js";

const msgs = (errs: FieldError[] | undefined): string[] => (errs ?? []).map(fieldErrorString);

function statefulSet(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "web", namespace: "default", creationTimestamp: "2024-05-01T11:59:00Z" },
    spec: {
      serviceName: "nginx",
      selector: { matchLabels: { app: "nginx" } },
      template: { metadata: { labels: { app: "nginx" } }, spec: { containers: [{ name: "nginx", image: "registry.k8s.io/nginx-slim:0.24" }] } },
      volumeClaimTemplates: [{ metadata: { name: "www" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
      ...spec,
    },
  };
}

const strategy = statefulSetResource.strategy;
function defaulted(o: KubeObject): KubeObject {
  strategy?.default?.(o);
  strategy?.prepareForCreate?.(o);
  return o;
}
const validate = (o: KubeObject): string[] => msgs(strategy?.validate?.(defaulted(o)));

describe("StatefulSet defaults", () => {
  it("fills policy, update strategy, retention policy, replicas, history and claim templates", () => {
    const s = defaulted(statefulSet());
    expect(s["spec"]).toMatchObject({
      replicas: 1,
      podManagementPolicy: "OrderedReady",
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      template: { spec: { restartPolicy: "Always" } },
      volumeClaimTemplates: [
        {
          apiVersion: "v1",
          kind: "PersistentVolumeClaim",
          metadata: { name: "www" },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, volumeMode: "Filesystem" },
          status: { phase: "Pending" },
        },
      ],
    });
  });

  it("leaves an explicit OnDelete or RollingUpdate strategy without rollingUpdate alone", () => {
    expect(defaulted(statefulSet({ updateStrategy: { type: "OnDelete" } }))["spec"]).toMatchObject({ updateStrategy: { type: "OnDelete" } });
    const ru = defaulted(statefulSet({ updateStrategy: { type: "RollingUpdate" } }));
    expect((ru["spec"] as Record<string, unknown>)["updateStrategy"]).toEqual({ type: "RollingUpdate" });
    const partitioned = defaulted(statefulSet({ updateStrategy: { rollingUpdate: { partition: 2, maxUnavailable: 2 } } }));
    // maxUnavailable belongs to a feature that is off by default, and is dropped on create
    expect((partitioned["spec"] as Record<string, unknown>)["updateStrategy"]).toEqual({ type: "RollingUpdate", rollingUpdate: { partition: 2 } });
  });
});

describe("StatefulSet validation", () => {
  it("accepts the canonical example", () => {
    expect(validate(statefulSet())).toEqual([]);
  });

  it("checks the pod management policy and update strategy", () => {
    expect(validate(statefulSet({ podManagementPolicy: "Random", updateStrategy: { type: "Sometimes" } }))).toEqual([
      'spec.podManagementPolicy: Invalid value: "Random": must be \'OrderedReady\' or \'Parallel\'',
      'spec.updateStrategy: Invalid value: {"type":"Sometimes"}: must be \'RollingUpdate\' or \'OnDelete\'',
    ]);
    expect(validate(statefulSet({ updateStrategy: { type: "OnDelete", rollingUpdate: { partition: 1 } } }))).toEqual([
      'spec.updateStrategy.rollingUpdate: Invalid value: {"partition":1}: only allowed for updateStrategy \'RollingUpdate\'',
    ]);
    expect(validate(statefulSet({ updateStrategy: { rollingUpdate: { partition: -1 } } }))).toEqual([
      "spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0",
    ]);
  });

  it("checks the retention policy, counts, ordinals and service name", () => {
    expect(
      validate(
        statefulSet({
          persistentVolumeClaimRetentionPolicy: { whenDeleted: "Keep" },
          replicas: -1,
          minReadySeconds: -1,
          ordinals: { start: -1 },
          serviceName: "Nginx_Svc",
        }),
      ),
    ).toEqual([
      'spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"',
      "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
      "spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0",
      "spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0",
      "spec.serviceName: Invalid value: \"Nginx_Svc\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });

  it("checks the selector and template", () => {
    expect(validate(statefulSet({ selector: {} }))).toEqual(["spec.selector: Invalid value: {}: empty selector is invalid for statefulset"]);
    expect(validate(statefulSet({ selector: { matchLabels: { app: "x" } } }))).toEqual([
      'spec.template.metadata.labels: Invalid value: {"app":"nginx"}: `selector` does not match template `labels`',
    ]);
    const s = statefulSet();
    ((s["spec"] as Record<string, unknown>)["template"] as { spec: Record<string, unknown> }).spec["activeDeadlineSeconds"] = 5;
    expect(validate(s)).toEqual(["spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported"]);
  });

  it("checks volume claim templates on create", () => {
    expect(validate(statefulSet({ volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteSometimes"] } }] }))).toEqual([
      'spec.volumeClaimTemplates[0].spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
      "spec.volumeClaimTemplates[0].spec.resources[storage]: Required value",
    ]);
  });

  it("uses DNS label names", () => {
    expect(statefulSetResource.nameValidator?.("web.v1", false)?.length).toBeGreaterThan(0);
    expect(statefulSetResource.nameValidator?.("web", false)).toEqual([]);
  });
});

describe("StatefulSet update", () => {
  const forbidden =
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

  it("allows replicas, template, update strategy, retention policy, ordinals and minReadySeconds to change", () => {
    const old = defaulted(statefulSet());
    const next = defaulted(
      statefulSet({
        replicas: 5,
        minReadySeconds: 3,
        ordinals: { start: 1 },
        updateStrategy: { type: "OnDelete" },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" },
        template: { metadata: { labels: { app: "nginx", v: "2" } }, spec: { containers: [{ name: "nginx", image: "nginx:2" }] } },
      }),
    );
    expect(msgs(strategy?.validateUpdate?.(next, old))).toEqual([]);
  });

  it("forbids other spec changes, including the selector and claim templates", () => {
    const old = defaulted(statefulSet());
    expect(msgs(strategy?.validateUpdate?.(defaulted(statefulSet({ serviceName: "other" })), old))).toEqual([forbidden]);
    expect(msgs(strategy?.validateUpdate?.(defaulted(statefulSet({ podManagementPolicy: "Parallel" })), old))).toEqual([forbidden]);
    expect(
      msgs(
        strategy?.validateUpdate?.(
          defaulted(
            statefulSet({
              selector: { matchLabels: { app: "nginx", v: "2" } },
              template: { metadata: { labels: { app: "nginx", v: "2" } }, spec: { containers: [{ name: "nginx", image: "nginx" }] } },
            }),
          ),
          old,
        ),
      ),
    ).toEqual([forbidden]);
    expect(msgs(strategy?.validateUpdate?.(defaulted(statefulSet({ volumeClaimTemplates: [] })), old))).toEqual([forbidden]);
  });

  it("validates status updates", () => {
    const s = statefulSet();
    s["status"] = { replicas: 2, readyReplicas: 1, availableReplicas: 2, collisionCount: 0 };
    const old = statefulSet();
    old["status"] = { collisionCount: 1 };
    expect(msgs(validateStatefulSetStatusUpdate(s, old))).toEqual([
      "status.availableReplicas: Invalid value: 2: cannot be greater than status.readyReplicas",
      "status.collisionCount: Invalid value: 0: cannot be decremented",
    ]);
  });
});

describe("StatefulSet table", () => {
  it("prints NAME READY AGE, wide CONTAINERS IMAGES", () => {
    expect(statefulSetResource.table?.columns.map((c) => `${c.name}/${c.priority}`)).toEqual(["Name/0", "Ready/0", "Age/0", "Containers/1", "Images/1"]);
    const s = defaulted(statefulSet({ replicas: 3 }));
    s["status"] = { replicas: 3, readyReplicas: 3 };
    expect(statefulSetResource.table?.cells(s, new Date("2024-05-01T12:00:00Z"))).toEqual(["web", "3/3", "60s", "nginx", "registry.k8s.io/nginx-slim:0.24"]);
    expect(statefulSetResource.scale?.selector?.(s)).toBe("app=nginx");
  });
});

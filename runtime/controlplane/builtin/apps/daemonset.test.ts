import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../core/object.js";
import { fieldErrorString, type FieldError } from "../../../core/validation.js";
import { daemonSetResource, templateGenerationAnnotation, validateDaemonSetStatusUpdate } from "./index.js";

const msgs = (errs: FieldError[] | undefined): string[] => (errs ?? []).map(fieldErrorString);

function daemonSet(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "fluentd", namespace: "kube-system", creationTimestamp: "2024-05-01T09:00:00Z" },
    spec: {
      selector: { matchLabels: { name: "fluentd" } },
      template: {
        metadata: { labels: { name: "fluentd" } },
        spec: { nodeSelector: { "kubernetes.io/os": "linux" }, containers: [{ name: "fluentd", image: "fluentd:v1" }] },
      },
      ...spec,
    },
  };
}

const strategy = daemonSetResource.strategy;
function defaulted(o: KubeObject): KubeObject {
  strategy?.default?.(o);
  return o;
}
const validate = (o: KubeObject): string[] => msgs(strategy?.validate?.(defaulted(o)));

describe("DaemonSet defaults", () => {
  it("fills the rolling update (maxUnavailable 1, maxSurge 0) and history", () => {
    expect(defaulted(daemonSet())["spec"]).toMatchObject({
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
      template: { spec: { restartPolicy: "Always" } },
    });
    expect(defaulted(daemonSet({ updateStrategy: { type: "OnDelete" } }))["spec"]).toMatchObject({ updateStrategy: { type: "OnDelete" } });
  });

  it("tracks the template generation in the deprecated annotation", () => {
    const ds = defaulted(daemonSet());
    strategy?.prepareForCreate?.(ds);
    expect(ds.metadata.annotations).toEqual({ [templateGenerationAnnotation]: "1" });
    const scaled = defaulted(daemonSet({ minReadySeconds: 5 }));
    strategy?.prepareForUpdate?.(scaled, ds);
    expect(scaled.metadata.annotations?.[templateGenerationAnnotation]).toBe("1");
    const newImage = defaulted(daemonSet());
    ((newImage["spec"] as Record<string, unknown>)["template"] as { spec: { containers: Array<Record<string, unknown>> } }).spec.containers[0]!["image"] = "fluentd:v2";
    newImage.metadata.annotations = { [templateGenerationAnnotation]: "7" };
    strategy?.prepareForUpdate?.(newImage, ds);
    expect(newImage.metadata.annotations?.[templateGenerationAnnotation]).toBe("2");
  });
});

describe("DaemonSet validation", () => {
  it("accepts a valid daemon set", () => {
    expect(validate(daemonSet())).toEqual([]);
  });

  it("reports a missing selector as a template mismatch only", () => {
    expect(validate(daemonSet({ selector: undefined }))).toEqual([
      'spec.template.metadata.labels: Invalid value: {"name":"fluentd"}: `selector` does not match template `labels`',
    ]);
    expect(validate(daemonSet({ selector: {} }))).toEqual(["spec.selector: Invalid value: {}: empty selector is invalid for daemonset"]);
  });

  it("checks the rolling update", () => {
    expect(validate(daemonSet({ updateStrategy: { rollingUpdate: { maxUnavailable: 1, maxSurge: "10%" } } }))).toEqual([
      'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: "10%": may not be set when maxUnavailable is non-zero',
    ]);
    expect(validate(daemonSet({ updateStrategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } }))).toEqual([
      "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0",
    ]);
    expect(validate(daemonSet({ updateStrategy: { type: "Never" } }))).toEqual([
      'spec.updateStrategy: Unsupported value: {"type":"Never"}: supported values: "RollingUpdate", "OnDelete"',
    ]);
    expect(validate(daemonSet({ updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "101%", maxSurge: 0 } } }))).toEqual([
      'spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: "101%": must not be greater than 100%',
    ]);
  });

  it("requires restartPolicy Always and makes the selector immutable", () => {
    const ds = daemonSet();
    ((ds["spec"] as Record<string, unknown>)["template"] as { spec: Record<string, unknown> }).spec["restartPolicy"] = "Never";
    expect(validate(ds)).toEqual(['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']);
    const old = defaulted(daemonSet());
    const next = defaulted(
      daemonSet({
        selector: { matchLabels: { name: "fluentd", v: "2" } },
        template: { metadata: { labels: { name: "fluentd", v: "2" } }, spec: { containers: [{ name: "fluentd", image: "fluentd" }] } },
      }),
    );
    expect(msgs(strategy?.validateUpdate?.(next, old))).toEqual([
      'spec.selector: Invalid value: {"matchLabels":{"name":"fluentd","v":"2"}}: field is immutable',
    ]);
  });

  it("validates status updates", () => {
    const ds = daemonSet();
    ds["status"] = { numberReady: -1, desiredNumberScheduled: 2 };
    expect(msgs(validateDaemonSetStatusUpdate(ds, daemonSet()))).toEqual(["status.numberReady: Invalid value: -1: must be greater than or equal to 0"]);
  });
});

describe("DaemonSet table", () => {
  it("prints NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE, wide CONTAINERS IMAGES SELECTOR", () => {
    expect(daemonSetResource.table?.columns.map((c) => `${c.name}/${c.priority}`)).toEqual([
      "Name/0",
      "Desired/0",
      "Current/0",
      "Ready/0",
      "Up-to-date/0",
      "Available/0",
      "Node Selector/0",
      "Age/0",
      "Containers/1",
      "Images/1",
      "Selector/1",
    ]);
    const ds = defaulted(daemonSet());
    ds["status"] = { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 };
    expect(daemonSetResource.table?.cells(ds, new Date("2024-05-01T12:00:00Z"))).toEqual([
      "fluentd",
      3,
      3,
      2,
      3,
      2,
      "kubernetes.io/os=linux",
      "3h",
      "fluentd",
      "fluentd:v1",
      "name=fluentd",
    ]);
    const bare = defaulted(daemonSet({ template: { metadata: { labels: { name: "fluentd" } }, spec: { containers: [] } } }));
    expect(daemonSetResource.table?.cells(bare, new Date("2024-05-01T12:00:00Z"))?.[6]).toBe("<none>");
    expect(daemonSetResource.scale).toBeUndefined();
  });
});

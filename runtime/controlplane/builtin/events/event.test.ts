import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../core/object.js";
import { fieldErrorString, type FieldError } from "../../../core/validation.js";
import { coreEventToV1, eventV1Resource, eventV1ToCore, eventsResources, legacyValidateEvent, validateEventCreate } from "./index.js";

const msgs = (errs: FieldError[] | undefined): string[] => (errs ?? []).map(fieldErrorString);

/** An event as client-go's events.k8s.io/v1 recorder creates it. */
function v1Event(extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "events.k8s.io/v1",
    kind: "Event",
    metadata: { name: "web-0.17c2a1b2c3d4e5f6", namespace: "default" },
    eventTime: "2024-05-01T12:00:00.000001Z",
    reportingController: "kubeforge.dev/petset-controller",
    reportingInstance: "petset-controller-7d9f",
    action: "Scaling",
    reason: "SuccessfulCreate",
    regarding: { kind: "PetSet", namespace: "default", name: "web", uid: "1234", apiVersion: "kubeforge.dev/v1" },
    related: { kind: "Pod", namespace: "default", name: "web-0" },
    note: "create Pod web-0 in PetSet web successful",
    type: "Normal",
    ...extra,
  };
}

/** A core/v1 event as kubelet's legacy recorder creates it. */
function coreEvent(): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: "web-0.abc", namespace: "default" },
    involvedObject: { kind: "Pod", namespace: "default", name: "web-0", uid: "u1", apiVersion: "v1", fieldPath: "spec.containers{nginx}" },
    reason: "Pulled",
    message: "Container image \"nginx\" already present on machine",
    source: { component: "kubelet", host: "node-1" },
    firstTimestamp: "2024-05-01T11:00:00Z",
    lastTimestamp: "2024-05-01T11:58:00Z",
    count: 4,
    type: "Normal",
    reportingComponent: "kubelet",
    reportingInstance: "node-1",
  };
}

describe("events.k8s.io/v1 Event definition", () => {
  it("shares the core/v1 events storage and converts", () => {
    expect(eventsResources).toEqual([eventV1Resource]);
    expect(eventV1Resource.group).toBe("events.k8s.io");
    expect(eventV1Resource.storageName).toBe("/events");
    expect(eventV1Resource.namespaced).toBe(true);
    expect(eventV1Resource.names.shortNames).toEqual(["ev"]);
    expect(eventV1Resource.conversion).toBeDefined();
  });
});

describe("conversion", () => {
  it("maps events.k8s.io/v1 fields onto core/v1 ones", () => {
    const core = eventV1ToCore(
      v1Event({
        series: { count: 3, lastObservedTime: "2024-05-01T12:05:00.000002Z" },
        deprecatedSource: { component: "c", host: "h" },
        deprecatedFirstTimestamp: "2024-05-01T11:00:00Z",
        deprecatedLastTimestamp: "2024-05-01T11:30:00Z",
        deprecatedCount: 7,
      }),
    );
    expect(core).toEqual({
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "web-0.17c2a1b2c3d4e5f6", namespace: "default" },
      eventTime: "2024-05-01T12:00:00.000001Z",
      series: { count: 3, lastObservedTime: "2024-05-01T12:05:00.000002Z" },
      reportingComponent: "kubeforge.dev/petset-controller",
      reportingInstance: "petset-controller-7d9f",
      action: "Scaling",
      reason: "SuccessfulCreate",
      involvedObject: { kind: "PetSet", namespace: "default", name: "web", uid: "1234", apiVersion: "kubeforge.dev/v1" },
      related: { kind: "Pod", namespace: "default", name: "web-0" },
      message: "create Pod web-0 in PetSet web successful",
      type: "Normal",
      source: { component: "c", host: "h" },
      firstTimestamp: "2024-05-01T11:00:00Z",
      lastTimestamp: "2024-05-01T11:30:00Z",
      count: 7,
    });
  });

  it("round-trips events.k8s.io/v1 → core/v1 → events.k8s.io/v1", () => {
    const full = v1Event({
      series: { count: 2, lastObservedTime: "2024-05-01T12:05:00.000002Z" },
      deprecatedSource: { component: "c" },
      deprecatedFirstTimestamp: "2024-05-01T11:00:00Z",
      deprecatedLastTimestamp: "2024-05-01T11:30:00Z",
      deprecatedCount: 2,
    });
    expect(coreEventToV1(eventV1ToCore(full))).toEqual(full);
  });

  it("round-trips core/v1 → events.k8s.io/v1 → core/v1", () => {
    const core = coreEvent();
    const v1 = coreEventToV1(core);
    expect(v1).toMatchObject({
      apiVersion: "events.k8s.io/v1",
      regarding: core["involvedObject"],
      note: core["message"],
      reportingController: "kubelet",
      reportingInstance: "node-1",
      deprecatedSource: { component: "kubelet", host: "node-1" },
      deprecatedFirstTimestamp: "2024-05-01T11:00:00Z",
      deprecatedLastTimestamp: "2024-05-01T11:58:00Z",
      deprecatedCount: 4,
      eventTime: null,
    });
    expect(eventV1ToCore(v1)).toEqual(core);
  });

  it("does not alias the input", () => {
    const e = v1Event();
    const core = eventV1ToCore(e);
    (core["involvedObject"] as Record<string, unknown>)["name"] = "changed";
    core.metadata.name = "changed";
    expect((e["regarding"] as Record<string, unknown>)["name"]).toBe("web");
    expect(e.metadata.name).toBe("web-0.17c2a1b2c3d4e5f6");
  });
});

describe("validation (strict for events.k8s.io/v1)", () => {
  const validate = (o: KubeObject) => msgs(eventV1Resource.strategy?.validate?.(o));

  it("accepts a well-formed new event, in either shape", () => {
    expect(validate(v1Event())).toEqual([]);
    expect(validate(eventV1ToCore(v1Event()))).toEqual([]);
  });

  it("requires eventTime, reporting fields, action and reason", () => {
    const e = v1Event({ reportingController: "", reportingInstance: "", action: "", reason: "", type: "Info" });
    delete e["eventTime"];
    delete e["regarding"];
    expect(validate(e)).toEqual(["eventTime: Required value", 'type: Invalid value: "": has invalid value: Info']);
    const e2 = v1Event({ reportingController: "", reportingInstance: "", action: "", reason: "" });
    // As upstream, an empty reporting controller is also reported as an invalid qualified name.
    expect(validate(e2)).toEqual([
      "reportingController: Required value",
      'reportingController: Invalid value: "": name part must be non-empty',
      "reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      "reportingInstance: Required value",
      "action: Required value",
      "reason: Required value",
    ]);
  });

  it("limits the note to 1 KiB and the short fields to 128 characters", () => {
    expect(validate(v1Event({ note: "x".repeat(1025), action: "a".repeat(129) }))).toEqual([
      'action: Invalid value: "": can have at most 128 characters',
      'message: Invalid value: "": can have at most 1024 characters',
    ]);
    expect(validate(v1Event({ note: "x".repeat(1024) }))).toEqual([]);
  });

  it("checks the reporting controller is a qualified name and the series", () => {
    expect(validate(v1Event({ reportingController: "not a name", series: { count: 1 } }))).toEqual([
      "reportingController: Invalid value: \"not a name\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      'series.count: Invalid value: "": should be at least 2',
      "series.lastObservedTime: Required value",
    ]);
  });

  it("requires the deprecated fields to be unset", () => {
    expect(
      validate(
        v1Event({
          deprecatedSource: { component: "kubelet" },
          deprecatedFirstTimestamp: "2024-05-01T11:00:00Z",
          deprecatedLastTimestamp: "2024-05-01T11:00:00Z",
          deprecatedCount: 2,
        }),
      ),
    ).toEqual([
      'firstTimestamp: Invalid value: "": needs to be unset',
      'lastTimestamp: Invalid value: "": needs to be unset',
      'count: Invalid value: "": needs to be unset',
      'source: Invalid value: "": needs to be unset',
    ]);
  });

  it("checks the regarding object's namespace", () => {
    const e = v1Event({ regarding: { kind: "Pod", namespace: "other", name: "p" } });
    expect(validate(e)).toEqual([]);
    const cluster = v1Event({ regarding: { kind: "Node", name: "n" } });
    cluster.metadata.namespace = "team-a";
    expect(validate(cluster)).toEqual(['involvedObject.namespace: Invalid value: "": does not match event.namespace']);
    const legacy = coreEvent();
    legacy.metadata.namespace = "other";
    expect(msgs(legacyValidateEvent(legacy))).toEqual(['involvedObject.namespace: Invalid value: "default": does not match event.namespace']);
    expect(msgs(validateEventCreate(coreEvent(), false))).toEqual([]);
  });

  it("makes everything but the series immutable on update", () => {
    const old = v1Event();
    const next = v1Event({ series: { count: 2, lastObservedTime: "2024-05-01T12:10:00.000000Z" } });
    expect(msgs(eventV1Resource.strategy?.validateUpdate?.(next, old))).toEqual([]);
    const changed = v1Event({ note: "other", reportingInstance: "other-instance" });
    expect(msgs(eventV1Resource.strategy?.validateUpdate?.(changed, old))).toEqual([
      'message: Invalid value: "other": field is immutable',
      'reportingInstance: Invalid value: "other-instance": field is immutable',
    ]);
  });
});

describe("table (the core/v1 event printer)", () => {
  const now = new Date("2024-05-01T12:00:00Z");

  it("has LAST SEEN TYPE REASON OBJECT MESSAGE and the wide columns", () => {
    expect(eventV1Resource.table?.columns.map((c) => `${c.name}/${c.priority}`)).toEqual([
      "Last Seen/0",
      "Type/0",
      "Reason/0",
      "Object/0",
      "Subobject/1",
      "Source/1",
      "Message/0",
      "First Seen/1",
      "Count/1",
      "Name/1",
    ]);
  });

  it("prints a legacy event", () => {
    expect(eventV1Resource.table?.cells(coreEventToV1(coreEvent()), now)).toEqual([
      "2m",
      "Normal",
      "Pulled",
      "pod/web-0",
      "spec.containers{nginx}",
      "kubelet, node-1",
      'Container image "nginx" already present on machine',
      "60m",
      4,
      "web-0.abc",
    ]);
  });

  it("prints a new-style event (eventTime, series, reporting controller)", () => {
    const e = v1Event({ eventTime: "2024-05-01T11:59:30.000000Z" });
    expect(eventV1Resource.table?.cells(e, now)).toEqual([
      "30s",
      "Normal",
      "SuccessfulCreate",
      "petset/web",
      "",
      "kubeforge.dev/petset-controller, petset-controller-7d9f",
      "create Pod web-0 in PetSet web successful",
      "30s",
      1,
      "web-0.17c2a1b2c3d4e5f6",
    ]);
    const s = v1Event({ eventTime: "2024-05-01T11:50:00.000000Z", series: { count: 5, lastObservedTime: "2024-05-01T11:59:00.000000Z" } });
    const cells = eventV1Resource.table?.cells(s, now) ?? [];
    expect([cells[0], cells[7], cells[8]]).toEqual(["60s", "10m", 5]);
  });

  it("exposes the events.k8s.io field selectors", () => {
    expect(eventV1Resource.selectableFields?.(v1Event())).toMatchObject({
      "regarding.kind": "PetSet",
      "regarding.name": "web",
      reason: "SuccessfulCreate",
      reportingController: "kubeforge.dev/petset-controller",
      type: "Normal",
    });
  });
});

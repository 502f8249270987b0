/** EventRecorder against the local control plane: events.k8s.io/v1 and core/v1 views, series, spam filter. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../client/index.js";
import type { KubeObject } from "../core/object.js";
import { startControlPlane, type RunningControlPlane } from "../testing/index.js";
import { EventRecorder, microTime, type EventLogger, type EventV1 } from "./index.js";

let cp: RunningControlPlane;
let client: Client;
const NS = "ev";
const EV1 = { apiVersion: "events.k8s.io/v1", kind: "Event" } as const;
const CORE = { apiVersion: "v1", kind: "Event" } as const;
const quiet: EventLogger = { info() {}, error() {} };

beforeAll(async () => {
  cp = await startControlPlane();
  client = new Client(cp.kubeConfig, { qps: 0 });
  await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
});

afterAll(async () => {
  client?.close();
  await cp?.stop();
});

async function configMap(name: string): Promise<KubeObject> {
  return client.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: NS } });
}

describe("EventRecorder", () => {
  it("formats MicroTime with six fractional digits", () => {
    expect(microTime(new Date("2024-01-02T03:04:05.678Z"))).toBe("2024-01-02T03:04:05.678000Z");
  });

  it("creates an events.k8s.io/v1 Event, also visible through core/v1 by involvedObject", async () => {
    const cm = await configMap("ev-1");
    const rec = new EventRecorder(client, { reportingController: "kubeforge.dev/test-controller", reportingInstance: "test-1", logger: quiet });
    rec.eventf(cm, undefined, "Normal", "Provisioned", "Provision", "made %d volumes for %s", 3, "ev-1");
    await rec.flush();
    expect(rec.stats()).toMatchObject({ created: 1, failed: 0 });

    const v1 = await client.list<EventV1>(EV1, { namespace: NS, fieldSelector: { "regarding.name": "ev-1" } });
    expect(v1.items).toHaveLength(1);
    const ev = v1.items[0];
    expect(ev).toMatchObject({
      reportingController: "kubeforge.dev/test-controller",
      reportingInstance: "test-1",
      reason: "Provisioned",
      action: "Provision",
      note: "made 3 volumes for ev-1",
      type: "Normal",
      regarding: { apiVersion: "v1", kind: "ConfigMap", name: "ev-1", namespace: NS, uid: cm.metadata.uid },
    });
    expect(ev?.metadata.name).toMatch(/^ev-1\.[0-9a-f]+$/);
    expect(ev?.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    const core = await client.list(CORE, { namespace: NS, fieldSelector: { "involvedObject.name": "ev-1", "involvedObject.kind": "ConfigMap", "involvedObject.uid": cm.metadata.uid ?? "" } });
    expect(core.items).toHaveLength(1);
    expect(core.items[0]).toMatchObject({ reason: "Provisioned", message: "made 3 volumes for ev-1", type: "Normal", reportingComponent: "kubeforge.dev/test-controller" });
    await rec.stop();
  });

  it("aggregates repeats into a series (count and lastObservedTime patched, no new Event)", async () => {
    const cm = await configMap("ev-2");
    let now = new Date("2030-01-01T00:00:00Z");
    const rec = new EventRecorder(client, { reportingController: "kubeforge.dev/test-controller", logger: quiet, now: () => now });
    rec.eventf(cm, undefined, "Warning", "SyncFailed", "Sync", "try 1");
    await rec.flush();
    now = new Date("2030-01-01T00:01:00Z");
    rec.eventf(cm, undefined, "Warning", "SyncFailed", "Sync", "try 2");
    await rec.flush();
    let list = await client.list<EventV1>(EV1, { namespace: NS, fieldSelector: { "regarding.name": "ev-2" } });
    expect(list.items).toHaveLength(1);
    expect(list.items[0]?.series).toEqual({ count: 2, lastObservedTime: "2030-01-01T00:01:00.000000Z" });
    expect(list.items[0]?.note).toBe("try 1");

    // a burst: coalesced, the final count lands
    for (let i = 0; i < 5; i++) {
      now = new Date(now.getTime() + 1000);
      rec.eventf(cm, undefined, "Warning", "SyncFailed", "Sync", "again");
    }
    await rec.flush();
    list = await client.list<EventV1>(EV1, { namespace: NS, fieldSelector: { "regarding.name": "ev-2" } });
    expect(list.items).toHaveLength(1);
    expect(list.items[0]?.series?.count).toBe(7);
    expect(rec.stats().created).toBe(1);

    // a different reason is another event; a repeat after the 6-minute window starts a new one
    rec.eventf(cm, undefined, "Normal", "Synced", "Sync", "ok");
    now = new Date(now.getTime() + 6 * 60 * 1000 + 1);
    rec.eventf(cm, undefined, "Warning", "SyncFailed", "Sync", "later");
    await rec.flush();
    list = await client.list<EventV1>(EV1, { namespace: NS, fieldSelector: { "regarding.name": "ev-2" } });
    expect(list.items).toHaveLength(3);
    await rec.stop();
  });

  it("re-creates a series event that was deleted", async () => {
    const cm = await configMap("ev-3");
    const rec = new EventRecorder(client, { reportingController: "kubeforge.dev/test-controller", logger: quiet });
    rec.eventf(cm, undefined, "Normal", "R", "A", "n");
    await rec.flush();
    const [first] = (await client.list<EventV1>(EV1, { namespace: NS, fieldSelector: { "regarding.name": "ev-3" } })).items;
    await client.delete(first as EventV1);
    rec.eventf(cm, undefined, "Normal", "R", "A", "n");
    await rec.flush();
    const items = (await client.list<EventV1>(EV1, { namespace: NS, fieldSelector: { "regarding.name": "ev-3" } })).items;
    expect(items).toHaveLength(1);
    expect(items[0]?.series?.count).toBe(2);
    await rec.stop();
  });

  it("drops events past the per-object spam burst, logs failures instead of throwing, and stops", async () => {
    const cm = await configMap("ev-4");
    const other = await configMap("ev-4b");
    const errors: string[] = [];
    const rec = new EventRecorder(client, {
      reportingController: "kubeforge.dev/test-controller",
      spamBurst: 3,
      logger: { info() {}, error: (msg) => void errors.push(msg) },
    });
    for (let i = 0; i < 5; i++) rec.eventf(cm, undefined, "Normal", `Reason${i}`, "A", "n");
    rec.eventf(other, undefined, "Normal", "Reason", "A", "n");
    await rec.flush();
    expect(rec.stats()).toMatchObject({ created: 4, dropped: 2 });

    // invalid for the server (reportingController is not a qualified name): logged, not thrown
    const bad = new EventRecorder(client, { reportingController: "not a qualified name!", logger: { info() {}, error: (msg) => void errors.push(msg) } });
    bad.eventf(cm, undefined, "Normal", "R", "A", "n");
    await bad.flush();
    expect(bad.stats().failed).toBe(1);
    expect(errors).toContain("could not create event");

    await rec.stop();
    rec.eventf(other, undefined, "Normal", "After", "A", "n");
    await rec.flush();
    expect(rec.stats().dropped).toBe(3);
  });
});

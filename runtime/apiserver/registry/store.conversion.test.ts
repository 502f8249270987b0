import { describe, expect, it } from "vitest";
import { StatusError } from "../../core/errors.js";
import type { KubeObject } from "../../core/object.js";
import { MemoryBackend } from "../../storage/memory.js";
import type { WatchEvent } from "../../storage/interface.js";
import { AdmissionChain } from "../admission/types.js";
import type { ResourceDefinition, VersionConversion } from "../resource.js";
import { Store, type RequestContext } from "./store.js";

const ctx = (): RequestContext => ({ namespace: "default", user: { username: "admin", groups: [] }, dryRun: false, warnings: [] });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Served v2 {spec.address} ⇄ stored v1 {spec.host}; asynchronous, with random delays so completions reorder. */
function asyncConversion(log: string[], failOn?: string): VersionConversion {
  return {
    async toStorage(obj) {
      await sleep(Math.random() * 5);
      const spec = (obj["spec"] ?? {}) as Record<string, unknown>;
      return { ...structuredClone(obj), apiVersion: "example.dev/v1", spec: { host: spec["address"] } };
    },
    async fromStorage(obj) {
      log.push(`one:${obj.metadata.name ?? ""}`);
      await sleep(Math.random() * 5);
      const spec = (obj["spec"] ?? {}) as Record<string, unknown>;
      if (failOn !== undefined && spec["host"] === failOn) throw new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "conversion failed", code: 500 });
      return { ...structuredClone(obj), apiVersion: "example.dev/v2", spec: { address: spec["host"] } };
    },
    async fromStorageList(objs) {
      log.push(`list:${objs.length}`);
      await sleep(1);
      return objs.map((o) => ({ ...structuredClone(o), apiVersion: "example.dev/v2", spec: { address: (o["spec"] as Record<string, unknown>)["host"] } }));
    },
    selectionView: (obj) => ({ ...obj, apiVersion: "example.dev/v2" }),
  };
}

function store(conversion: VersionConversion): Store {
  const def: ResourceDefinition = {
    group: "example.dev",
    version: "v2",
    names: { plural: "things", singular: "thing", kind: "Thing", listKind: "ThingList" },
    namespaced: true,
    conversion,
    unstructured: true,
  };
  return new Store(def, new MemoryBackend().forResource("example.dev/things"), new AdmissionChain());
}

const thing = (name: string, address: string, labels?: Record<string, string>): KubeObject => ({ apiVersion: "example.dev/v2", kind: "Thing", metadata: { name, ...(labels ? { labels } : {}) }, spec: { address } });

describe("asynchronous version conversion in the registry", () => {
  it("stores the storage shape, serves the served one, and converts a list page in one batch", async () => {
    const log: string[] = [];
    const s = store(asyncConversion(log));
    const created = await s.create(ctx(), thing("a", "db:5432", { tier: "db" }));
    expect(created).toMatchObject({ apiVersion: "example.dev/v2", spec: { address: "db:5432" } });
    expect(await s.storage.get("default/a")).toMatchObject({ apiVersion: "example.dev/v1", spec: { host: "db:5432" } });
    await s.create(ctx(), thing("b", "cache:6379"));
    log.length = 0;
    const list = await s.list(ctx(), {});
    expect(list.items.map((i) => i["spec"])).toEqual([{ address: "db:5432" }, { address: "cache:6379" }]);
    expect(log).toEqual(["list:2"]);
    // selectors see the stored object through selectionView
    expect((await s.list(ctx(), { labelSelector: "tier=db" })).items.map((i) => i.metadata.name)).toEqual(["a"]);
    const updated = await s.update(ctx(), "a", (cur) => ({ ...structuredClone(cur ?? thing("a", "")), spec: { address: "db:6000" } }));
    expect(updated.object["spec"]).toEqual({ address: "db:6000" });
    const deleted = await s.delete(ctx(), "b");
    expect(deleted.deleted).toBe(true);
  });

  it("delivers watch events converted and in storage order", async () => {
    const s = store(asyncConversion([]));
    await s.create(ctx(), thing("a", "0"));
    const events: WatchEvent[] = [];
    const w = await s.watch(ctx(), {}, { event: (ev) => events.push(ev), close: () => undefined });
    for (let i = 1; i <= 20; i++) await s.update(ctx(), "a", (cur) => ({ ...structuredClone(cur ?? thing("a", "")), spec: { address: String(i) } }));
    for (let i = 0; i < 100 && events.length < 21; i++) await sleep(10);
    w.stop();
    expect(events.map((e) => `${e.type}:${(e.object["spec"] as Record<string, unknown>)["address"] as string}`)).toEqual([
      "ADDED:0",
      ...Array.from({ length: 20 }, (_, i) => `MODIFIED:${i + 1}`),
    ]);
  });

  it("ends a watch with the conversion's error, after the events before it", async () => {
    const s = store(asyncConversion([], "bad"));
    const events: string[] = [];
    let closed: StatusError | undefined;
    await s.create(ctx(), thing("a", "ok"));
    await s.watch(ctx(), {}, { event: (ev) => events.push(ev.object.metadata.name ?? ""), close: (err) => (closed = err) });
    await s.create(ctx(), thing("b", "fine"));
    await s.storage.create("default/c", { apiVersion: "example.dev/v1", kind: "Thing", metadata: { name: "c", namespace: "default" }, spec: { host: "bad" } });
    await s.create(ctx(), thing("d", "never delivered"));
    for (let i = 0; i < 100 && !closed; i++) await sleep(10);
    expect(events).toEqual(["a", "b"]);
    expect(closed?.status).toMatchObject({ code: 500, message: "conversion failed" });
  });
});

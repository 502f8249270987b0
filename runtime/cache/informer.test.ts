import { afterEach, describe, expect, it, vi } from "vitest";
import type { KubeObject } from "../core/object.js";
import { FakeListerWatcher } from "./fake.js";
import { ownerUidIndex } from "./indexer.js";
import { SharedIndexInformer, waitForCacheSync, type ResourceEventHandler, type SharedIndexInformerOptions } from "./informer.js";
import { silentLogger } from "./logger.js";
import { deletionHandlingKey, isDeletedFinalStateUnknown, type DeletedFinalStateUnknown } from "./store.js";

function cm(name: string, data: Record<string, string> = {}, extra: Partial<KubeObject["metadata"]> = {}): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default", ...extra }, data };
}

async function until(cond: () => boolean, what = "condition", timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** A handler that logs "add a (initial)", "update a 3->4", "delete a (tombstone)". */
function recorder(): ResourceEventHandler & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    onAdd: (o, initial) => log.push(`add ${o.metadata.name}${initial ? " (initial)" : ""}`),
    onUpdate: (a, b) => log.push(`update ${b.metadata.name} ${a.metadata.resourceVersion}->${b.metadata.resourceVersion}`),
    onDelete: (o: KubeObject | DeletedFinalStateUnknown) =>
      log.push(`delete ${deletionHandlingKey(o).split("/")[1]}${isDeletedFinalStateUnknown(o) ? " (tombstone)" : ""}`),
  };
}

const stops: Array<() => Promise<void>> = [];

function run(inf: SharedIndexInformer): () => Promise<void> {
  const ac = new AbortController();
  const p = inf.run(ac.signal);
  const stop = async (): Promise<void> => {
    ac.abort();
    await p;
  };
  stops.push(stop);
  return stop;
}

function informer(lw: FakeListerWatcher, opts: Partial<SharedIndexInformerOptions> = {}): SharedIndexInformer {
  return new SharedIndexInformer({ listerWatcher: lw, name: "configmaps", logger: silentLogger, reflector: { backoff: { initialMs: 5, maxMs: 20 } }, ...opts });
}

afterEach(async () => {
  vi.useRealTimers();
  for (const s of stops.splice(0)) await s();
});

describe("SharedIndexInformer", () => {
  it("delivers the initial list as adds (isInInitialList), then watch events, and syncs", async () => {
    const lw = new FakeListerWatcher();
    lw.create(cm("a"));
    lw.create(cm("b"));
    const inf = informer(lw);
    const h = recorder();
    const reg = inf.addEventHandler(h);
    expect(reg.hasSynced()).toBe(false);
    const ac = new AbortController();
    run(inf);
    expect(await inf.waitForCacheSync(ac.signal)).toBe(true);
    expect(reg.hasSynced()).toBe(true);
    expect(await waitForCacheSync(undefined, inf)).toBe(true);
    await until(() => lw.openWatches === 1, "watch");
    lw.create(cm("c"));
    lw.update(cm("a", { v: "2" }));
    lw.delete("default", "b");
    await until(() => h.log.length === 5, "events");
    expect(h.log).toEqual(["add a (initial)", "add b (initial)", "add c", "update a 1->4", "delete b"]);
    expect(inf.getIndexer().listKeys().sort()).toEqual(["default/a", "default/c"]);
    expect(inf.lastSyncResourceVersion()).toBe("5");
  });

  it("waitForCacheSync answers false when aborted first or when the informer stops unsynced", async () => {
    const lw = new FakeListerWatcher();
    for (let i = 0; i < 100; i++) lw.listErrors.push(new Error("down"));
    const inf = informer(lw);
    const ac = new AbortController();
    const w = inf.waitForCacheSync(ac.signal);
    const stop = run(inf);
    ac.abort();
    expect(await w).toBe(false);
    await until(() => inf.stats().listErrors > 1, "list retries");
    const w2 = inf.waitForCacheSync();
    await stop();
    expect(await w2).toBe(false);
    expect(inf.isStopped()).toBe(true);
    expect(inf.hasSynced()).toBe(false);
  });

  it("yields delete then add when an object is deleted and recreated with the same name", async () => {
    const lw = new FakeListerWatcher();
    lw.create(cm("a"));
    const inf = informer(lw);
    const h = recorder();
    inf.addEventHandler(h);
    run(inf);
    await until(() => lw.openWatches === 1, "watch");
    lw.delete("default", "a");
    lw.create(cm("a", { again: "yes" }));
    await until(() => h.log.length === 3, "events");
    expect(h.log).toEqual(["add a (initial)", "delete a", "add a"]);
  });

  it("reports a relist as the exact difference, with tombstones for what vanished or was recreated", async () => {
    const lw = new FakeListerWatcher({ historyCapacity: 3 });
    for (const n of ["same", "changed", "gone", "recreated"]) lw.create(cm(n));
    const inf = informer(lw);
    const h = recorder();
    inf.addEventHandler(h);
    run(inf);
    await until(() => lw.openWatches === 1, "watch");
    h.log.length = 0;
    // the watch is down while things change and the history is compacted: the informer must relist
    lw.breakWatches();
    lw.update(cm("changed", { v: "2" }));
    lw.delete("default", "gone");
    lw.delete("default", "recreated");
    lw.create(cm("recreated", { v: "new" }));
    lw.create(cm("new"));
    lw.compact();
    await until(() => inf.stats().relists === 1 && lw.openWatches === 1, "relist");
    // vanished keys first, then the list in its (key) order
    expect(h.log).toEqual(["delete gone (tombstone)", "update changed 2->5", "add new", "delete recreated (tombstone)", "add recreated"]);
    const byName = new Map(inf.getIndexer().list().map((o) => [o.metadata.name, o]));
    expect([...byName.keys()].sort()).toEqual(["changed", "new", "recreated", "same"]);
    expect(byName.get("recreated")?.data).toEqual({ v: "new" });
    // the relist's own adds are not "initial"
    expect(h.log.filter((l) => l.includes("initial"))).toEqual([]);
  });

  it("gives a handler added late a synthetic add of everything already stored, then live events", async () => {
    const lw = new FakeListerWatcher();
    lw.create(cm("a"));
    lw.create(cm("b"));
    const inf = informer(lw);
    run(inf);
    await inf.waitForCacheSync();
    const late = recorder();
    const reg = inf.addEventHandler(late);
    expect(late.log.sort()).toEqual(["add a (initial)", "add b (initial)"]);
    expect(reg.hasSynced()).toBe(true);
    await until(() => lw.openWatches === 1, "watch");
    lw.create(cm("c"));
    await until(() => late.log.length === 3, "live event");
    expect(late.log[2]).toBe("add c");
    // removed handlers hear nothing more
    reg.remove();
    lw.create(cm("d"));
    await until(() => inf.getIndexer().size === 4, "d stored");
    expect(late.log).toHaveLength(3);
  });

  it("lets a handler add another handler mid-dispatch: it gets the store as it is, and no event twice", async () => {
    const lw = new FakeListerWatcher({ historyCapacity: 1 });
    lw.create(cm("a"));
    const inf = informer(lw);
    const late = recorder();
    let added = false;
    inf.addEventHandler({
      onAdd: (o, initial) => {
        if (!initial && !added) {
          added = true;
          inf.addEventHandler(late);
        }
      },
    });
    run(inf);
    await until(() => lw.openWatches === 1, "watch");
    // a relist that adds b and c: the handler added while b is dispatched sees a, b and c once each
    lw.breakWatches();
    lw.create(cm("b"));
    lw.create(cm("c"));
    lw.compact();
    await until(() => inf.stats().relists === 1 && lw.openWatches === 1, "relist");
    expect(late.log.sort()).toEqual(["add a (initial)", "add b (initial)", "add c (initial)"]);
    lw.create(cm("d"));
    await until(() => late.log.length === 4, "live event");
    expect(late.log[3]).toBe("add d");
  });

  it("resyncs every period from the cache with onUpdate(obj, obj), per handler", async () => {
    vi.useFakeTimers({ now: 0 });
    const lw = new FakeListerWatcher();
    lw.create(cm("a"));
    lw.create(cm("b"));
    const inf = informer(lw, { resyncPeriodMs: 30_000 });
    const h = recorder();
    const fast = recorder();
    inf.addEventHandler(h);
    inf.addEventHandler(fast, { resyncPeriodMs: 10_000 });
    const never = recorder();
    inf.addEventHandler(never, { resyncPeriodMs: 0 });
    run(inf);
    await vi.advanceTimersByTimeAsync(1);
    expect(inf.hasSynced()).toBe(true);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(h.log.slice(2).sort()).toEqual(["update a 1->1", "update b 2->2"]);
    expect(fast.log.slice(2)).toHaveLength(6);
    expect(never.log).toHaveLength(2);
    expect(lw.listCalls).toHaveLength(1); // from the cache, not the server
    const resynced: Array<[KubeObject, KubeObject]> = [];
    inf.addEventHandler({ onUpdate: (a, b) => resynced.push([a, b]) }, { resyncPeriodMs: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(resynced).toHaveLength(2);
    expect(resynced[0]?.[0]).toBe(resynced[0]?.[1]);
  });

  it("keeps going when a handler throws, and counts it", async () => {
    const lw = new FakeListerWatcher();
    lw.create(cm("a"));
    const errors: string[] = [];
    const inf = informer(lw, { onError: (_e, i) => errors.push(i.phase) });
    inf.addEventHandler({
      onAdd: () => {
        throw new Error("handler bug");
      },
    });
    const h = recorder();
    inf.addEventHandler(h);
    run(inf);
    await until(() => lw.openWatches === 1, "watch");
    lw.create(cm("b"));
    await until(() => h.log.length === 2, "events");
    expect(inf.stats().handlerErrors).toBe(2);
    expect(errors).toEqual(["handler", "handler"]);
  });

  it("strips managedFields by default, applies a custom transform, and stores frozen objects", async () => {
    const lw = new FakeListerWatcher();
    lw.create(cm("a", {}, { managedFields: [{ manager: "kubectl", operation: "Apply" }] }));
    const inf = informer(lw);
    run(inf);
    await inf.waitForCacheSync();
    const a = inf.getIndexer().getByKey("default/a") as KubeObject;
    expect(a.metadata.managedFields).toBeUndefined();
    expect(Object.isFrozen(a.metadata)).toBe(true);

    const custom = informer(lw, { transform: (o) => ({ ...o, data: undefined, metadata: { ...o.metadata, annotations: { seen: "yes" } } }) });
    run(custom);
    await custom.waitForCacheSync();
    const b = custom.getIndexer().getByKey("default/a") as KubeObject;
    expect(b.metadata.annotations).toEqual({ seen: "yes" });
    expect(b.data).toBeUndefined();
    expect(b.metadata.managedFields).toHaveLength(1); // a custom transform replaces the default

    const raw = informer(lw, { transform: null, freeze: false });
    run(raw);
    await raw.waitForCacheSync();
    expect(Object.isFrozen(raw.getIndexer().getByKey("default/a"))).toBe(false);
  });

  it("keeps the owner and namespace indexes and user indexes current as objects change", async () => {
    const lw = new FakeListerWatcher();
    const owner = (uid: string): Partial<KubeObject["metadata"]> => ({ ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: uid, uid }] });
    lw.create(cm("a", {}, owner("rs-1")));
    const inf = informer(lw);
    inf.addIndexers({ byData: (o) => Object.keys((o.data as Record<string, string>) ?? {}) });
    run(inf);
    await inf.waitForCacheSync();
    await until(() => lw.openWatches === 1, "watch");
    expect(inf.getIndexer().indexKeys(ownerUidIndex, "rs-1")).toEqual(["default/a"]);
    lw.update(cm("a", { k: "v" }, owner("rs-2")));
    await until(() => inf.getIndexer().indexKeys(ownerUidIndex, "rs-2").length === 1, "index moved");
    expect(inf.getIndexer().indexKeys(ownerUidIndex, "rs-1")).toEqual([]);
    expect(inf.getIndexer().byIndex("byData", "k").map((o) => o.metadata.name)).toEqual(["a"]);
    expect(inf.getIndexer().byIndex("namespace", "default")).toHaveLength(1);
  });

  it("can run only once", async () => {
    const inf = informer(new FakeListerWatcher());
    run(inf);
    await expect(inf.run(new AbortController().signal)).rejects.toThrow(/already been started/);
  });
});

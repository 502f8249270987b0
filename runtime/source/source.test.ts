import { afterEach, describe, expect, it } from "vitest";
import { Cache, FakeListerWatcherProvider, silentLogger as cacheSilent } from "../cache/index.js";
import type { GroupVersionKind } from "../core/gvk.js";
import type { KubeObject } from "../core/object.js";
import { funcs, type RequestQueue } from "../handler/index.js";
import { resourceVersionChanged } from "../predicate/index.js";
import { silentLogger } from "../reconcile/index.js";
import { ChannelSource, GenericEventChannel, KindSource, kindString, toGVK } from "./index.js";

const cmGVK: GroupVersionKind = { group: "", version: "v1", kind: "ConfigMap" };
const cm = (name: string, data: Record<string, string> = {}): KubeObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "ns" }, data });
const queue = {} as RequestQueue;
const aborts: AbortController[] = [];
afterEach(() => {
  for (const a of aborts.splice(0)) a.abort();
});
function controller(): AbortController {
  const a = new AbortController();
  aborts.push(a);
  return a;
}
const until = async (cond: () => boolean, ms = 2000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe("KindSource", () => {
  it("registers on the cache's informer, waits for sync, applies predicates, unwraps tombstones", async () => {
    const provider = new FakeListerWatcherProvider();
    const lw = provider.serve(cmGVK);
    lw.create(cm("a"));
    const cache = new Cache({ provider, logger: cacheSilent });
    const stop = controller();
    void cache.start(stop.signal);
    const events: string[] = [];
    const src = new KindSource({
      cache,
      type: { apiVersion: "v1", kind: "ConfigMap" },
      logger: silentLogger,
      predicates: [resourceVersionChanged()],
      handler: funcs({
        create: (ev) => void events.push(`create ${ev.object.metadata.name} initial=${ev.isInInitialList}`),
        update: (ev) => void events.push(`update ${ev.objectNew.metadata.name}`),
        delete: (ev) => void events.push(`delete ${ev.object.metadata.name} unknown=${ev.deleteStateUnknown}`),
      }),
    });
    expect(String(src)).toBe("kind source: v1, Kind=ConfigMap");
    await src.start(stop.signal, queue);
    await expect(src.start(stop.signal, queue)).rejects.toThrow(/more than once/);
    expect(await src.waitForSync(stop.signal)).toBe(true);
    expect(events).toEqual(["create a initial=true"]);
    lw.update(cm("a", { k: "v" }));
    lw.create(cm("b"));
    lw.delete("ns", "b");
    await until(() => events.length === 4).catch((e: unknown) => { throw new Error(`${String(e)} ${JSON.stringify(events)}`); });
    expect(events.slice(1)).toEqual(["update a", "create b initial=false", "delete b unknown=false"]);
  });

  it("a handler that throws (sync or async) is logged, never stops delivery", async () => {
    const provider = new FakeListerWatcherProvider();
    const lw = provider.serve(cmGVK);
    const cache = new Cache({ provider, logger: cacheSilent });
    const stop = controller();
    void cache.start(stop.signal);
    const errors: unknown[] = [];
    const log = { ...silentLogger, error: (_m: string, err: unknown) => void errors.push(err), withValues: () => log };
    let seen = 0;
    const src = new KindSource({
      cache,
      type: cmGVK,
      logger: log,
      handler: funcs({
        create: (ev) => {
          seen++;
          if (ev.object.metadata.name === "sync") throw new Error("sync boom");
          if (ev.object.metadata.name === "async") return Promise.reject(new Error("async boom"));
        },
      }),
    });
    await src.start(stop.signal, queue);
    await src.waitForSync(stop.signal);
    lw.create(cm("sync"));
    lw.create(cm("async"));
    lw.create(cm("fine"));
    await until(() => seen === 3 && errors.length === 2);
  });

  it("an unknown kind retries and waitForSync rejects naming the kind and the cause when given up", async () => {
    const provider = new FakeListerWatcherProvider();
    const cache = new Cache({ provider, logger: cacheSilent });
    const stop = controller();
    void cache.start(stop.signal);
    const src = new KindSource({ cache, type: { apiVersion: "example.com/v1", kind: "Widget" }, handler: funcs({}), logger: silentLogger, retryDelayMs: 10 });
    await src.start(stop.signal, queue);
    await expect(src.waitForSync(AbortSignal.timeout(100))).rejects.toThrow(/example\.com\/v1, Kind=Widget.*no matches for kind "Widget"/);
  });

  it("toGVK and kindString accept both spellings", () => {
    expect(toGVK({ apiVersion: "apps/v1", kind: "Deployment" })).toEqual({ group: "apps", version: "v1", kind: "Deployment" });
    expect(kindString({ group: "", version: "v1", kind: "Pod" })).toBe("v1, Kind=Pod");
  });
});

describe("ChannelSource", () => {
  it("delivers objects and generic events from the channel through predicates; stops on abort", async () => {
    const ch = new GenericEventChannel();
    ch.send(cm("early"));
    const got: string[] = [];
    const src = new ChannelSource({
      events: ch,
      logger: silentLogger,
      predicates: [{ generic: (ev) => ev.object.metadata.name !== "filtered" }],
      handler: funcs({ generic: (ev) => void got.push(String(ev.object.metadata.name)) }),
    });
    const stop = controller();
    await src.start(stop.signal, queue);
    ch.send(cm("filtered"));
    ch.send(cm("late"));
    await until(() => got.length === 2);
    expect(got).toEqual(["early", "late"]);
    stop.abort();
    await new Promise((r) => setTimeout(r, 10));
    ch.send(cm("after"));
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual(["early", "late"]);
  });

  it("accepts any async iterable and ends with it", async () => {
    async function* gen(): AsyncGenerator<{ object: KubeObject }> {
      yield { object: cm("one") };
      yield { object: cm("two") };
    }
    const got: string[] = [];
    const src = new ChannelSource({ events: gen(), logger: silentLogger, handler: funcs({ generic: (ev) => void got.push(String(ev.object.metadata.name)) }) });
    await src.start(controller().signal, queue);
    await until(() => got.length === 2);
  });
});

describe("KindSource with a fake informer", () => {
  it("turns DeletedFinalStateUnknown into a delete event with deleteStateUnknown", async () => {
    const { DeletedFinalStateUnknown } = await import("../cache/index.js");
    let registered: import("../cache/index.js").ResourceEventHandler | undefined;
    const informer = {
      addEventHandler: (h: import("../cache/index.js").ResourceEventHandler) => ((registered = h), { hasSynced: () => true, remove: () => (registered = undefined) }),
      waitForCacheSync: async () => true,
    };
    const cache = { getInformer: async () => informer as unknown as import("../cache/index.js").Informer<never> };
    const got: string[] = [];
    const src = new KindSource({ cache, type: cmGVK, logger: silentLogger, handler: funcs({ delete: (ev) => void got.push(`${ev.object.metadata.name} ${ev.deleteStateUnknown}`) }) });
    const stop = controller();
    await src.start(stop.signal, queue);
    expect(await src.waitForSync(stop.signal)).toBe(true);
    registered?.onDelete?.(new DeletedFinalStateUnknown("ns/gone", cm("gone")));
    expect(got).toEqual(["gone true"]);
    stop.abort();
    expect(registered).toBeUndefined();
  });
});

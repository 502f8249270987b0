import { afterEach, describe, expect, it, vi } from "vitest";
import { newInternalError, newResourceExpired, StatusError } from "../core/errors.js";
import type { KubeList, KubeObject } from "../core/object.js";
import { FakeListerWatcher } from "./fake.js";
import type { ListerWatcher, ListOptions, WatchEvent, WatchOptions } from "./listwatch.js";
import { silentLogger } from "./logger.js";
import { Reflector, type ReflectorOptions, type ReflectorPhase, type ReflectorStore } from "./reflector.js";

function cm(name: string, data: Record<string, string> = {}, labels?: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default", ...(labels ? { labels } : {}) }, data };
}

/** A ReflectorStore that keeps a map and a log of calls. */
class RecordingStore implements ReflectorStore<KubeObject> {
  readonly objects = new Map<string, KubeObject>();
  readonly log: string[] = [];
  replaces = 0;
  lastRV = "";
  replace(items: KubeObject[], rv: string): void {
    this.replaces++;
    this.objects.clear();
    for (const o of items) this.objects.set(o.metadata.name ?? "", o);
    this.log.push(`replace(${items.length})@${rv}`);
  }
  add(o: KubeObject): void {
    this.objects.set(o.metadata.name ?? "", o);
    this.log.push(`add ${o.metadata.name}`);
  }
  update(o: KubeObject): void {
    this.objects.set(o.metadata.name ?? "", o);
    this.log.push(`update ${o.metadata.name}`);
  }
  delete(o: KubeObject): void {
    this.objects.delete(o.metadata.name ?? "");
    this.log.push(`delete ${o.metadata.name}`);
  }
  resourceVersion(rv: string): void {
    this.lastRV = rv;
  }
}

async function until(cond: () => boolean, what = "condition", timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

interface Harness {
  lw: FakeListerWatcher;
  store: RecordingStore;
  reflector: Reflector;
  errors: Array<{ phase: ReflectorPhase; err: unknown }>;
  stop: () => Promise<void>;
}

const running: Harness[] = [];

function start(lw: FakeListerWatcher, opts: ReflectorOptions = {}, source: ListerWatcher = lw): Harness {
  const store = new RecordingStore();
  const errors: Harness["errors"] = [];
  const reflector = new Reflector(source, store, {
    name: "configmaps",
    logger: silentLogger,
    backoff: { initialMs: 5, maxMs: 20 },
    onError: (err, info) => errors.push({ phase: info.phase, err }),
    ...opts,
  });
  const ac = new AbortController();
  const run = reflector.run(ac.signal);
  const h: Harness = {
    lw,
    store,
    reflector,
    errors,
    stop: async () => {
      ac.abort();
      await run;
    },
  };
  running.push(h);
  return h;
}

afterEach(async () => {
  vi.useRealTimers();
  for (const h of running.splice(0)) await h.stop();
});

describe("Reflector list and watch", () => {
  it("lists from resourceVersion 0 in pages of 500, then watches from the list's resourceVersion with bookmarks", async () => {
    const lw = new FakeListerWatcher();
    for (let i = 0; i < 1234; i++) lw.create(cm(`cm-${String(i).padStart(4, "0")}`));
    const h = start(lw, { random: () => 0.5 });
    await until(() => h.reflector.hasSynced() && lw.openWatches === 1, "sync");
    expect(h.store.objects.size).toBe(1234);
    expect(lw.listCalls.map((c) => ({ rv: c.resourceVersion, limit: c.limit, cont: c.continue !== undefined }))).toEqual([
      { rv: "0", limit: 500, cont: false },
      { rv: undefined, limit: 500, cont: true },
      { rv: undefined, limit: 500, cont: true },
    ]);
    expect(lw.watchCalls).toEqual([{ resourceVersion: "1234", allowWatchBookmarks: true, timeoutSeconds: 450 }]);
    expect(h.reflector.lastSyncResourceVersion()).toBe("1234");
    expect(h.store.log).toEqual(["replace(1234)@1234"]);
  });

  it("sends the same selectors and metadata-only flag on every list and watch", async () => {
    const lw = new FakeListerWatcher();
    lw.create(cm("a", {}, { app: "web" }));
    lw.create(cm("b", {}, { app: "db" }));
    const h = start(lw, { labelSelector: "app=web", fieldSelector: "metadata.namespace=default", metadataOnly: true });
    await until(() => lw.openWatches === 1, "watch");
    expect([...h.store.objects.keys()]).toEqual(["a"]);
    for (const call of [...lw.listCalls, ...lw.watchCalls]) {
      expect(call).toMatchObject({ labelSelector: "app=web", fieldSelector: "metadata.namespace=default", metadataOnly: true });
    }
    const timeout = lw.watchCalls[0]?.timeoutSeconds ?? 0;
    expect(timeout).toBeGreaterThanOrEqual(300);
    expect(timeout).toBeLessThanOrEqual(600);
  });

  it("applies watch events in order and follows bookmarks", async () => {
    const lw = new FakeListerWatcher();
    lw.create(cm("a", {}, { app: "web" }));
    const h = start(lw, { labelSelector: "app=web" });
    await until(() => lw.openWatches === 1, "watch");
    lw.create(cm("b", {}, { app: "web" }));
    lw.update(cm("a", { x: "1" }, { app: "web" }));
    lw.delete("default", "b");
    await until(() => h.store.log.length === 4, "events");
    expect(h.store.log.slice(1)).toEqual(["add b", "update a", "delete b"]);
    expect(h.reflector.lastSyncResourceVersion()).toBe("4");
    // writes we do not see move the server on; a bookmark tells us
    lw.create(cm("unrelated-1"));
    lw.create(cm("unrelated-2"));
    lw.bookmark();
    await until(() => h.reflector.stats().bookmarks === 1, "bookmark");
    expect(h.reflector.lastSyncResourceVersion()).toBe("6");
    expect(h.store.lastRV).toBe("6");
    expect(h.store.objects.size).toBe(1);
    expect(h.reflector.stats()).toMatchObject({ lists: 1, events: 3, bookmarks: 1, watchErrors: 0 });
  });

  it("resumes a watch that ended normally from the last resourceVersion, without a relist", async () => {
    const lw = new FakeListerWatcher();
    lw.create(cm("a"));
    const h = start(lw);
    await until(() => lw.openWatches === 1, "watch");
    lw.create(cm("b"));
    await until(() => h.store.objects.has("b"), "event");
    // a watch that delivered events and then ended (the server's timeout) is resumed at once
    lw.breakWatches();
    lw.create(cm("c"));
    await until(() => h.store.objects.has("c") && lw.watchCalls.length === 2, "resumed watch");
    expect(lw.watchCalls[1]?.resourceVersion).toBe("2");
    expect(lw.listCalls).toHaveLength(1);
    expect(h.errors).toEqual([]);
  });
});

describe("Reflector relists on 410 Expired", () => {
  async function expiredWatch(mode: "stream" | "http"): Promise<void> {
    const lw = new FakeListerWatcher({ expiredMode: mode, historyCapacity: 2 });
    lw.create(cm("a"));
    lw.create(cm("b"));
    const h = start(lw);
    await until(() => lw.openWatches === 1, "watch");
    // while no watch is open: changes, and the history they were in is compacted
    lw.breakWatches();
    lw.update(cm("a", { v: "2" }));
    lw.delete("default", "b");
    lw.create(cm("c"));
    lw.compact();
    await until(() => h.store.replaces === 2 && lw.openWatches === 1, "relist");
    expect([...h.store.objects.keys()].sort()).toEqual(["a", "c"]);
    expect(h.store.objects.get("a")?.data).toEqual({ v: "2" });
    // like client-go, the relist first asks for the last seen resourceVersion (data at least that fresh)
    expect(lw.listCalls.map((c) => c.resourceVersion)).toEqual(["0", "2"]);
    expect(lw.watchCalls.map((c) => c.resourceVersion)).toEqual(["2", "2", "5"]);
    expect(h.reflector.stats()).toMatchObject({ lists: 2, relists: 1, expired: 1 });
    expect(h.errors.filter((e) => e.phase !== "watch")).toEqual([]);
  }

  it("as an in-stream ERROR event", () => expiredWatch("stream"));
  it("as the HTTP answer of the watch request", () => expiredWatch("http"));

  it("as a thrown in-stream error (a typed client error)", async () => {
    const lw = new FakeListerWatcher();
    lw.create(cm("a"));
    const h = start(lw);
    await until(() => lw.openWatches === 1, "watch");
    lw.create(cm("b"));
    await until(() => h.store.objects.has("b"), "event");
    lw.breakWatches(newResourceExpired("too old resource version: 1 (2)"));
    await until(() => h.store.replaces === 2, "relist");
    expect(h.reflector.stats()).toMatchObject({ relists: 1, expired: 1, watchErrors: 0 });
  });

  it("falls back to the latest state when the relist's resourceVersion is expired too", async () => {
    const lw = new FakeListerWatcher();
    lw.create(cm("a"));
    const h = start(lw);
    await until(() => lw.openWatches === 1, "watch");
    lw.listErrors.push(newResourceExpired("too old resource version: 1 (5)"));
    lw.breakWatches(newResourceExpired("too old"));
    await until(() => h.store.replaces === 2, "relist");
    expect(lw.listCalls.map((c) => c.resourceVersion)).toEqual(["0", "1", ""]);
  });

  it("relists from the latest state when the server has not reached our resourceVersion (too large)", async () => {
    const lw = new FakeListerWatcher();
    lw.create(cm("a"));
    const h = start(lw);
    await until(() => lw.openWatches === 1, "watch");
    lw.watchErrors.push(
      new StatusError({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        code: 504,
        reason: "Timeout",
        message: "Too large resource version: 1, current: 0",
        details: { causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }] },
      }),
    );
    lw.breakWatches();
    await until(() => h.store.replaces === 2, "relist");
    expect(lw.listCalls.map((c) => c.resourceVersion)).toEqual(["0", ""]);
  });

  it("lists without pages when a continue token expires mid-list", async () => {
    const lw = new FakeListerWatcher();
    for (let i = 0; i < 1200; i++) lw.create(cm(`cm-${String(i).padStart(4, "0")}`));
    let calls = 0;
    const source: ListerWatcher = {
      list: async (o: ListOptions): Promise<KubeList> => {
        const page = await lw.list(o);
        if (++calls === 1) lw.compact(); // the snapshot behind the continue token is gone
        return page;
      },
      watch: (o: WatchOptions & { signal: AbortSignal }): AsyncIterable<WatchEvent> => lw.watch(o),
    };
    const h = start(lw, {}, source);
    await until(() => h.reflector.hasSynced(), "sync");
    expect(h.store.objects.size).toBe(1200);
    expect(lw.listCalls.map((c) => ({ rv: c.resourceVersion, limit: c.limit, cont: c.continue !== undefined }))).toEqual([
      { rv: "0", limit: 500, cont: false },
      { rv: undefined, limit: 500, cont: true },
      { rv: "0", limit: undefined, cont: false },
    ]);
  });
});

describe("Reflector failures", () => {
  it("retries a failing list forever with 800 ms doubling to 30 s, then syncs", async () => {
    vi.useFakeTimers({ now: 0 });
    const lw = new FakeListerWatcher();
    lw.create(cm("a"));
    for (let i = 0; i < 9; i++) lw.listErrors.push(new Error("connect ECONNREFUSED 127.0.0.1:6443"));
    const times: number[] = [];
    const source: ListerWatcher = {
      list: (o) => {
        times.push(Date.now());
        return lw.list(o);
      },
      watch: (o) => lw.watch(o),
    };
    const h = start(lw, { backoff: { random: () => 0 } }, source);
    await vi.advanceTimersByTimeAsync(200_000);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    expect(gaps).toEqual([800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000]);
    expect(h.reflector.hasSynced()).toBe(true);
    expect(h.errors).toHaveLength(9);
    expect(h.errors.every((e) => e.phase === "list")).toBe(true);
    expect(h.reflector.stats()).toMatchObject({ listErrors: 9, lists: 1, backoffs: 9 });
    expect((h.reflector.stats().lastError as Error).message).toContain("ECONNREFUSED");
  });

  it("jitters each wait by up to the base again", async () => {
    vi.useFakeTimers({ now: 0 });
    const lw = new FakeListerWatcher();
    for (let i = 0; i < 3; i++) lw.listErrors.push(new Error("boom"));
    const times: number[] = [];
    const source: ListerWatcher = { list: (o) => (times.push(Date.now()), lw.list(o)), watch: (o) => lw.watch(o) };
    start(lw, { backoff: { random: () => 0.25 } }, source);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(times.slice(1).map((t, i) => t - (times[i] as number))).toEqual([1000, 2000, 4000]);
  });

  it("backs off and re-watches (no relist) after a non-410 watch error, thrown or as an ERROR event", async () => {
    const lw = new FakeListerWatcher();
    lw.create(cm("a"));
    const h = start(lw);
    await until(() => lw.openWatches === 1, "watch");
    lw.injectEvent({ type: "ERROR", object: newInternalError(new Error("etcd down")).status });
    await until(() => lw.watchCalls.length === 2 && lw.openWatches === 1, "re-watch");
    lw.breakWatches(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    await until(() => lw.watchCalls.length === 3 && lw.openWatches === 1, "re-watch 2");
    lw.watchErrors.push(new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code: 429, reason: "TooManyRequests", message: "slow down" }));
    lw.breakWatches(new Error("reset"));
    await until(() => lw.watchCalls.length === 5 && lw.openWatches === 1, "re-watch 3");
    expect(lw.listCalls).toHaveLength(1);
    expect(lw.watchCalls.every((c) => c.resourceVersion === "1")).toBe(true);
    expect(h.errors.map((e) => e.phase)).toEqual(["watch", "watch", "watch", "watch"]);
    expect((h.errors[0]?.err as StatusError).code).toBe(500);
    expect(h.reflector.stats()).toMatchObject({ watchErrors: 4, backoffs: 4, lists: 1 });
  });

  it("counts, reports and restarts on undecodable watch lines, resuming from the last good resourceVersion", async () => {
    const lw = new FakeListerWatcher();
    lw.create(cm("a"));
    const h = start(lw);
    await until(() => lw.openWatches === 1, "watch");
    lw.create(cm("b"));
    await until(() => h.store.objects.has("b"), "event");
    lw.injectGarbage('{"type":"ADDED","object":{"metadata"');
    await until(() => lw.watchCalls.length === 2 && lw.openWatches === 1, "restart");
    lw.injectEvent({ type: "ADDED", object: { kind: "ConfigMap" } });
    await until(() => lw.watchCalls.length === 3 && lw.openWatches === 1, "restart 2");
    lw.injectEvent({ type: "SURPRISE", object: cm("x") });
    await until(() => lw.watchCalls.length === 4 && lw.openWatches === 1, "restart 3");
    expect(lw.watchCalls.map((c) => c.resourceVersion)).toEqual(["1", "2", "2", "2"]);
    expect(h.errors.map((e) => e.phase)).toEqual(["decode", "decode", "decode"]);
    expect(h.reflector.stats()).toMatchObject({ decodeErrors: 3, lists: 1 });
    // nothing was lost: a later change still arrives
    lw.create(cm("c"));
    await until(() => h.store.objects.has("c"), "event after restart");
  });

  it("treats a watch that closes at once without events as a failure (backoff, no hot loop)", async () => {
    vi.useFakeTimers({ now: 0 });
    const lw = new FakeListerWatcher();
    const source: ListerWatcher = {
      list: (o) => lw.list(o),
      // eslint-disable-next-line require-yield
      watch: () => ({ [Symbol.asyncIterator]: async function* () {} }),
    };
    const h = start(lw, { backoff: { random: () => 0 } }, source);
    await vi.advanceTimersByTimeAsync(10_000);
    const s = h.reflector.stats();
    // at 0, 800, 2400 and 5600 ms (the next would be at 12000): bounded, not a hot loop
    expect(s.watches).toBe(4);
    expect(s.watchErrors).toBe(4);
    expect((s.lastError as Error).message).toContain("very short watch");
  });

  it("never rejects and keeps retrying whatever is thrown (even non-Error values), until aborted", async () => {
    const lw = new FakeListerWatcher();
    lw.listErrors.push("a string", null, undefined, { weird: true });
    const h = start(lw);
    await until(() => h.reflector.hasSynced(), "sync after odd failures");
    expect(h.errors).toHaveLength(4);
    await h.stop();
    expect(lw.openWatches).toBe(0);
    expect(() => h.reflector.run(new AbortController().signal)).not.toThrow();
  });

  it("relists when the store throws (its contents are unknown)", async () => {
    const lw = new FakeListerWatcher();
    lw.create(cm("a"));
    const store = new RecordingStore();
    let fail = true;
    const orig = store.add.bind(store);
    store.add = (o) => {
      if (fail && o.metadata.name === "b") {
        fail = false;
        throw new Error("store bug");
      }
      orig(o);
    };
    const errors: string[] = [];
    const r = new Reflector(lw, store, { logger: silentLogger, backoff: { initialMs: 5, maxMs: 5 }, onError: (_e, i) => errors.push(i.phase) });
    const ac = new AbortController();
    const run = r.run(ac.signal);
    await until(() => lw.openWatches === 1, "watch");
    lw.create(cm("b"));
    await until(() => store.replaces === 2, "relist");
    expect(store.objects.has("b")).toBe(true);
    expect(errors).toEqual(["store"]);
    ac.abort();
    await run;
  });
});

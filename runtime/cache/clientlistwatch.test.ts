/**
 * The watch caches against the local control plane through runtime/client: convergence under 10,000 writes
 * with broken watches and compacted history (the 410 relist path), delete+recreate, metadata-only watches,
 * unknown kinds, and an unreachable server at start.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, StaticRESTMapper } from "../client/index.js";
import type { KubeObject } from "../core/object.js";
import type { GroupVersionKind } from "../core/gvk.js";
import type { MemoryBackend } from "../storage/memory.js";
import { startControlPlane, type RunningControlPlane } from "../testing/index.js";
import { Cache } from "./cache.js";
import { ClientListerWatcher, ClientListerWatcherProvider } from "./clientlistwatch.js";
import { SharedIndexInformer, type ResourceEventHandler } from "./informer.js";
import type { ListerWatcher, ListOptions, WatchEvent, WatchOptions } from "./listwatch.js";
import { silentLogger } from "./logger.js";
import { deletionHandlingKey, isDeletedFinalStateUnknown, type DeletedFinalStateUnknown } from "./store.js";

const configMaps: GroupVersionKind = { group: "", version: "v1", kind: "ConfigMap" };
const CM = { apiVersion: "v1", kind: "ConfigMap" } as const;

let cp: RunningControlPlane;
let client: Client;
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  cp = await startControlPlane({ historyCapacity: 200 });
  client = new Client(cp.kubeConfig, { qps: 0 });
});

afterAll(async () => {
  for (const s of stops.splice(0)) await s();
  client?.close();
  await cp?.stop();
});

async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function namespace(name: string): Promise<string> {
  await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
  return name;
}

function run(inf: SharedIndexInformer): void {
  const ac = new AbortController();
  const p = inf.run(ac.signal);
  stops.push(async () => {
    ac.abort();
    await p;
  });
}

/** Ends every watch the server holds on configmaps (as a server-side timeout or restart would). */
function closeServerWatches(): void {
  const storage = (cp.controlPlane.storage as MemoryBackend).forResource("/configmaps") as unknown as { closeWatches(): void };
  storage.closeWatches();
}

/** A ListerWatcher that can cut the current watch from the client side and hold the next one back. */
class Breaker implements ListerWatcher {
  private current: AbortController | undefined;
  private gate: Promise<void> | undefined;
  private release: (() => void) | undefined;
  watchesOpened = 0;

  constructor(private readonly inner: ListerWatcher) {}

  list(opts: ListOptions): Promise<import("../core/object.js").KubeList> {
    return this.inner.list(opts);
  }

  watch(opts: WatchOptions & { signal: AbortSignal }): AsyncIterable<WatchEvent> {
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        while (self.gate && !opts.signal.aborted) await Promise.race([self.gate, new Promise((r) => opts.signal.addEventListener("abort", r, { once: true }))]);
        const ac = new AbortController();
        self.current = ac;
        self.watchesOpened++;
        yield* self.inner.watch({ ...opts, signal: AbortSignal.any([opts.signal, ac.signal]) });
      },
    };
  }

  /** Aborts the open watch; with `hold`, the next watch waits for open(). */
  cut(hold: boolean): void {
    if (hold && !this.gate) this.gate = new Promise((r) => (this.release = r));
    this.current?.abort();
  }

  open(): void {
    this.gate = undefined;
    this.release?.();
  }
}

/** A handler that rebuilds the state from events and flags any event that does not fit the state. */
function mirror(): ResourceEventHandler & { state: Map<string, KubeObject>; violations: string[]; log: string[] } {
  const state = new Map<string, KubeObject>();
  const violations: string[] = [];
  const log: string[] = [];
  const key = (o: KubeObject | DeletedFinalStateUnknown): string => deletionHandlingKey(o);
  return {
    state,
    violations,
    log,
    onAdd: (o) => {
      if (state.has(key(o))) violations.push(`add of existing ${key(o)}`);
      state.set(key(o), o);
      log.push(`add ${o.metadata.name} ${o.metadata.uid}`);
    },
    onUpdate: (a, b) => {
      if (state.get(key(a)) !== a) violations.push(`update from unknown state of ${key(a)}`);
      if (a.metadata.uid !== b.metadata.uid) violations.push(`update across uids of ${key(a)}`);
      state.set(key(b), b);
      log.push(`update ${b.metadata.name}`);
    },
    onDelete: (o) => {
      if (!state.has(key(o))) violations.push(`delete of unknown ${key(o)}`);
      state.delete(key(o));
      const obj = isDeletedFinalStateUnknown(o) ? o.obj : o;
      log.push(`delete ${obj.metadata.name} ${obj.metadata.uid}${isDeletedFinalStateUnknown(o) ? " (tombstone)" : ""}`);
    },
  };
}

/** key → uid@resourceVersion */
function fingerprint(objs: Iterable<KubeObject>): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of objs) out.set(`${o.metadata.namespace}/${o.metadata.name}`, `${o.metadata.uid}@${o.metadata.resourceVersion}`);
  return out;
}

function sameMap(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

describe("informer against the control plane", () => {
  it("converges exactly to the server after 10,000 mixed writes with broken watches and compacted history", async () => {
    const ns = await namespace("converge");
    const breaker = new Breaker(new ClientListerWatcher(client, configMaps, ns));
    const inf = new SharedIndexInformer({ listerWatcher: breaker, name: "configmaps in converge", logger: silentLogger, reflector: { backoff: { initialMs: 50, maxMs: 400 } } });
    const m = mirror();
    inf.addEventHandler(m);
    run(inf);
    expect(await inf.waitForCacheSync()).toBe(true);

    // 16 lanes, each owning its names, writing concurrently: creates, updates, deletes and delete+recreates
    let seed = 42;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let writes = 0;
    const total = 10_000;
    const lane = async (id: number): Promise<void> => {
      const live = new Map<string, KubeObject>();
      let next = 0;
      while (writes < total) {
        const r = rand();
        const names = [...live.keys()];
        const pick = names[Math.floor(rand() * names.length)];
        if (live.size < 20 || r < 0.35 || pick === undefined) {
          const name = `l${id}-${next++}`;
          live.set(name, await client.create<KubeObject>({ ...CM, metadata: { name, namespace: ns }, data: { v: "0" } }));
        } else if (r < 0.7) {
          const cur = live.get(pick) as KubeObject;
          live.set(pick, await client.update<KubeObject>({ ...cur, data: { v: String(writes) } }));
        } else if (r < 0.9) {
          await client.delete({ ...CM, namespace: ns, name: pick });
          live.delete(pick);
        } else {
          await client.delete({ ...CM, namespace: ns, name: pick });
          writes++;
          live.set(pick, await client.create<KubeObject>({ ...CM, metadata: { name: pick, namespace: ns }, data: { v: "again" } }));
        }
        writes++;
      }
    };
    const started = Date.now();
    const lanes = Promise.all(Array.from({ length: 16 }, (_, i) => lane(i)));

    // meanwhile: cut watches from the client side while holding the next one back until the history has moved
    // on by more than its 200 events (so resuming answers 410 → relist), and end watches from the server side
    let forced410 = 0;
    for (const at of [1000, 2500, 4000, 5500, 7000, 8500]) {
      await until(() => writes >= at, `${at} writes`, 60_000);
      if (at === 2500 || at === 7000) {
        closeServerWatches();
        continue;
      }
      const before = writes;
      breaker.cut(true);
      await until(() => writes >= before + 400, "history to move on", 60_000);
      breaker.open();
      forced410++;
    }
    await lanes;
    const writeMs = Date.now() - started;

    await until(async () => sameMap(fingerprint(inf.getIndexer().list()), fingerprint((await client.listAll(CM, { namespace: ns })).items)), "convergence");
    const server = fingerprint((await client.listAll(CM, { namespace: ns })).items);
    expect(fingerprint(inf.getIndexer().list())).toEqual(server);
    // the handler's view, rebuilt from events alone, is the same, and every event fitted the state before it
    expect(fingerprint(m.state.values())).toEqual(server);
    expect(m.violations).toEqual([]);
    const stats = inf.stats();
    if (process.env.KUBEFORGE_CACHE_STATS) console.log({ writeMs, writes, ...stats, lastError: String(stats.lastError) });
    expect(stats.relists).toBeGreaterThanOrEqual(forced410);
    expect(stats.expired).toBeGreaterThanOrEqual(forced410);
    expect(stats.decodeErrors).toBe(0);
    expect(writes).toBeGreaterThanOrEqual(total);
    // about 6 s on an idle 2-CPU machine; no hard bound here, as parallel test files share the CPUs
  }, 120_000);

  it("yields delete then add for a delete+recreate with the same name, watching or relisting", async () => {
    const ns = await namespace("recreate");
    const breaker = new Breaker(new ClientListerWatcher(client, configMaps, ns));
    const inf = new SharedIndexInformer({ listerWatcher: breaker, name: "configmaps in recreate", logger: silentLogger });
    const m = mirror();
    inf.addEventHandler(m);
    run(inf);
    await inf.waitForCacheSync();
    const first = await client.create<KubeObject>({ ...CM, metadata: { name: "x", namespace: ns } });
    await until(() => m.log.length === 1, "add");
    await client.delete({ ...CM, namespace: ns, name: "x" });
    const second = await client.create<KubeObject>({ ...CM, metadata: { name: "x", namespace: ns } });
    await until(() => m.log.length === 3, "delete and add");
    expect(m.log).toEqual([`add x ${first.metadata.uid}`, `delete x ${first.metadata.uid}`, `add x ${second.metadata.uid}`]);

    // the same while the watch is down and the history is gone: the relist reports a tombstone delete, then the add
    breaker.cut(true);
    await client.delete({ ...CM, namespace: ns, name: "x" });
    const third = await client.create<KubeObject>({ ...CM, metadata: { name: "x", namespace: ns } });
    const other = await namespace("recreate-noise");
    for (let i = 0; i < 220; i++) await client.create({ ...CM, metadata: { name: `n${i}`, namespace: other } });
    breaker.open();
    await until(() => m.log.length === 5, "relist delete and add");
    expect(m.log.slice(3)).toEqual([`delete x ${second.metadata.uid} (tombstone)`, `add x ${third.metadata.uid}`]);
    expect(inf.stats()).toMatchObject({ relists: 1, expired: 1 });
    expect(m.violations).toEqual([]);
  });

  it("retries with backoff while the server is unreachable, then syncs when it comes up", async () => {
    const down = await startControlPlane();
    const port = Number(new URL(down.url).port);
    const kubeConfig = down.kubeConfig;
    await down.stop();
    const c = new Client(kubeConfig, { qps: 0 });
    const errors: string[] = [];
    const inf = new SharedIndexInformer({
      listerWatcher: new ClientListerWatcher(c, configMaps, "default"),
      name: "configmaps (unreachable)",
      logger: silentLogger,
      onError: (err, info) => errors.push(`${info.phase}: ${(err as Error).name}`),
      reflector: { backoff: { initialMs: 50, maxMs: 200 } },
    });
    run(inf);
    await until(() => errors.length >= 3, "failed attempts");
    expect(inf.hasSynced()).toBe(false);
    expect(errors[0]).toMatch(/^list: /);
    const up = await startControlPlane({ port });
    try {
      // same credentials per process: the old kubeconfig works against the new server on the same port
      const cl = new Client(up.kubeConfig, { qps: 0 });
      await cl.create({ ...CM, metadata: { name: "hello", namespace: "default" } });
      cl.close();
      expect(await inf.waitForCacheSync(AbortSignal.timeout(15_000))).toBe(true);
      await until(() => inf.getIndexer().getByKey("default/hello") !== undefined, "object");
      expect(inf.stats().listErrors).toBeGreaterThanOrEqual(3);
    } finally {
      for (const s of stops.splice(0)) await s();
      c.close();
      await up.stop();
    }
  });
});

describe("Cache against the control plane", () => {
  it("serves get/list, metadata-only informers and fails clearly for unknown kinds", async () => {
    const ns = await namespace("cached");
    await client.create({ ...CM, metadata: { name: "a", namespace: ns, labels: { app: "web" } }, data: { big: "x".repeat(1000) } });
    await client.create({ ...CM, metadata: { name: "b", namespace: ns }, data: {} });
    const cache = new Cache({ provider: new ClientListerWatcherProvider(client), logger: silentLogger, byObject: [{ gvk: configMaps, namespaces: [ns] }] });
    const ac = new AbortController();
    const done = cache.start(ac.signal);
    try {
      const a = await cache.get(configMaps, ns, "a");
      expect(a.metadata.labels).toEqual({ app: "web" });
      expect(a.metadata.managedFields).toBeUndefined();
      expect((await cache.list(configMaps, { labelSelector: "app=web" })).items.map((o) => o.metadata.name)).toEqual(["a"]);
      const meta = await cache.list(configMaps, { metadataOnly: true });
      expect(meta.items.map((o) => o.metadata.name).sort()).toEqual(["a", "b"]);
      for (const o of meta.items) {
        expect(o.kind).toBe("PartialObjectMetadata");
        expect(o.data).toBeUndefined();
      }
      await client.create({ ...CM, metadata: { name: "c", namespace: ns } });
      await until(async () => (await cache.list(configMaps, { metadataOnly: true })).items.length === 3, "metadata watch event");
      await expect(cache.get({ group: "example.com", version: "v1", kind: "Widget" }, ns, "w")).rejects.toThrow('no matches for kind "Widget" in version "example.com/v1"');
    } finally {
      ac.abort();
      await done;
    }
  });
});

describe("informer against a server that sends garbage", () => {
  it("counts and reports an undecodable watch line, restarts the stream from the last good resourceVersion, loses nothing", async () => {
    const cmObj = (name: string, rv: number): KubeObject => ({ ...CM, metadata: { name, namespace: "default", uid: `uid-${name}`, resourceVersion: String(rv) } });
    const watchRVs: string[] = [];
    let lists = 0;
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname !== "/api/v1/namespaces/default/configmaps") {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json" });
      if (url.searchParams.get("watch") !== "true") {
        lists++;
        res.end(JSON.stringify({ apiVersion: "v1", kind: "ConfigMapList", metadata: { resourceVersion: "1" }, items: [cmObj("a", 1)] }));
        return;
      }
      watchRVs.push(url.searchParams.get("resourceVersion") ?? "");
      if (watchRVs.length === 1) {
        res.write(`${JSON.stringify({ type: "ADDED", object: cmObj("b", 2) })}\n`);
        res.write('{"type":"ADDED","object":{"metadata":\n'); // garbage
      } else {
        res.write(`${JSON.stringify({ type: "ADDED", object: cmObj("c", 3) })}\n`);
      }
      // the stream stays open until the client goes away
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "c", server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: "u" }],
      contexts: [{ name: "x", cluster: "c", user: "u" }],
      currentContext: "x",
    });
    const c = new Client(kc, {
      qps: 0,
      restMapper: new StaticRESTMapper([{ groupVersionKind: configMaps, resource: { group: "", version: "v1", resource: "configmaps" }, namespaced: true, subresources: [] }]),
    });
    const errors: Array<{ phase: string; err: unknown }> = [];
    const logged: string[] = [];
    const inf = new SharedIndexInformer({
      listerWatcher: new ClientListerWatcher(c, configMaps, "default"),
      name: "configmaps (garbage)",
      logger: { info() {}, error: (msg) => logged.push(msg) },
      onError: (err, info) => errors.push({ phase: info.phase, err }),
      reflector: { backoff: { initialMs: 20, maxMs: 20 } },
    });
    const ac = new AbortController();
    const done = inf.run(ac.signal);
    try {
      await until(() => inf.getIndexer().size === 3, "a, b and c");
      expect(inf.getIndexer().listKeys().sort()).toEqual(["default/a", "default/b", "default/c"]);
      expect(watchRVs).toEqual(["1", "2"]);
      expect(lists).toBe(1);
      expect(inf.stats()).toMatchObject({ decodeErrors: 1, lists: 1 });
      expect(errors.map((e) => `${e.phase}: ${(e.err as Error).name}`)).toEqual(["decode: WatchDecodeError"]);
      expect(logged).toEqual(["failed to decode watch event of configmaps (garbage), retrying with backoff"]);
    } finally {
      ac.abort();
      await done;
      c.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

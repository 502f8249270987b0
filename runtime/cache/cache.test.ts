import { afterEach, describe, expect, it } from "vitest";
import { isNotFound, StatusError } from "../core/errors.js";
import type { GroupVersionKind } from "../core/gvk.js";
import { parseFieldSelector } from "../core/fields.js";
import type { KubeObject } from "../core/object.js";
import { Cache, CacheNotStartedError, ResourceNotCachedError, UnknownNamespaceError, fieldValue, type CacheOptions } from "./cache.js";
import { FakeListerWatcherProvider } from "./fake.js";
import { silentLogger } from "./logger.js";

const configMaps: GroupVersionKind = { group: "", version: "v1", kind: "ConfigMap" };
const pods: GroupVersionKind = { group: "", version: "v1", kind: "Pod" };
const nodes: GroupVersionKind = { group: "", version: "v1", kind: "Node" };

function cm(ns: string, name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: ns, labels }, data };
}

function pod(ns: string, name: string, nodeName: string, phase = "Running"): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: ns }, spec: { nodeName }, status: { phase } };
}

const running: Array<{ ac: AbortController; done: Promise<void> }> = [];

function setup(opts: Partial<CacheOptions> = {}): { provider: FakeListerWatcherProvider; cache: Cache; start: () => void } {
  const provider = new FakeListerWatcherProvider();
  const cache = new Cache({ provider, logger: silentLogger, ...opts });
  return {
    provider,
    cache,
    start: () => {
      const ac = new AbortController();
      running.push({ ac, done: cache.start(ac.signal) });
    },
  };
}

afterEach(async () => {
  for (const r of running.splice(0)) {
    r.ac.abort();
    await r.done;
  }
});

describe("Cache reads", () => {
  it("refuses reads before start, then serves get and list from one shared informer per kind", async () => {
    const { provider, cache, start } = setup();
    const lw = provider.serve(configMaps);
    lw.create(cm("a", "one", { app: "web" }));
    lw.create(cm("b", "two", { app: "db" }));
    await expect(cache.get(configMaps, "a", "one")).rejects.toBeInstanceOf(CacheNotStartedError);
    start();
    const one = await cache.get(configMaps, "a", "one");
    expect(one.metadata.labels).toEqual({ app: "web" });
    const all = await cache.list(configMaps);
    expect(all.kind).toBe("ConfigMapList");
    expect(all.items.map((o) => o.metadata.name).sort()).toEqual(["one", "two"]);
    expect(all.metadata.resourceVersion).toBe("2");
    expect((await cache.list(configMaps, { namespace: "b" })).items.map((o) => o.metadata.name)).toEqual(["two"]);
    expect((await cache.list(configMaps, { labelSelector: "app in (web,api)" })).items.map((o) => o.metadata.name)).toEqual(["one"]);
    await cache.getInformer(configMaps);
    // one list+watch for the kind, however many reads
    expect(provider.requested).toHaveLength(1);
    expect(lw.listCalls).toHaveLength(1);
    expect(cache.hasSynced()).toBe(true);
  });

  it("answers NotFound like controller-runtime, and follows the watch", async () => {
    const { provider, cache, start } = setup();
    const lw = provider.serve(configMaps);
    start();
    const err = await cache.get(configMaps, "a", "missing").catch((e: unknown) => e);
    expect(isNotFound(err)).toBe(true);
    expect((err as StatusError).message).toBe('ConfigMap "missing" not found');
    lw.create(cm("a", "missing"));
    for (let i = 0; i < 1000 && !(await cache.list(configMaps)).items.length; i++) await new Promise((r) => setTimeout(r, 1));
    expect((await cache.get(configMaps, "a", "missing")).metadata.name).toBe("missing");
  });

  it("returns frozen objects without managedFields", async () => {
    const { provider, cache, start } = setup();
    const lw = provider.serve(configMaps);
    lw.create({ ...cm("a", "x"), metadata: { name: "x", namespace: "a", managedFields: [{ manager: "m" }] } });
    start();
    const x = await cache.get(configMaps, "a", "x");
    expect(x.metadata.managedFields).toBeUndefined();
    expect(Object.isFrozen(x)).toBe(true);
  });

  it("evaluates field selectors: exact name and namespace by key and index, any other path on the objects", async () => {
    const { provider, cache, start } = setup();
    const lw = provider.serve(pods);
    lw.create(pod("a", "p1", "node-1"));
    lw.create(pod("a", "p2", "node-2", "Pending"));
    lw.create(pod("b", "p1", "node-1"));
    start();
    const names = async (o: Parameters<Cache["list"]>[1]): Promise<string[]> =>
      (await cache.list(pods, o)).items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort();
    expect(await names({ fieldSelector: "metadata.name=p1" })).toEqual(["a/p1", "b/p1"]);
    expect(await names({ fieldSelector: "metadata.name=p1,metadata.namespace=b" })).toEqual(["b/p1"]);
    expect(await names({ namespace: "a", fieldSelector: "metadata.name=p2" })).toEqual(["a/p2"]);
    expect(await names({ fieldSelector: "metadata.namespace=a" })).toEqual(["a/p1", "a/p2"]);
    expect(await names({ fieldSelector: "spec.nodeName=node-1" })).toEqual(["a/p1", "b/p1"]);
    expect(await names({ fieldSelector: "status.phase!=Running" })).toEqual(["a/p2"]);
    expect(await names({ fieldSelector: parseFieldSelector("spec.nodeName=node-1,metadata.namespace!=a") })).toEqual(["b/p1"]);
    expect(await names({ namespace: "zzz" })).toEqual([]);
  });

  it("indexes fields (controller-runtime's IndexField) per namespace and across namespaces", async () => {
    const { provider, cache, start } = setup();
    const lw = provider.serve(pods);
    lw.create(pod("a", "p1", "node-1"));
    lw.create(pod("a", "p2", "node-2"));
    lw.create(pod("b", "p3", "node-1"));
    let calls = 0;
    await cache.indexField<KubeObject & { spec: { nodeName: string } }>(pods, "spec.nodeName", (p) => {
      calls++;
      return [p.spec.nodeName];
    });
    start();
    const byNode = async (node: string, namespace?: string): Promise<string[]> =>
      (await cache.list(pods, { fieldSelector: `spec.nodeName=${node}`, ...(namespace ? { namespace } : {}) })).items.map((p) => p.metadata.name ?? "").sort();
    expect(await byNode("node-1")).toEqual(["p1", "p3"]);
    expect(await byNode("node-1", "b")).toEqual(["p3"]);
    expect(await byNode("node-3")).toEqual([]);
    expect(calls).toBe(3);
    await expect(cache.indexField(pods, "spec.nodeName", () => [])).rejects.toThrow(/conflict/);
  });

  it("fails at once for a kind the server does not serve, naming it", async () => {
    const { cache, start } = setup();
    start();
    await expect(cache.get({ group: "example.com", version: "v1", kind: "Widget" }, "a", "b")).rejects.toThrow('no matches for kind "Widget" in version "example.com/v1"');
  });

  it("with readerFailOnMissingInformer, reads only kinds that have an informer", async () => {
    const { provider, cache, start } = setup({ readerFailOnMissingInformer: true });
    provider.serve(configMaps);
    start();
    await expect(cache.list(configMaps)).rejects.toBeInstanceOf(ResourceNotCachedError);
    await cache.getInformer(configMaps);
    expect((await cache.list(configMaps)).items).toEqual([]);
  });
});

describe("Cache restrictions", () => {
  it("watches only the configured namespaces, one watch each, and rejects reads elsewhere", async () => {
    const { provider, cache, start } = setup({ byObject: [{ gvk: configMaps, namespaces: ["a", "b"] }] });
    const lw = provider.serve(configMaps);
    lw.create(cm("a", "x"));
    lw.create(cm("b", "y"));
    lw.create(cm("c", "z"));
    start();
    expect((await cache.list(configMaps)).items.map((o) => o.metadata.name).sort()).toEqual(["x", "y"]);
    expect((await cache.list(configMaps, { namespace: "b" })).items.map((o) => o.metadata.name)).toEqual(["y"]);
    expect(provider.requested.map((r) => r.namespace).sort()).toEqual(["a", "b"]);
    await expect(cache.get(configMaps, "c", "z")).rejects.toBeInstanceOf(UnknownNamespaceError);
    await expect(cache.list(configMaps, { namespace: "c" })).rejects.toThrow("because of unknown namespace for the cache");
    // handlers on the kind's informer hear every watched namespace
    const inf = await cache.getInformer(configMaps);
    const seen: string[] = [];
    const reg = inf.addEventHandler({ onAdd: (o) => seen.push(`${o.metadata.namespace}/${o.metadata.name}`) });
    expect(seen.sort()).toEqual(["a/x", "b/y"]);
    expect(reg.hasSynced()).toBe(true);
    expect(inf.lastSyncResourceVersion()).toBe("");
  });

  it("applies defaultNamespaces to namespaced kinds only", async () => {
    const { provider, cache, start } = setup({ defaultNamespaces: ["a"] });
    provider.serve(nodes, { namespaced: false }).create({ apiVersion: "v1", kind: "Node", metadata: { name: "n1" } });
    provider.serve(configMaps).create(cm("b", "elsewhere"));
    start();
    expect((await cache.get(nodes, undefined, "n1")).metadata.name).toBe("n1");
    expect((await cache.list(configMaps)).items).toEqual([]);
    expect(provider.requested.map((r) => `${r.gvk.kind}:${r.namespace ?? "*"}`).sort()).toEqual(["ConfigMap:a", "Node:*"]);
  });

  it("sends per-kind label and field selectors to the server on both list and watch", async () => {
    const { provider, cache, start } = setup({ byObject: [{ gvk: configMaps, labelSelector: "app=web", fieldSelector: "metadata.namespace!=kube-system" }] });
    const lw = provider.serve(configMaps);
    lw.create(cm("a", "in", { app: "web" }));
    lw.create(cm("a", "out", { app: "db" }));
    lw.create(cm("kube-system", "sys", { app: "web" }));
    start();
    expect((await cache.list(configMaps)).items.map((o) => o.metadata.name)).toEqual(["in"]);
    for (let i = 0; i < 1000 && lw.watchCalls.length === 0; i++) await new Promise((r) => setTimeout(r, 1));
    for (const call of [...lw.listCalls, ...lw.watchCalls]) expect(call).toMatchObject({ labelSelector: "app=web", fieldSelector: "metadata.namespace!=kube-system" });
  });

  it("keeps a separate metadata-only informer that asks for PartialObjectMetadata", async () => {
    const { provider, cache, start } = setup();
    const lw = provider.serve(configMaps);
    lw.create(cm("a", "x", {}, { big: "payload" }));
    start();
    await cache.list(configMaps);
    const meta = await cache.list(configMaps, { metadataOnly: true });
    expect(meta.kind).toBe("PartialObjectMetadataList");
    expect(provider.requested).toHaveLength(2);
    expect(lw.listCalls.map((c) => c.metadataOnly ?? false)).toEqual([false, true]);
    expect(meta.items).toHaveLength(1);
  });

  it("applies a per-kind transform instead of the default", async () => {
    const { provider, cache, start } = setup({ byObject: [{ gvk: configMaps, transform: (o) => ({ ...o, data: { trimmed: "yes" } }) }] });
    provider.serve(configMaps).create(cm("a", "x", {}, { big: "payload" }));
    start();
    expect((await cache.get(configMaps, "a", "x")).data).toEqual({ trimmed: "yes" });
  });
});

describe("Cache lifecycle", () => {
  it("starts informers created before and after start; waitForCacheSync covers them; start blocks until aborted", async () => {
    const provider = new FakeListerWatcherProvider();
    provider.serve(configMaps).create(cm("a", "x"));
    provider.serve(pods).create(pod("a", "p", "n"));
    const cache = new Cache({ provider, logger: silentLogger });
    const before = await cache.getInformer(configMaps);
    expect(before.hasSynced()).toBe(false);
    const ac = new AbortController();
    let stopped = false;
    const done = cache.start(ac.signal).then(() => (stopped = true));
    expect(await cache.waitForCacheSync()).toBe(true);
    expect(before.hasSynced()).toBe(true);
    const after = await cache.getInformer(pods);
    expect(after.hasSynced()).toBe(true);
    expect(cache.informerStats().map((s) => s.gvk.kind).sort()).toEqual(["ConfigMap", "Pod"]);
    await expect(cache.start(ac.signal)).rejects.toThrow(/already been started/);
    expect(stopped).toBe(false);
    ac.abort();
    await done;
    expect(stopped).toBe(true);
    expect(before.isStopped()).toBe(true);
  });

  it("waitForCacheSync before start waits for start, or answers false on abort", async () => {
    const { provider, cache } = setup();
    provider.serve(configMaps);
    const ac = new AbortController();
    const w = cache.waitForCacheSync(ac.signal);
    ac.abort();
    expect(await w).toBe(false);
  });

  it("removeInformer stops the kind's watch", async () => {
    const { provider, cache, start } = setup();
    const lw = provider.serve(configMaps);
    start();
    await cache.getInformer(configMaps);
    for (let i = 0; i < 1000 && lw.openWatches === 0; i++) await new Promise((r) => setTimeout(r, 1));
    expect(lw.openWatches).toBe(1);
    cache.removeInformer(configMaps);
    for (let i = 0; i < 1000 && lw.openWatches === 1; i++) await new Promise((r) => setTimeout(r, 1));
    expect(lw.openWatches).toBe(0);
  });
});

describe("fieldValue", () => {
  it("reads scalars by dotted path and anything else as empty", () => {
    const o = { metadata: { name: "x" }, spec: { replicas: 3, paused: false, list: [1] } };
    expect(fieldValue(o, "metadata.name")).toBe("x");
    expect(fieldValue(o, "spec.replicas")).toBe("3");
    expect(fieldValue(o, "spec.paused")).toBe("false");
    expect(fieldValue(o, "spec.list")).toBe("");
    expect(fieldValue(o, "spec.missing.deeper")).toBe("");
  });
});

/**
 * Controllers against the local control plane: Client + Cache + a minimal manager-like object.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cache, ClientListerWatcherProvider, silentLogger as cacheSilent } from "../cache/index.js";
import { Client, isNotFound } from "../client/index.js";
import type { KubeObject } from "../core/object.js";
import type { Runnable } from "../controller/index.js";
import { reconcilerFunc, silentLogger } from "../reconcile/index.js";
import { startControlPlane, type RunningControlPlane } from "../testing/index.js";
import { controllerManagedBy, type ManagerLike } from "./index.js";

let cp: RunningControlPlane;
let client: Client;
const ns = "ctrl-it";
const cmType = { apiVersion: "v1", kind: "ConfigMap" };
const secretType = { apiVersion: "v1", kind: "Secret" };

beforeAll(async () => {
  cp = await startControlPlane();
  client = new Client(cp.kubeConfig, { qps: 0 });
  await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
});
afterAll(async () => {
  client?.close();
  await cp?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(10);
  }
};

/** A minimal manager: one cache, runnables started together, stopped by `stop()`. */
function miniManager(selector: string) {
  const cache = new Cache({ provider: new ClientListerWatcherProvider(client), logger: cacheSilent, defaultNamespaces: [ns], defaultLabelSelector: selector });
  const runnables: Runnable[] = [];
  const ac = new AbortController();
  const runs: Promise<void>[] = [];
  const mgr: ManagerLike = { client, cache, add: (r) => void runnables.push(r), logger: silentLogger };
  return {
    mgr,
    cache,
    start() {
      runs.push(cache.start(ac.signal));
      for (const r of runnables) runs.push(r.start(ac.signal));
    },
    async stop() {
      ac.abort();
      await Promise.allSettled(runs);
    },
  };
}

describe("controller against the control plane", () => {
  it("for(ConfigMap).owns(Secret) reconciles when an owned Secret changes", async () => {
    const m = miniManager("test=owns");
    const reconciles: string[] = [];
    controllerManagedBy(m.mgr)
      .for(cmType)
      .owns(secretType)
      .named("owns-it")
      .complete(
        reconcilerFunc(async (ctx, req) => {
          reconciles.push(req.name);
          let owner: KubeObject;
          try {
            owner = await client.get({ ...cmType, namespace: req.namespace, name: req.name }, { signal: ctx.signal });
          } catch (err) {
            if (isNotFound(err)) return;
            throw err;
          }
          const name = `${req.name}-secret`;
          try {
            await client.get({ ...secretType, namespace: req.namespace, name }, { signal: ctx.signal });
          } catch (err) {
            if (!isNotFound(err)) throw err;
            await client.create({
              ...secretType,
              metadata: {
                name,
                namespace: req.namespace,
                labels: { test: "owns" },
                ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: req.name, uid: owner.metadata.uid ?? "", controller: true, blockOwnerDeletion: true }],
              },
              stringData: { k: "v" },
            });
          }
        }),
      );
    m.start();
    try {
      await client.create({ ...cmType, metadata: { name: "parent", namespace: ns, labels: { test: "owns" } }, data: { a: "1" } });
      await until(async () => {
        try {
          await client.get({ ...secretType, namespace: ns, name: "parent-secret" });
          return true;
        } catch {
          return false;
        }
      });
      await sleep(200);
      const before = reconciles.filter((n) => n === "parent").length;
      expect(before).toBeGreaterThanOrEqual(1);
      expect(reconciles).not.toContain("parent-secret");
      const s = await client.get({ ...secretType, namespace: ns, name: "parent-secret" });
      await client.update({ ...s, stringData: { k: "changed" } });
      await until(() => reconciles.filter((n) => n === "parent").length > before);
    } finally {
      await m.stop();
    }
  });

  it("a reconcile error backs off exponentially", async () => {
    const m = miniManager("test=backoff");
    const times: number[] = [];
    controllerManagedBy(m.mgr)
      .for(cmType)
      .named("backoff-it")
      .complete(
        reconcilerFunc(async () => {
          times.push(performance.now());
          throw new Error("always failing");
        }),
      );
    m.start();
    try {
      await client.create({ ...cmType, metadata: { name: "failing", namespace: ns, labels: { test: "backoff" } } });
      await until(() => times.length >= 9);
      const windowStart = times[0] ?? 0;
      const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
      // 5, 10, 20, 40, 80, 160, 320, 640 ms: each gap at least its backoff, and the later ones roughly doubling
      for (const [i, g] of gaps.entries()) expect(g).toBeGreaterThanOrEqual(5 * 2 ** i - 2);
      for (let i = 4; i < gaps.length; i++) {
        const ratio = (gaps[i] ?? 0) / (gaps[i - 1] ?? 1);
        expect(ratio).toBeGreaterThan(1.5);
        expect(ratio).toBeLessThan(2.6);
      }
      // attempts over time: 9 attempts need ~1.3 s, not 9 tight retries
      expect((times[8] ?? 0) - windowStart).toBeGreaterThan(1200);
    } finally {
      await m.stop();
    }
  });

  it("level-triggered: rapid updates coalesce into fewer reconciles that end with the final state", async () => {
    const m = miniManager("test=level");
    const seenValues: string[] = [];
    controllerManagedBy(m.mgr)
      .for(cmType)
      .named("level-it")
      .complete(
        reconcilerFunc(async (ctx, req) => {
          const obj = await m.cache.get<KubeObject & { data?: Record<string, string> }>({ group: "", version: "v1", kind: "ConfigMap" }, req.namespace, req.name, { signal: ctx.signal });
          seenValues.push(obj.data?.["n"] ?? "");
          await sleep(100); // slow reconciler: events pile up meanwhile
        }),
      );
    m.start();
    try {
      let cur = await client.create({ ...cmType, metadata: { name: "counter", namespace: ns, labels: { test: "level" } }, data: { n: "0" } });
      await until(() => seenValues.length >= 1);
      const updates = 40;
      for (let i = 1; i <= updates; i++) cur = await client.update({ ...cur, data: { n: String(i) } });
      await until(() => seenValues.at(-1) === String(updates));
      await sleep(300);
      expect(seenValues.at(-1)).toBe(String(updates));
      expect(seenValues.length).toBeLessThan(updates / 2);
    } finally {
      await m.stop();
    }
  });
});

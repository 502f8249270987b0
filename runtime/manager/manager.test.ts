/**
 * The manager against the local control plane: probes, metrics, leader election (elected, lost lease),
 * graceful shutdown, and an API server that is unreachable at start.
 */
import { createServer } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../client/client.js";
import { StaticRESTMapper } from "../client/restmapper.js";
import type { Runnable } from "../controller/runnable.js";
import type { Lease } from "../leaderelection/resourcelock.js";
import { startControlPlane, type RunningControlPlane } from "../testing/index.js";
import { RateLimitingQueue } from "../workqueue/ratelimiting.js";
import { silentLogger } from "./logger.js";
import { GracefulShutdownTimeoutError, LeaderElectionLostError, Manager, parseBindAddress, type ManagerOptions } from "./manager.js";

let cp: RunningControlPlane;
let client: Client;

beforeAll(async () => {
  cp = await startControlPlane();
  client = new Client(cp.kubeConfig, { qps: 0 });
});
afterAll(async () => {
  client?.close();
  await cp?.stop();
});

const le = { leaseDuration: 1000, renewDeadline: 700, retryPeriod: 200 };
let leaseSeq = 0;

function manager(extra: Partial<ManagerOptions> = {}): Manager {
  return new Manager({
    kubeConfig: cp.kubeConfig,
    metricsBindAddress: "127.0.0.1:0",
    healthProbeBindAddress: "127.0.0.1:0",
    logger: silentLogger,
    registry: undefined,
    ...extra,
  });
}

async function get(port: number | undefined, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

async function until(cond: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (!(await cond())) {
    if (performance.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A runnable that records its life and takes `stopMs` to stop after its signal aborts (Infinity: never). */
function runnable(needLeader: boolean, stopMs = 0): Runnable & { needLeaderElection(): boolean; started: boolean; stopped: boolean; signal: AbortSignal | undefined } {
  const r = {
    started: false,
    stopped: false,
    signal: undefined as AbortSignal | undefined,
    needLeaderElection: () => needLeader,
    async start(signal: AbortSignal): Promise<void> {
      r.started = true;
      r.signal = signal;
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      if (stopMs === Infinity) await new Promise(() => {});
      await new Promise((res) => setTimeout(res, stopMs));
      r.stopped = true;
    },
  };
  return r;
}

function getLease(name: string): Promise<Lease> {
  return client.get<Lease>({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", namespace: "default", name });
}

describe("parseBindAddress", () => {
  it("parses controller-runtime's forms", () => {
    expect(parseBindAddress("0")).toBeUndefined();
    expect(parseBindAddress("")).toBeUndefined();
    expect(parseBindAddress(":8080")).toEqual({ host: undefined, port: 8080 });
    expect(parseBindAddress("127.0.0.1:0")).toEqual({ host: "127.0.0.1", port: 0 });
    expect(parseBindAddress("[::1]:9090")).toEqual({ host: "::1", port: 9090 });
    expect(() => parseBindAddress("8080")).toThrow("invalid bind address");
  });
});

describe("Manager", () => {
  it("serves /healthz, /readyz (after cache sync) and /metrics with controller-runtime names; runs runnables by group; shuts down gracefully and releases the lease", async () => {
    const id = `mgr-${++leaseSeq}`;
    const mgr = manager({ leaderElection: { id, namespace: "default", ...le } });
    const leaderOnly = runnable(true, 50);
    const everywhere = runnable(false, 50);
    mgr.add(leaderOnly);
    mgr.add(everywhere);
    mgr.addHealthzCheck("ping", () => {});
    let ready = false;
    mgr.addReadyzCheck("custom", () => {
      if (!ready) throw new Error("not yet");
    });
    await mgr.cache.getInformer({ group: "", version: "v1", kind: "ConfigMap" });
    const ac = new AbortController();
    const started = mgr.start(ac.signal);
    const { metrics, healthProbe } = await mgr.listening();
    expect((await get(healthProbe?.port, "/healthz")).body).toBe("ok");
    await mgr.elected();
    expect(everywhere.started && leaderOnly.started).toBe(true);
    // custom check failing → 500, with kube-style lines
    const notReady = await get(healthProbe?.port, "/readyz");
    expect(notReady.status).toBe(500);
    expect(notReady.body).toContain("[+]cache-sync ok");
    expect(notReady.body).toContain("[-]custom failed: reason withheld");
    expect((await get(healthProbe?.port, "/readyz?verbose")).body).toContain("[-]custom failed: not yet");
    ready = true;
    expect(await get(healthProbe?.port, "/readyz")).toEqual({ status: 200, body: "ok" });
    expect((await get(healthProbe?.port, "/readyz/cache-sync")).status).toBe(200);
    expect((await get(healthProbe?.port, "/readyz/nope")).status).toBe(404);

    // metrics: a named queue reports through the manager's provider; controller metrics are registered
    const q = new RateLimitingQueue<string>({ name: "demo" });
    q.add("a");
    q.add("b");
    mgr.controllerMetricsProvider.newReconcileTotal("demo", "success").inc();
    const m = await get(metrics?.port, "/metrics");
    expect(m.status).toBe(200);
    expect(m.body).toContain('workqueue_depth{name="demo",controller="demo",priority=""} 2');
    expect(m.body).toContain('workqueue_adds_total{name="demo",controller="demo"} 2');
    expect(m.body).toContain(`leader_election_master_status{name="${id}"} 1`);
    expect(m.body).toContain('controller_runtime_reconcile_total{controller="demo",result="success"} 1');
    expect(m.body).toContain("# TYPE workqueue_queue_duration_seconds histogram");
    expect(m.body).toContain("process_cpu_user_seconds_total");
    q.shutDown();

    const t0 = performance.now();
    ac.abort();
    await started;
    const shutdownMs = performance.now() - t0;
    expect(leaderOnly.stopped && everywhere.stopped).toBe(true);
    expect(shutdownMs).toBeLessThan(2000);
    expect((await getLease(id)).spec).toMatchObject({ holderIdentity: "", leaseDurationSeconds: 1 });
    await expect(fetch(`http://127.0.0.1:${healthProbe?.port}/healthz`)).rejects.toThrow();
  });

  it("a follower runs only its non-leader runnables until the leader shuts down, then takes over", async () => {
    const id = `mgr-${++leaseSeq}`;
    const a = manager({ leaderElection: { id, namespace: "default", ...le } });
    const b = manager({ leaderElection: { id, namespace: "default", ...le } });
    const aLeader = runnable(true);
    const bLeader = runnable(true);
    const bEverywhere = runnable(false);
    a.add(aLeader);
    b.add(bLeader);
    b.add(bEverywhere);
    const acA = new AbortController();
    const acB = new AbortController();
    const runA = a.start(acA.signal);
    await a.elected();
    const runB = b.start(acB.signal);
    await until(() => bEverywhere.started, 5000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(bLeader.started).toBe(false);
    const t0 = performance.now();
    acA.abort();
    await runA;
    await b.elected();
    const handoff = performance.now() - t0;
    console.log(`manager graceful handoff: ${Math.round(handoff)} ms`);
    expect(handoff).toBeLessThan(1500);
    expect(bLeader.started).toBe(true);
    acB.abort();
    await runB;
  });

  it("waits at most gracefulShutdownTimeout for runnables, then rejects", async () => {
    const mgr = manager({ gracefulShutdownTimeout: 300 });
    mgr.add(runnable(false, Infinity));
    const ac = new AbortController();
    const started = mgr.start(ac.signal);
    await mgr.elected();
    const t0 = performance.now();
    ac.abort();
    await expect(started).rejects.toBeInstanceOf(GracefulShutdownTimeoutError);
    const ms = performance.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(1500);
  });

  it("a runnable that fails stops the manager with its error", async () => {
    const mgr = manager({});
    mgr.add({ needLeaderElection: () => false, start: () => Promise.reject(new Error("boom")) } as Runnable);
    await expect(mgr.start(new AbortController().signal)).rejects.toThrow("boom");
  });

  it("a stolen lease stops the leader-only runnables and start() rejects with LeaderElectionLostError", async () => {
    const id = `mgr-${++leaseSeq}`;
    const mgr = manager({ leaderElection: { id, namespace: "default", ...le } });
    const leaderOnly = runnable(true, 0);
    mgr.add(leaderOnly);
    const ac = new AbortController();
    const started = mgr.start(ac.signal);
    const outcome = started.then(
      () => "resolved",
      (e: unknown) => e,
    );
    await mgr.elected();
    const lease = await getLease(id);
    const now = new Date().toISOString().replace("Z", "000Z");
    await client.update({ ...lease, spec: { ...lease.spec, holderIdentity: "thief", leaseDurationSeconds: 60, acquireTime: now, renewTime: now } });
    const t0 = performance.now();
    const err = await outcome;
    expect(err).toBeInstanceOf(LeaderElectionLostError);
    expect(leaderOnly.signal?.aborted).toBe(true);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect((await getLease(id)).spec?.holderIdentity).toBe("thief");
  });

  it("an unreachable API server at start: keeps retrying, /readyz 500, no crash; ready once the server appears", async () => {
    // a port with nothing listening
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const kc = new KubeConfig();
    const raw = JSON.parse(cp.kubeConfig.exportConfig()) as { clusters: Array<{ cluster: { server: string } }> };
    for (const c of raw.clusters) c.cluster.server = `https://127.0.0.1:${port}`;
    kc.loadFromString(JSON.stringify(raw));
    const restMapper = new StaticRESTMapper([
      { groupVersionKind: { group: "", version: "v1", kind: "ConfigMap" }, resource: { group: "", version: "v1", resource: "configmaps" }, namespaced: true, subresources: [] },
    ]);
    const mgr = new Manager({
      kubeConfig: kc,
      client: { restMapper },
      cache: { reflector: { backoff: { initialMs: 100, maxMs: 400 } } },
      healthProbeBindAddress: "127.0.0.1:0",
      leaderElection: { id: `mgr-${++leaseSeq}`, namespace: "default", ...le },
      logger: silentLogger,
    });
    await mgr.cache.getInformer({ group: "", version: "v1", kind: "ConfigMap" });
    const ac = new AbortController();
    const started = mgr.start(ac.signal);
    const { healthProbe } = await mgr.listening();
    await new Promise((r) => setTimeout(r, 1500));
    expect((await get(healthProbe?.port, "/healthz")).status).toBe(200);
    const r = await get(healthProbe?.port, "/readyz");
    expect(r.status).toBe(500);
    expect(r.body).toContain("[-]cache-sync failed");
    // the server comes up on that port: the manager syncs and is elected
    const late = await startControlPlane({ port });
    try {
      await until(async () => (await get(healthProbe?.port, "/readyz")).status === 200, 10_000);
      await mgr.elected();
      ac.abort();
      await started;
    } finally {
      await late.stop();
    }
  });
});

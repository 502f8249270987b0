import { afterEach, describe, expect, it } from "vitest";
import type { KubeObject } from "../core/object.js";
import { enqueueRequestForObject } from "../handler/index.js";
import { reconcilerFunc, silentLogger, TerminalError, type ReconcileContext, type Request, type Result } from "../reconcile/index.js";
import { ChannelSource, GenericEventChannel, type Source } from "../source/index.js";
import { ItemExponentialFailureRateLimiter } from "../workqueue/index.js";
import { Controller, controllerMetrics, isPanic, needsLeaderElection, type ControllerMetricsProvider, type ControllerOptions } from "./index.js";

const obj = (name: string, namespace = "ns"): KubeObject => ({ metadata: { name, namespace } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(2);
  }
};

interface Harness {
  ctrl: Controller;
  ch: GenericEventChannel;
  stop: AbortController;
  done: Promise<void>;
  counts: Map<string, number>;
}
const running: Harness[] = [];
afterEach(async () => {
  for (const h of running.splice(0)) {
    h.stop.abort();
    await h.done.catch(() => {});
  }
});

function recordingMetrics(): { provider: ControllerMetricsProvider; values: Map<string, number> } {
  const values = new Map<string, number>();
  const bump = (k: string, d: number) => values.set(k, (values.get(k) ?? 0) + d);
  const counter = (k: string) => ({ inc: () => bump(k, 1) });
  return {
    values,
    provider: {
      newReconcileTotal: (c, r) => counter(`total/${r}`),
      newReconcileErrors: () => counter("errors"),
      newTerminalReconcileErrors: () => counter("terminal"),
      newReconcilePanics: () => counter("panics"),
      newReconcileTime: () => ({ observe: () => bump("time", 1) }),
      newActiveWorkers: () => ({ inc: () => bump("active", 1), dec: () => bump("active", -1) }),
      newMaxConcurrentReconciles: () => ({ set: (v: number) => values.set("max", v) }),
    },
  };
}

function start(fn: (ctx: ReconcileContext, req: Request) => Promise<Result | void>, opts: Partial<ControllerOptions> = {}, extra: Source[] = []): Harness {
  const counts = new Map<string, number>();
  const ctrl = new Controller({
    name: "test",
    logger: silentLogger,
    ...opts,
    reconciler: reconcilerFunc(async (ctx, req) => {
      counts.set(req.name, (counts.get(req.name) ?? 0) + 1);
      return fn(ctx, req);
    }),
  });
  const ch = new GenericEventChannel();
  void ctrl.watch(new ChannelSource({ events: ch, handler: enqueueRequestForObject(), logger: silentLogger }));
  for (const s of extra) void ctrl.watch(s);
  const stop = new AbortController();
  const done = ctrl.start(stop.signal);
  const h = { ctrl, ch, stop, done, counts };
  running.push(h);
  return h;
}

describe("Controller", () => {
  it("never reconciles the same request on two workers at once (maxConcurrentReconciles=4) and coalesces adds", async () => {
    const inFlight = new Set<string>();
    let maxParallel = 0;
    let overlap = false;
    const m = recordingMetrics();
    const h = start(
      async (_ctx, req) => {
        if (inFlight.has(req.name)) overlap = true;
        inFlight.add(req.name);
        maxParallel = Math.max(maxParallel, inFlight.size);
        await sleep(5);
        inFlight.delete(req.name);
      },
      { maxConcurrentReconciles: 4, metricsProvider: m.provider },
    );
    for (let round = 0; round < 20; round++) {
      for (const n of ["a", "b", "c", "d", "e"]) h.ch.send(obj(n));
      await sleep(1);
    }
    await sleep(30);
    await until(() => inFlight.size === 0 && h.counts.size === 5);
    await sleep(20);
    expect(overlap).toBe(false);
    expect(maxParallel).toBeGreaterThan(1);
    expect(maxParallel).toBeLessThanOrEqual(4);
    // 100 events, far fewer reconciles: adds while waiting coalesce, adds while processing re-queue once
    const total = [...h.counts.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeLessThan(100);
    expect(m.values.get("max")).toBe(4);
    expect(m.values.get("active")).toBe(0);
    expect(m.values.get("total/success")).toBe(total);
  });

  it("an error is retried with exponential backoff (5, 10, 20 ms ...) and forgotten on success", async () => {
    const times: number[] = [];
    const m = recordingMetrics();
    const h = start(
      async () => {
        times.push(performance.now());
        if (times.length <= 4) throw new Error("not yet");
      },
      { metricsProvider: m.provider },
    );
    h.ch.send(obj("a"));
    await until(() => times.length === 5);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(4);
    expect(gaps[1]).toBeGreaterThanOrEqual(9);
    expect(gaps[2]).toBeGreaterThanOrEqual(19);
    expect(gaps[3]).toBeGreaterThanOrEqual(39);
    expect(m.values.get("errors")).toBe(4);
    expect(m.values.get("total/error")).toBe(4);
    expect(m.values.get("total/success")).toBe(1);
    // forgotten: the next failure starts from the base delay again
    await sleep(5);
    expect(h.counts.get("a")).toBe(5);
  });

  it("backoff doubles per item with a measurable base (40, 80, 160 ms)", async () => {
    const times: number[] = [];
    const h = start(
      async () => {
        times.push(performance.now());
        throw new Error("always");
      },
      { rateLimiter: new ItemExponentialFailureRateLimiter(40, 10_000) },
    );
    h.ch.send(obj("a"));
    await until(() => times.length === 4);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    for (const [i, want] of [40, 80, 160].entries()) {
      expect(gaps[i]).toBeGreaterThanOrEqual(want - 2);
      expect(gaps[i]).toBeLessThan(want + 60);
    }
  });

  it("requeueAfter requeues after the delay; requeue uses the limiter", async () => {
    const times: number[] = [];
    const m = recordingMetrics();
    const h = start(
      async (_ctx, req) => {
        if (req.name === "after") {
          times.push(performance.now());
          if (times.length < 3) return { requeueAfter: 50 };
          return;
        }
        if ((h.counts.get("again") ?? 0) < 3) return { requeue: true };
      },
      { metricsProvider: m.provider },
    );
    h.ch.send(obj("after"));
    h.ch.send(obj("again"));
    await until(() => times.length === 3 && h.counts.get("again") === 3);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(48);
    expect((times[2] ?? 0) - (times[1] ?? 0)).toBeGreaterThanOrEqual(48);
    expect(m.values.get("total/requeue_after")).toBe(2);
    expect(m.values.get("total/requeue")).toBe(2);
  });

  it("a TerminalError is not retried, counted as error and terminal error", async () => {
    const m = recordingMetrics();
    const h = start(async () => {
      throw new Error("wrapped", { cause: new TerminalError("spec is invalid") });
    }, { metricsProvider: m.provider });
    h.ch.send(obj("bad"));
    await until(() => h.counts.get("bad") === 1);
    await sleep(60);
    expect(h.counts.get("bad")).toBe(1);
    expect(m.values.get("terminal")).toBe(1);
    expect(m.values.get("errors")).toBe(1);
    // a new event reconciles it again
    h.ch.send(obj("bad"));
    await until(() => h.counts.get("bad") === 2);
  });

  it("thrown non-Errors and programming errors never kill the controller; they are retried and counted as panics", async () => {
    const m = recordingMetrics();
    const h = start(async (_ctx, req) => {
      const n = h.counts.get(req.name) ?? 0;
      if (n === 1) throw "a string";
      if (n === 2) throw undefined;
      if (n === 3) (null as unknown as { x: number }).x;
    }, { metricsProvider: m.provider });
    h.ch.send(obj("p"));
    await until(() => h.counts.get("p") === 4);
    expect(m.values.get("panics")).toBe(3);
    expect(m.values.get("total/success")).toBe(1);
    expect(isPanic(new Error("x"))).toBe(false);
    expect(isPanic(new TypeError("x"))).toBe(true);
    expect(isPanic(42)).toBe(true);
  });

  it("recoverPanic: false stops the controller: start rejects", async () => {
    const h = start(async () => {
      throw "boom";
    }, { recoverPanic: false });
    h.ch.send(obj("p"));
    await expect(h.done).rejects.toThrow(/panicked: boom/);
  });

  it("the reconcile context carries a logger and a signal that aborts on shutdown and on the reconcile timeout", async () => {
    const seen: { id: string; aborted: boolean }[] = [];
    const h = start(async (ctx, req) => {
      if (req.name === "slow") {
        await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
        seen.push({ id: ctx.reconcileID, aborted: ctx.signal.aborted });
      }
    }, { reconcileTimeout: 30 });
    h.ch.send(obj("slow"));
    await until(() => seen.length === 1);
    expect(seen[0]?.aborted).toBe(true);
    expect(seen[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
    // shutdown aborts the signal of in-flight reconciles and start resolves after they return
    const blocked = start(async (ctx) => {
      await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
    });
    blocked.ch.send(obj("x"));
    await until(() => blocked.counts.get("x") === 1);
    blocked.stop.abort();
    await expect(blocked.done).resolves.toBeUndefined();
  });

  it("fails start when a syncing source does not sync within cacheSyncTimeout, naming the source", async () => {
    const never: Source & { waitForSync(s: AbortSignal): Promise<boolean> } = {
      start: async () => {},
      toString: () => "kind source: example.com/v1, Kind=Widget",
      waitForSync: (s) => new Promise((resolve) => s.addEventListener("abort", () => resolve(false), { once: true })),
    };
    const h = start(async () => {}, { cacheSyncTimeout: 50 }, [never]);
    await expect(h.done).rejects.toThrow(/timed out waiting for cache to be synced for kind source: example\.com\/v1, Kind=Widget after 50 ms/);
  });

  it("does not start workers before sources sync; a second start rejects; shutdown during sync resolves", async () => {
    let release: (v: boolean) => void = () => {};
    const gate: Source & { waitForSync(): Promise<boolean> } = { start: async () => {}, toString: () => "gate", waitForSync: () => new Promise((r) => (release = r)) };
    const h = start(async () => {}, {}, [gate]);
    h.ch.send(obj("a"));
    await sleep(30);
    expect(h.counts.get("a")).toBeUndefined();
    release(true);
    await until(() => h.counts.get("a") === 1);
    await expect(h.ctrl.start(new AbortController().signal)).rejects.toThrow(/started more than once/);

    const g2: Source & { waitForSync(s: AbortSignal): Promise<boolean> } = { start: async () => {}, toString: () => "g2", waitForSync: (s) => new Promise((r) => s.addEventListener("abort", () => r(false))) };
    const h2 = start(async () => {}, {}, [g2]);
    await sleep(10);
    h2.stop.abort();
    await expect(h2.done).resolves.toBeUndefined();
  });

  it("watch after start starts the source at once; leader election defaults to true", async () => {
    const h = start(async () => {});
    await sleep(5);
    const ch2 = new GenericEventChannel();
    await h.ctrl.watch(new ChannelSource({ events: ch2, handler: enqueueRequestForObject(), logger: silentLogger }));
    ch2.send(obj("late"));
    await until(() => h.counts.get("late") === 1);
    expect(needsLeaderElection(h.ctrl)).toBe(true);
    expect(needsLeaderElection(new Controller({ name: "x", reconciler: reconcilerFunc(async () => {}), needLeaderElection: false }))).toBe(false);
    expect(needsLeaderElection({ start: async () => {} })).toBe(true);
    expect(() => new Controller({ name: "", reconciler: reconcilerFunc(async () => {}) })).toThrow(/name/);
    expect(() => new Controller({ name: "x", reconciler: reconcilerFunc(async () => {}), maxConcurrentReconciles: 0 })).toThrow(RangeError);
  });

  it("exports the metric descriptors with controller-runtime names", () => {
    expect(controllerMetrics.map((m) => m.name).sort()).toEqual([
      "controller_runtime_active_workers",
      "controller_runtime_max_concurrent_reconciles",
      "controller_runtime_reconcile_errors_total",
      "controller_runtime_reconcile_panics_total",
      "controller_runtime_reconcile_time_seconds",
      "controller_runtime_reconcile_total",
      "controller_runtime_terminal_reconcile_errors_total",
    ]);
    expect(controllerMetrics.find((m) => m.name === "controller_runtime_reconcile_total")?.labelNames).toEqual(["controller", "result"]);
  });

  it("names the work queue after the controller", async () => {
    const names: string[] = [];
    const { noopMetricsProvider } = await import("../workqueue/index.js");
    const qp = { ...noopMetricsProvider, newDepthMetric: (n: string) => (names.push(n), { inc() {}, dec() {} }) };
    const h = start(async () => {}, { name: "my-controller", queueMetricsProvider: qp });
    h.ch.send(obj("a"));
    await until(() => h.counts.get("a") === 1);
    expect(names).toEqual(["my-controller"]);
  });
});

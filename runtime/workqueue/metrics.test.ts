import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DelayingQueue } from "./delaying.js";
import {
  exponentialBuckets,
  getMetricsProvider,
  noopMetricsProvider,
  setMetricsProvider,
  workqueueDurationBuckets,
  workqueueMetrics,
  type MetricsProvider,
} from "./metrics.js";
import { Queue, type GetResult } from "./queue.js";
import { RateLimitingQueue } from "./ratelimiting.js";
import { ItemExponentialFailureRateLimiter } from "./limiters.js";

function itemOf<T>(r: GetResult<T>): T {
  if (r.shutdown) throw new Error("unexpected shutdown");
  return r.item;
}

interface Recorded {
  depth: number;
  adds: number;
  retries: number;
  latency: number[];
  workDuration: number[];
  unfinished: number | undefined;
  longest: number | undefined;
}

/** A provider that records into plain objects, one per queue name. */
function recordingProvider(): MetricsProvider & { queues: Map<string, Recorded> } {
  const queues = new Map<string, Recorded>();
  const of = (name: string): Recorded => {
    let r = queues.get(name);
    if (!r) {
      r = { depth: 0, adds: 0, retries: 0, latency: [], workDuration: [], unfinished: undefined, longest: undefined };
      queues.set(name, r);
    }
    return r;
  };
  return {
    queues,
    newDepthMetric: (n) => {
      const r = of(n);
      return { inc: () => void r.depth++, dec: () => void r.depth-- };
    },
    newAddsMetric: (n) => {
      const r = of(n);
      return { inc: () => void r.adds++ };
    },
    newLatencyMetric: (n) => {
      const r = of(n);
      return { observe: (v) => void r.latency.push(v) };
    },
    newWorkDurationMetric: (n) => {
      const r = of(n);
      return { observe: (v) => void r.workDuration.push(v) };
    },
    newUnfinishedWorkSecondsMetric: (n) => {
      const r = of(n);
      return { set: (v) => void (r.unfinished = v) };
    },
    newLongestRunningProcessorSecondsMetric: (n) => {
      const r = of(n);
      return { set: (v) => void (r.longest = v) };
    },
    newRetriesMetric: (n) => {
      const r = of(n);
      return { inc: () => void r.retries++ };
    },
  };
}

describe("work queue metrics", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    setMetricsProvider(noopMetricsProvider);
  });

  it("records depth, adds, queue latency and work duration (seconds)", async () => {
    const p = recordingProvider();
    const q = new Queue<string>({ name: "test", metricsProvider: p });
    const m = p.queues.get("test");
    expect(m).toBeDefined();
    if (!m) return;

    q.add("a");
    q.add("b");
    q.add("a"); // already waiting: not counted
    expect(m).toMatchObject({ depth: 2, adds: 2 });
    vi.advanceTimersByTime(250);
    const a = itemOf(await q.get());
    expect(m.depth).toBe(1);
    expect(m.latency).toEqual([0.25]);
    vi.advanceTimersByTime(1500);
    q.done(a);
    expect(m.workDuration).toEqual([1.5]);
    q.done(itemOf(await q.get()));
    expect(m.depth).toBe(0);
    expect(m.latency).toEqual([0.25, 1.75]);
    q.shutDown();
  });

  it("counts an add while processing once, with its latency from that add", async () => {
    const p = recordingProvider();
    const q = new Queue<string>({ name: "reprocess", metricsProvider: p });
    const m = p.queues.get("reprocess");
    if (!m) throw new Error("no metrics");
    q.add("x");
    const x = itemOf(await q.get());
    vi.advanceTimersByTime(100);
    q.add("x");
    q.add("x");
    expect(m).toMatchObject({ depth: 1, adds: 2 });
    vi.advanceTimersByTime(100);
    q.done(x);
    itemOf(await q.get());
    expect(m.depth).toBe(0);
    expect(m.latency).toEqual([0, 0.1]);
    q.shutDown();
  });

  it("updates unfinished work and the longest running processor every 500 ms", async () => {
    const p = recordingProvider();
    const q = new Queue<string>({ name: "slow", metricsProvider: p });
    const m = p.queues.get("slow");
    if (!m) throw new Error("no metrics");
    q.add("a");
    q.add("b");
    itemOf(await q.get());
    vi.advanceTimersByTime(1000);
    const b = itemOf(await q.get());
    vi.advanceTimersByTime(500);
    // a has run 1.5 s, b 0.5 s.
    expect(m.unfinished).toBeCloseTo(2, 9);
    expect(m.longest).toBeCloseTo(1.5, 9);
    q.done(b);
    vi.advanceTimersByTime(500);
    expect(m.unfinished).toBeCloseTo(2, 9);
    expect(m.longest).toBeCloseTo(2, 9);
    q.shutDown();
    expect(vi.getTimerCount()).toBe(0); // the update loop stops with the queue
  });

  it("counts retries on addAfter and addRateLimited", () => {
    const p = recordingProvider();
    const q = new RateLimitingQueue<string>({ name: "retry", metricsProvider: p, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000) });
    q.addAfter("a", 10);
    q.addAfter("b", 0);
    q.addRateLimited("c");
    expect(p.queues.get("retry")?.retries).toBe(3);
    q.shutDown();
  });

  it("records nothing and starts no timer without a name or with the no-op provider", () => {
    const p = recordingProvider();
    const unnamed = new DelayingQueue<string>({ metricsProvider: p });
    unnamed.add("a");
    expect(p.queues.size).toBe(0);
    const noop = new Queue<string>({ name: "noop" });
    noop.add("a");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("uses the global provider set before the queue is created", () => {
    const p = recordingProvider();
    expect(getMetricsProvider()).toBe(noopMetricsProvider);
    setMetricsProvider(p);
    expect(getMetricsProvider()).toBe(p);
    const q = new Queue<string>({ name: "global" });
    q.add("a");
    expect(p.queues.get("global")?.adds).toBe(1);
    q.shutDown();
  });

  it("describes controller-runtime's seven metric families", () => {
    expect(workqueueMetrics.map((m) => m.name)).toEqual([
      "workqueue_depth",
      "workqueue_adds_total",
      "workqueue_queue_duration_seconds",
      "workqueue_work_duration_seconds",
      "workqueue_unfinished_work_seconds",
      "workqueue_longest_running_processor_seconds",
      "workqueue_retries_total",
    ]);
    const provider = recordingProvider();
    for (const m of workqueueMetrics) {
      expect(typeof provider[m.providerMethod]).toBe("function");
      expect(m.labelNames.slice(0, 2)).toEqual(["name", "controller"]);
      expect(m.buckets !== undefined).toBe(m.type === "histogram");
    }
    expect(workqueueDurationBuckets).toHaveLength(12);
    expect(workqueueDurationBuckets[0]).toBeCloseTo(1e-8, 20);
    expect(workqueueDurationBuckets[11]).toBeCloseTo(1000, 6);
    expect(exponentialBuckets(1, 2, 4)).toEqual([1, 2, 4, 8]);
  });
});

/** The client-side token bucket: unit behaviour on a fake clock, and measured spacing of real requests. */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startControlPlane, type RunningControlPlane } from "../testing/index.js";
import { Client, TokenBucket, defaultBurst, defaultQPS, rateLimiterFor, unlimited } from "./index.js";

describe("TokenBucket", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("starts full, refills at qps, caps at burst", () => {
    let now = 0;
    const b = new TokenBucket(10, 3, () => now);
    expect([b.tryAccept(), b.tryAccept(), b.tryAccept(), b.tryAccept()]).toEqual([true, true, true, false]);
    now += 100; // one token
    expect(b.tryAccept()).toBe(true);
    expect(b.tryAccept()).toBe(false);
    now += 10_000; // long idle: still only `burst`
    expect(b.available()).toBe(3);
  });

  it("wait: immediate within the burst, then one token per 1/qps, in order", async () => {
    vi.useFakeTimers();
    let now = 0;
    const b = new TokenBucket(4, 2, () => now); // a token every 250 ms
    const done: number[] = [];
    const waits = [0, 1, 2, 3].map((i) => b.wait().then(() => done.push(i)));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toEqual([0, 1]);
    now = 249;
    await vi.advanceTimersByTimeAsync(249);
    expect(done).toEqual([0, 1]);
    now = 250;
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toEqual([0, 1, 2]);
    now = 500;
    await vi.advanceTimersByTimeAsync(250);
    expect(done).toEqual([0, 1, 2, 3]);
    await Promise.all(waits);
  });

  it("an aborted wait rejects with the signal's reason and gives its reservation back", async () => {
    vi.useFakeTimers();
    let now = 0;
    const b = new TokenBucket(1, 1, () => now);
    await b.wait();
    const ac = new AbortController();
    const p = b.wait(ac.signal);
    expect(b.available()).toBe(-1);
    ac.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
    expect(b.available()).toBe(0);
    await expect(b.wait(ac.signal)).rejects.toThrow("stop");
    now = 1000;
    expect(b.tryAccept()).toBe(true);
  });

  it("rejects nonsense parameters", () => {
    expect(() => new TokenBucket(0, 1)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0)).toThrow(RangeError);
  });
});

describe("rateLimiterFor", () => {
  it("controller-runtime defaults (20 qps, burst 30); 0 or negative qps is unlimited", () => {
    expect(defaultQPS).toBe(20);
    expect(defaultBurst).toBe(30);
    const d = rateLimiterFor(undefined, undefined);
    expect(d).toBeInstanceOf(TokenBucket);
    expect((d as TokenBucket).qps).toBe(20);
    expect((d as TokenBucket).burst).toBe(30);
    expect(rateLimiterFor(0, 10)).toBe(unlimited);
    expect(rateLimiterFor(-1, 10)).toBe(unlimited);
    expect((rateLimiterFor(5, 0) as TokenBucket).burst).toBe(1);
  });
});

describe("rate limiting real requests", () => {
  let cp: RunningControlPlane;

  beforeAll(async () => {
    cp = await startControlPlane();
  });

  afterAll(async () => {
    await cp?.stop();
  });

  const ns = { apiVersion: "v1", kind: "Namespace", name: "default" } as const;

  it("qps 20, burst 1: requests are spaced 50 ms apart", async () => {
    const c = new Client(cp.kubeConfig, { qps: 20, burst: 1 });
    try {
      await c.get(ns); // discovery (2 requests) + 1
      const t0 = performance.now();
      for (let i = 0; i < 10; i++) await c.get(ns);
      const elapsed = performance.now() - t0;
      expect(elapsed).toBeGreaterThanOrEqual(10 * 50 - 20);
      expect(elapsed).toBeLessThan(10 * 50 + 1500); // generous: CI machines are busy
    } finally {
      c.close();
    }
  });

  it("defaults: a burst of 30 goes out at once, the rest at 20 per second", async () => {
    const c = new Client(cp.kubeConfig);
    try {
      // open 28 keep-alive connections first (TLS handshakes would dominate the timing), then let the bucket refill
      await Promise.all(Array.from({ length: 28 }, () => c.get(ns)));
      await new Promise((r) => setTimeout(r, 1600));
      const t0 = performance.now();
      const finished = await Promise.all(Array.from({ length: 40 }, () => c.get(ns).then(() => performance.now() - t0)));
      finished.sort((a, b) => a - b);
      // 30 at once (with burst 1 the 30th would need 1.45 s), then one more every 50 ms: lower bounds are what
      // the limiter guarantees (a busy machine only makes requests later)
      expect(finished[29] ?? Infinity).toBeLessThan(1000);
      for (let k = 1; k <= 10; k++) expect(finished[29 + k] ?? 0).toBeGreaterThanOrEqual(k * 50 - 20);
      expect(finished[39] ?? Infinity).toBeLessThan(10 * 50 + 1500);
    } finally {
      c.close();
    }
  });

  it("qps 0: unlimited", async () => {
    const c = new Client(cp.kubeConfig, { qps: 0 });
    try {
      await c.get(ns);
      const t0 = performance.now();
      await Promise.all(Array.from({ length: 100 }, () => c.get(ns)));
      expect(performance.now() - t0).toBeLessThan(2500); // the default limiter would need 3.5 s
    } finally {
      c.close();
    }
  });
});

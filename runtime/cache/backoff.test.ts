import { afterEach, describe, expect, it, vi } from "vitest";
import { ExponentialBackoff, sleep } from "./backoff.js";

describe("ExponentialBackoff", () => {
  it("doubles from 800 ms to a 30 s cap (client-go's reflector parameters)", () => {
    const b = new ExponentialBackoff({ random: () => 0, now: () => 0 });
    expect(Array.from({ length: 9 }, () => b.next())).toEqual([800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000]);
  });

  it("adds up to 100 % jitter of the base", () => {
    const b = new ExponentialBackoff({ random: () => 0.5, now: () => 0 });
    expect(Array.from({ length: 8 }, () => b.next())).toEqual([1200, 2400, 4800, 9600, 19200, 38400, 45000, 45000]);
    const max = new ExponentialBackoff({ random: () => 0.999999, now: () => 0 });
    for (let i = 0; i < 10; i++) expect(max.next()).toBeLessThan(60_000);
  });

  it("starts over after two minutes without a backoff, and on reset()", () => {
    let now = 0;
    const b = new ExponentialBackoff({ random: () => 0, now: () => now });
    b.next();
    b.next();
    now += 60_000;
    expect(b.next()).toBe(3200);
    now += 120_001;
    expect(b.next()).toBe(800);
    b.next();
    b.reset();
    expect(b.next()).toBe(800);
  });

  it("rejects nonsense parameters", () => {
    expect(() => new ExponentialBackoff({ initialMs: 0 })).toThrow(RangeError);
    expect(() => new ExponentialBackoff({ initialMs: 10, maxMs: 5 })).toThrow(RangeError);
  });
});

describe("sleep", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("resolves after the delay, or at once on abort", async () => {
    vi.useFakeTimers();
    const ac = new AbortController();
    let done = false;
    void sleep(1000, ac.signal).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    let aborted = false;
    void sleep(60_000, ac.signal).then(() => (aborted = true));
    ac.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(aborted).toBe(true);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ItemExponentialFailureRateLimiter } from "./limiters.js";
import type { GetResult } from "./queue.js";
import { RateLimitingQueue } from "./ratelimiting.js";

function itemOf<T>(r: GetResult<T>): T {
  if (r.shutdown) throw new Error("unexpected shutdown");
  return r.item;
}

describe("RateLimitingQueue", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("delays by the limiter, counts requeues, and forget resets them", () => {
    const q = new RateLimitingQueue<string>({ rateLimiter: new ItemExponentialFailureRateLimiter(1, 1000) });
    q.addRateLimited("one");
    expect(q.waitingLen()).toBe(1);
    q.addRateLimited("one");
    expect(q.waitingLen()).toBe(1); // still waiting: the later (2 ms) ready time is ignored
    expect(q.numRequeues("one")).toBe(2);
    q.addRateLimited("two");
    expect(q.waitingLen()).toBe(2);
    expect(q.numRequeues("two")).toBe(1);

    vi.advanceTimersByTime(1);
    expect(q.len()).toBe(2);
    expect(q.waitingLen()).toBe(0);

    q.forget("one");
    expect(q.numRequeues("one")).toBe(0);
    expect(q.numRequeues("two")).toBe(1);
  });

  it("retries with growing delays until forgotten: 5, 10, 20 ms", async () => {
    const q = new RateLimitingQueue<string>({ rateLimiter: new ItemExponentialFailureRateLimiter(5, 1_000_000) });
    q.add("x");
    const readyAfter: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const item = itemOf(await q.get());
      q.addRateLimited(item); // processing failed
      q.done(item);
      let waited = 0;
      while (q.len() === 0) {
        vi.advanceTimersByTime(1);
        waited++;
      }
      readyAfter.push(waited);
    }
    expect(readyAfter).toEqual([5, 10, 20]);
    const item = itemOf(await q.get());
    q.forget(item); // success
    q.done(item);
    q.addRateLimited("x");
    expect(q.numRequeues("x")).toBe(1);
    vi.advanceTimersByTime(5);
    expect(q.len()).toBe(1);
  });

  it("uses the default controller limiter when none is given (5 ms first retry)", () => {
    const q = new RateLimitingQueue<string>();
    q.addRateLimited("x");
    vi.advanceTimersByTime(4);
    expect(q.len()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(q.len()).toBe(1);
  });

  it("keys the limiter by keyOf, so equal requests share their backoff", () => {
    interface Req {
      namespace: string;
      name: string;
    }
    const q = new RateLimitingQueue<Req>({ keyOf: (r) => `${r.namespace}/${r.name}`, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000) });
    q.addRateLimited({ namespace: "ns", name: "a" });
    q.addRateLimited({ namespace: "ns", name: "a" });
    q.addRateLimited({ namespace: "ns", name: "a" });
    expect(q.numRequeues({ namespace: "ns", name: "a" })).toBe(3);
    expect(q.numRequeues({ namespace: "ns", name: "b" })).toBe(0);
    q.forget({ namespace: "ns", name: "a" });
    expect(q.numRequeues({ namespace: "ns", name: "a" })).toBe(0);
  });

  it("ignores addRateLimited after shutdown", async () => {
    const q = new RateLimitingQueue<string>();
    q.shutDown();
    q.addRateLimited("x");
    vi.advanceTimersByTime(1000);
    expect(q.len()).toBe(0);
    expect(await q.get()).toEqual({ shutdown: true });
  });
});

import { describe, expect, it } from "vitest";
import type { Clock } from "./clock.js";
import {
  BucketRateLimiter,
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  ItemFastSlowRateLimiter,
  MaxOfRateLimiter,
  WithMaxWaitRateLimiter,
} from "./limiters.js";

/** A clock that only moves when told to. */
function manualClock(): Clock & { step(ms: number): void } {
  let t = 0;
  return { now: () => t, step: (ms) => void (t += ms) };
}

describe("ItemExponentialFailureRateLimiter", () => {
  it("doubles per failure of an item, independently per item", () => {
    const l = new ItemExponentialFailureRateLimiter(1, 1000);
    expect([1, 2, 3, 4, 5].map(() => l.when("one"))).toEqual([1, 2, 4, 8, 16]);
    expect(l.numRequeues("one")).toBe(5);
    expect([l.when("two"), l.when("two")]).toEqual([1, 2]);
    expect(l.numRequeues("two")).toBe(2);
    l.forget("one");
    expect(l.numRequeues("one")).toBe(0);
    expect(l.when("one")).toBe(1);
    expect(l.numRequeues("two")).toBe(2);
  });

  it("caps at the maximum: 5 ms, 10 ms, 20 ms, ... up to 1000 s", () => {
    const l = new ItemExponentialFailureRateLimiter(5, 1_000_000);
    const seq = Array.from({ length: 20 }, () => l.when("x"));
    expect(seq.slice(0, 5)).toEqual([5, 10, 20, 40, 80]);
    expect(seq[17]).toBe(5 * 2 ** 17); // 655.36 s, the last step under the cap
    expect(seq[18]).toBe(1_000_000);
    expect(seq[19]).toBe(1_000_000);
  });

  it("stays at the cap however many failures (no overflow to Infinity or NaN)", () => {
    const l = new ItemExponentialFailureRateLimiter(5, 1_000_000);
    let last = 0;
    for (let i = 0; i < 5000; i++) last = l.when("x");
    expect(last).toBe(1_000_000);
    expect(l.numRequeues("x")).toBe(5000);
  });

  it("rejects invalid arguments", () => {
    expect(() => new ItemExponentialFailureRateLimiter(-1, 10)).toThrow(RangeError);
    expect(() => new ItemExponentialFailureRateLimiter(1, Number.NaN)).toThrow(RangeError);
  });
});

describe("ItemFastSlowRateLimiter", () => {
  it("is fast for the first attempts, then slow; forget starts over", () => {
    const l = new ItemFastSlowRateLimiter(5, 10_000, 3);
    expect([1, 2, 3, 4, 5].map(() => l.when("one"))).toEqual([5, 5, 5, 10_000, 10_000]);
    expect(l.numRequeues("one")).toBe(5);
    expect([l.when("two"), l.when("two")]).toEqual([5, 5]);
    expect(l.numRequeues("two")).toBe(2);
    l.forget("one");
    expect(l.numRequeues("one")).toBe(0);
    expect(l.when("one")).toBe(5);
  });
});

describe("MaxOfRateLimiter", () => {
  it("waits the longest of its limiters and forgets in all of them", () => {
    const l = new MaxOfRateLimiter(new ItemFastSlowRateLimiter(5, 3000, 3), new ItemExponentialFailureRateLimiter(1, 1000));
    expect([1, 2, 3, 4, 5].map(() => l.when("one"))).toEqual([5, 5, 5, 3000, 3000]);
    expect(l.numRequeues("one")).toBe(5);
    expect([l.when("two"), l.when("two")]).toEqual([5, 5]);
    expect(l.numRequeues("two")).toBe(2);
    l.forget("one");
    expect(l.numRequeues("one")).toBe(0);
    expect(l.when("one")).toBe(5);
  });

  it("asks every limiter each time (each counts the failure)", () => {
    const exp = new ItemExponentialFailureRateLimiter(1, 1000);
    const l = new MaxOfRateLimiter(new ItemFastSlowRateLimiter(500, 500, 100), exp);
    for (let i = 0; i < 4; i++) l.when("k");
    expect(exp.numRequeues("k")).toBe(4);
    expect(l.when("k")).toBe(500); // exp would say 16
    for (let i = 0; i < 5; i++) l.when("k");
    expect(l.when("k")).toBe(1000); // exp: 1 * 2^10 capped at 1000 > 500
  });

  it("with no limiters never waits", () => {
    const l = new MaxOfRateLimiter();
    expect(l.when("x")).toBe(0);
    expect(l.numRequeues("x")).toBe(0);
  });
});

describe("BucketRateLimiter", () => {
  it("lets a burst through, then spaces reservations 1/qps apart into the future", () => {
    const clock = manualClock();
    const l = new BucketRateLimiter(10, 100, { clock });
    for (let i = 0; i < 100; i++) expect(l.when()).toBe(0);
    expect([l.when(), l.when(), l.when()].map((d) => Math.round(d))).toEqual([100, 200, 300]);
    // Refill: 1 s at 10 qps pays back the 3 reserved tokens and 7 more.
    clock.step(1000);
    for (let i = 0; i < 7; i++) expect(l.when()).toBe(0);
    expect(Math.round(l.when())).toBe(100);
  });

  it("never holds more than burst tokens", () => {
    const clock = manualClock();
    const l = new BucketRateLimiter(1, 2, { clock });
    clock.step(60_000);
    expect([l.when(), l.when()]).toEqual([0, 0]);
    expect(Math.round(l.when())).toBe(1000);
    expect(Math.round(l.when())).toBe(2000);
  });

  it("is not per item: forget and numRequeues do nothing", () => {
    const l = new BucketRateLimiter(10, 1, { clock: manualClock() });
    expect(l.when()).toBe(0);
    l.forget();
    expect(Math.round(l.when())).toBe(100);
    expect(l.numRequeues()).toBe(0);
  });

  it("with infinite qps never waits; rejects invalid arguments", () => {
    const l = new BucketRateLimiter(Number.POSITIVE_INFINITY, 1);
    for (let i = 0; i < 10; i++) expect(l.when()).toBe(0);
    expect(() => new BucketRateLimiter(0, 10)).toThrow(RangeError);
    expect(() => new BucketRateLimiter(10, 0)).toThrow(RangeError);
    expect(() => new BucketRateLimiter(10, 1.5)).toThrow(RangeError);
  });
});

describe("WithMaxWaitRateLimiter", () => {
  it("caps the wrapped limiter's delay", () => {
    const l = new WithMaxWaitRateLimiter(new ItemExponentialFailureRateLimiter(100, 100_000), 500);
    expect([1, 2, 3, 4, 5].map(() => l.when("x"))).toEqual([100, 200, 400, 500, 500]);
    expect(l.numRequeues("x")).toBe(5);
    l.forget("x");
    expect(l.numRequeues("x")).toBe(0);
  });
});

describe("defaultControllerRateLimiter", () => {
  it("is per-item exponential from 5 ms, combined with a 10 qps / burst 100 bucket", () => {
    const clock = manualClock();
    const l = defaultControllerRateLimiter({ clock });
    // One item failing repeatedly: the exponential backoff dominates (the bucket still has tokens).
    expect([1, 2, 3, 4].map(() => l.when("one"))).toEqual([5, 10, 20, 40]);
    expect(l.numRequeues("one")).toBe(4);
    // Many distinct items failing at once: 96 more tokens, then the bucket spaces them 100 ms apart.
    for (let i = 0; i < 96; i++) expect(l.when(`item-${i}`)).toBe(5);
    expect(Math.round(l.when("burst-1"))).toBe(100);
    expect(Math.round(l.when("burst-2"))).toBe(200);
    l.forget("one");
    expect(l.numRequeues("one")).toBe(0);
  });

  it("reaches the 1000 s cap for one item", () => {
    const l = defaultControllerRateLimiter({ clock: manualClock() });
    let d = 0;
    for (let i = 0; i < 30; i++) d = l.when("x");
    expect(d).toBe(1_000_000);
  });
});

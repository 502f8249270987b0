/** waitFor polling and backoff schedules (no server). */
import { describe, expect, it } from "vitest";
import { backoffDelays, defaultBackoff, waitFor, WaitTimeoutError } from "./index.js";

describe("backoffDelays", () => {
  it("has steps-1 sleeps, growing by factor, capped, jittered upward", () => {
    expect(backoffDelays(defaultBackoff, () => 0)).toEqual([10, 50, 250]);
    expect(backoffDelays({ durationMs: 10, factor: 2, jitter: 0.5, steps: 4, capMs: 30 }, () => 1)).toEqual([15, 30, 45]);
    expect(backoffDelays({ durationMs: 10, factor: 2, jitter: 0, steps: 1 })).toEqual([]);
    expect(() => backoffDelays({ durationMs: 10, factor: 1, jitter: 0, steps: 0 })).toThrow(RangeError);
  });
});

describe("waitFor", () => {
  it("resolves once the condition holds", async () => {
    let n = 0;
    await waitFor(() => ++n >= 3, { intervalMs: 1, timeoutMs: 1000 });
    expect(n).toBe(3);
  });

  it("supports async conditions and immediate=false", async () => {
    let n = 0;
    await waitFor(async () => (++n, true), { intervalMs: 1, immediate: false });
    expect(n).toBe(1);
  });

  it("times out with WaitTimeoutError naming what was awaited", async () => {
    const err = await waitFor(() => false, { intervalMs: 5, timeoutMs: 30, description: "the moon to turn blue" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as WaitTimeoutError).message).toBe("timed out after 30 ms waiting for the moon to turn blue");
  });

  it("rejects with the condition's error", async () => {
    const err = await waitFor(() => {
      throw new Error("boom");
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe("boom");
  });

  it("rejects with the signal's reason on abort", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("cancelled")), 10);
    const err = await waitFor(() => false, { intervalMs: 2, signal: ac.signal }).catch((e: unknown) => e);
    expect((err as Error).message).toBe("cancelled");
  });
});

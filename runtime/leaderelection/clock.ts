/**
 * The time source of leader election. Leader election reasons about wall-clock instants it observed locally
 * (never about the remote renewTime), so a clock here is "now in epoch ms" plus a cancellable sleep.
 */

/** Wall-clock time and timers, injectable for tests. */
export interface Clock {
  /** Milliseconds since the Unix epoch (what acquireTime / renewTime are written from). */
  now(): number;
  /**
   * Resolves after `ms` milliseconds, or as soon as `signal` aborts (never rejects). Must not keep the process
   * alive after the signal aborted.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * `Date.now()` and `setTimeout`, looked up on the globals at every call so that `vi.useFakeTimers()` drives
 * leader election in unit tests.
 */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/** client-go's wait.Jitter: `ms` plus a random amount up to `maxFactor * ms`. */
export function jitter(ms: number, maxFactor: number, random: () => number = Math.random): number {
  return maxFactor > 0 ? ms + random() * maxFactor * ms : ms;
}

/** A signal that aborts when `parent` aborts or `ms` have passed on `clock` (the timer is cleared by `dispose`). */
export function timeoutSignal(clock: Clock, parent: AbortSignal, ms: number): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const done = new AbortController();
  const onParent = (): void => ac.abort(parent.reason);
  if (parent.aborted) ac.abort(parent.reason);
  else parent.addEventListener("abort", onParent, { once: true });
  void clock.sleep(ms, done.signal).then(() => {
    if (!done.signal.aborted) ac.abort(new Error(`timed out after ${ms} ms`));
  });
  return {
    signal: ac.signal,
    dispose() {
      done.abort();
      parent.removeEventListener("abort", onParent);
    },
  };
}

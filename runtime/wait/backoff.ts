/**
 * Backoff schedules (k8s.io/apimachinery/pkg/util/wait.Backoff) and the step loop of `wait.ExponentialBackoff`.
 *
 * A backoff of `steps` N calls the condition at most N times, sleeping `durationMs` between calls; after each
 * sleep the duration is multiplied by `factor` (capped at `capMs`). Every sleep is jittered upward by up to
 * `jitter × duration`, as upstream's `wait.Jitter`.
 */

export interface Backoff {
  /** The first sleep (ms). */
  durationMs: number;
  /** Multiplier applied to the duration after each step (1 = constant). */
  factor: number;
  /** Each sleep is `duration + random × jitter × duration` (0 = no jitter). */
  jitter: number;
  /** How many times the condition is tried (≥ 1). */
  steps: number;
  /** Upper bound of the (unjittered) duration; unset = no cap. */
  capMs?: number;
}

/** client-go `retry.DefaultRetry`: 5 tries, 10 ms apart, jitter 0.1 (for conflicts, which resolve fast). */
export const defaultRetry: Readonly<Backoff> = Object.freeze({ durationMs: 10, factor: 1, jitter: 0.1, steps: 5 });

/** client-go `retry.DefaultBackoff`: 4 tries, 10 ms growing ×5, jitter 0.1 (for errors that take longer to clear). */
export const defaultBackoff: Readonly<Backoff> = Object.freeze({ durationMs: 10, factor: 5, jitter: 0.1, steps: 4 });

/**
 * The sleeps of a backoff, in order (`steps - 1` of them: none after the last try). `random` is injectable for
 * tests (default Math.random).
 */
export function backoffDelays(backoff: Backoff, random: () => number = Math.random): number[] {
  validateBackoff(backoff);
  const out: number[] = [];
  let d = backoff.durationMs;
  for (let i = 1; i < backoff.steps; i++) {
    const base = backoff.capMs !== undefined ? Math.min(d, backoff.capMs) : d;
    out.push(backoff.jitter > 0 ? base + random() * backoff.jitter * base : base);
    d = d * backoff.factor;
  }
  return out;
}

function validateBackoff(b: Backoff): void {
  if (!Number.isInteger(b.steps) || b.steps < 1) throw new RangeError(`backoff: steps must be an integer ≥ 1, got ${b.steps}`);
  if (!(b.durationMs >= 0)) throw new RangeError(`backoff: durationMs must be ≥ 0, got ${b.durationMs}`);
  if (!(b.factor >= 0) || !(b.jitter >= 0)) throw new RangeError("backoff: factor and jitter must be ≥ 0");
}

/** Sleeps `ms`; rejects with the signal's reason when it is aborted first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException("This operation was aborted", "AbortError");
}

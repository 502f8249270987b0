/**
 * Rate limiters for the rate-limited queue (client-go `workqueue/default_rate_limiters.go`). A limiter decides how
 * long an item should wait before it is processed again; per-item limiters count the item's failures until
 * `forget`.
 *
 * Limiters see the item's key — what the queue compares items by (`keyOf`, by default the item itself) — rather
 * than the item, so that a limiter can never disagree with its queue about which items are the same. Durations
 * are milliseconds. Limiters are synchronous and keep their state in memory; they are not shared between
 * processes.
 */
import { realClock, type Clock } from "./clock.js";

/** Decides how long an item waits before it is retried (client-go `RateLimiter`). */
export interface RateLimiter {
  /** Milliseconds `key` should wait before it is retried, counting one more failure of it. */
  when(key: unknown): number;
  /** Stops tracking `key` (its retries ended, by success or by giving up); its backoff starts over. */
  forget(key: unknown): void;
  /** How many failures of `key` are being tracked (how many times it was requeued). */
  numRequeues(key: unknown): number;
}

/**
 * Per-item exponential backoff: the n-th failure of a key waits `baseDelayMs * 2^(n-1)`, capped at `maxDelayMs`
 * (5, 10, 20, 40 ms, ... with a 5 ms base). Expiry and a maximum number of retries are up to the caller.
 */
export class ItemExponentialFailureRateLimiter implements RateLimiter {
  readonly #failures = new Map<unknown, number>();
  readonly #base: number;
  readonly #max: number;

  constructor(baseDelayMs: number, maxDelayMs: number) {
    if (!(baseDelayMs >= 0) || !(maxDelayMs >= 0)) throw new RangeError(`invalid exponential backoff ${baseDelayMs} ms → ${maxDelayMs} ms`);
    this.#base = baseDelayMs;
    this.#max = maxDelayMs;
  }

  when(key: unknown): number {
    const exp = this.#failures.get(key) ?? 0;
    this.#failures.set(key, exp + 1);
    const backoff = this.#base * 2 ** exp;
    return backoff > this.#max ? this.#max : backoff;
  }

  forget(key: unknown): void {
    this.#failures.delete(key);
  }

  numRequeues(key: unknown): number {
    return this.#failures.get(key) ?? 0;
  }
}

/** Per-item: the first `maxFastAttempts` failures of a key wait `fastDelayMs`, later ones `slowDelayMs`. */
export class ItemFastSlowRateLimiter implements RateLimiter {
  readonly #failures = new Map<unknown, number>();
  readonly #fast: number;
  readonly #slow: number;
  readonly #maxFast: number;

  constructor(fastDelayMs: number, slowDelayMs: number, maxFastAttempts: number) {
    this.#fast = fastDelayMs;
    this.#slow = slowDelayMs;
    this.#maxFast = maxFastAttempts;
  }

  when(key: unknown): number {
    const attempts = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, attempts);
    return attempts <= this.#maxFast ? this.#fast : this.#slow;
  }

  forget(key: unknown): void {
    this.#failures.delete(key);
  }

  numRequeues(key: unknown): number {
    return this.#failures.get(key) ?? 0;
  }
}

/** Options of {@link BucketRateLimiter}. */
export interface BucketRateLimiterOptions {
  /** Time source; default `performance.now()`. */
  clock?: Clock;
}

/**
 * An overall token bucket shared by all items (client-go `BucketRateLimiter` over golang.org/x/time/rate): the
 * bucket holds up to `burst` tokens, starts full and refills at `qps` tokens per second. Every `when` reserves
 * one token and returns how long until it is available — 0 while tokens are left, then 1/qps s apart — so
 * reservations queue up into the future rather than fail. Not per item: `forget` does nothing and
 * `numRequeues` is always 0.
 */
export class BucketRateLimiter implements RateLimiter {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #last: number;

  constructor(qps: number, burst: number, options: BucketRateLimiterOptions = {}) {
    if (!(qps > 0)) throw new RangeError(`qps must be positive, got ${qps}`);
    if (!(Number.isInteger(burst) && burst >= 1)) throw new RangeError(`burst must be a positive integer, got ${burst}`);
    this.#perMs = qps / 1000;
    this.#burst = burst;
    this.#clock = options.clock ?? realClock;
    this.#tokens = burst;
    this.#last = this.#clock.now();
  }

  when(): number {
    if (this.#perMs === Number.POSITIVE_INFINITY) return 0;
    let now = this.#clock.now();
    if (now < this.#last) now = this.#last;
    const tokens = Math.min(this.#burst, this.#tokens + (now - this.#last) * this.#perMs) - 1;
    this.#tokens = tokens;
    this.#last = now;
    return tokens < 0 ? -tokens / this.#perMs : 0;
  }

  forget(): void {}

  numRequeues(): number {
    return 0;
  }
}

/**
 * Combines limiters: waits the longest of their delays (every limiter is asked, so each counts the failure),
 * reports the largest `numRequeues`, and `forget` forgets in all of them.
 */
export class MaxOfRateLimiter implements RateLimiter {
  readonly #limiters: readonly RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    this.#limiters = limiters;
  }

  when(key: unknown): number {
    let max = 0;
    for (const l of this.#limiters) {
      const d = l.when(key);
      if (d > max) max = d;
    }
    return max;
  }

  forget(key: unknown): void {
    for (const l of this.#limiters) l.forget(key);
  }

  numRequeues(key: unknown): number {
    let max = 0;
    for (const l of this.#limiters) {
      const n = l.numRequeues(key);
      if (n > max) max = n;
    }
    return max;
  }
}

/** Caps the delay of another limiter at `maxDelayMs` (client-go `WithMaxWaitRateLimiter`). */
export class WithMaxWaitRateLimiter implements RateLimiter {
  readonly #limiter: RateLimiter;
  readonly #max: number;

  constructor(limiter: RateLimiter, maxDelayMs: number) {
    this.#limiter = limiter;
    this.#max = maxDelayMs;
  }

  when(key: unknown): number {
    const d = this.#limiter.when(key);
    return d > this.#max ? this.#max : d;
  }

  forget(key: unknown): void {
    this.#limiter.forget(key);
  }

  numRequeues(key: unknown): number {
    return this.#limiter.numRequeues(key);
  }
}

/**
 * The default limiter of controllers, as client-go's `DefaultControllerRateLimiter` and controller-runtime's
 * default: the longer of a per-item exponential backoff (5 ms doubling to 1000 s) and an overall token bucket
 * (10 qps, burst 100) that only slows retries down when many items fail at once. A new instance each call
 * (the bucket and the failure counts are per queue).
 */
export function defaultControllerRateLimiter(options: BucketRateLimiterOptions = {}): RateLimiter {
  return new MaxOfRateLimiter(new ItemExponentialFailureRateLimiter(5, 1_000_000), new BucketRateLimiter(10, 100, options));
}

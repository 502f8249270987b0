/**
 * Client-side rate limiting: a token bucket like client-go's `flowcontrol.NewTokenBucketRateLimiter` (which
 * wraps golang.org/x/time/rate). The bucket starts full with `burst` tokens and refills at `qps` tokens per
 * second; each request takes one token, waiting for it when the bucket is empty. Waiters are served in order:
 * a token is reserved at call time (the balance may go negative) and the caller sleeps until it is due.
 */

export interface RateLimiter {
  /** Resolves when the caller may send one request; rejects with the signal's reason if aborted first. */
  wait(signal?: AbortSignal): Promise<void>;
  /** Takes a token if one is available now, without waiting. */
  tryAccept(): boolean;
}

/** A clock in milliseconds (monotonic by default); injectable for tests. */
export type Clock = () => number;

const monotonic: Clock = () => performance.now();

export class TokenBucket implements RateLimiter {
  private tokens: number;
  private last: number;

  /**
   * @param qps tokens added per second (> 0)
   * @param burst bucket size (≥ 1): how many requests may go out at once after an idle period
   */
  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly clock: Clock = monotonic,
  ) {
    if (!(qps > 0)) throw new RangeError(`TokenBucket: qps must be > 0, got ${qps}`);
    if (!(burst >= 1)) throw new RangeError(`TokenBucket: burst must be ≥ 1, got ${burst}`);
    this.tokens = burst;
    this.last = clock();
  }

  private advance(): void {
    const now = this.clock();
    const elapsed = now - this.last;
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.qps) / 1000);
      this.last = now;
    }
  }

  /** Tokens available now (negative while callers are waiting on reservations). */
  available(): number {
    this.advance();
    return this.tokens;
  }

  tryAccept(): boolean {
    this.advance();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  wait(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.advance();
    this.tokens -= 1;
    if (this.tokens >= 0) return Promise.resolve();
    const delayMs = (-this.tokens * 1000) / this.qps;
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        // give the reservation back, as x/time/rate's Reservation.Cancel does
        this.tokens += 1;
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, delayMs);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

/** A limiter that never waits. */
export const unlimited: RateLimiter = {
  wait: (signal) => (signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve()),
  tryAccept: () => true,
};

/** controller-runtime's defaults (client-go's own are 5 / 10). */
export const defaultQPS = 20;
export const defaultBurst = 30;

/**
 * The limiter for a client's options: qps ≤ 0 (or not finite) means unlimited; undefined takes the defaults;
 * burst below 1 becomes 1.
 */
export function rateLimiterFor(qps: number | undefined, burst: number | undefined, clock?: Clock): RateLimiter {
  const q = qps ?? defaultQPS;
  if (!(q > 0) || !Number.isFinite(q)) return unlimited;
  const b = Math.max(1, Math.floor(burst ?? defaultBurst));
  return new TokenBucket(q, b, clock);
}

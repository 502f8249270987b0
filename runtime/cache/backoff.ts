/**
 * Capped, jittered exponential backoff with the parameters of client-go's reflector backoff manager
 * (wait.NewExponentialBackoffManager(800ms, 30s, 2min, 2.0, 1.0)): the base wait doubles from 800 ms up to a
 * 30 s cap, each wait adds a random part of up to `jitter` × base (so waits end up in [30 s, 60 s) at the cap,
 * ≈ 0.02 attempts per second against an unhealthy server), and the base goes back to 800 ms after 2 minutes
 * without a backoff.
 */

export interface BackoffOptions {
  /** First base wait; default 800 ms. */
  initialMs?: number;
  /** Cap of the base wait; default 30 s. */
  maxMs?: number;
  /** Base multiplier per step; default 2. */
  factor?: number;
  /** Random extra of up to jitter × base; default 1.0 (0 = none). */
  jitter?: number;
  /** After this long without a backoff, start again from initialMs; default 2 min. */
  resetAfterMs?: number;
  /** Random source in [0, 1); default Math.random (tests pin it). */
  random?: () => number;
  /** Clock in ms; default Date.now (fake timers move it). */
  now?: () => number;
}

export class ExponentialBackoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly resetAfterMs: number;
  private readonly random: () => number;
  private readonly now: () => number;
  private base: number;
  private last: number | undefined;

  constructor(opts: BackoffOptions = {}) {
    this.initialMs = opts.initialMs ?? 800;
    this.maxMs = opts.maxMs ?? 30_000;
    this.factor = opts.factor ?? 2;
    this.jitter = opts.jitter ?? 1;
    this.resetAfterMs = opts.resetAfterMs ?? 120_000;
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
    if (!(this.initialMs > 0) || !(this.maxMs >= this.initialMs) || !(this.factor >= 1) || !(this.jitter >= 0)) {
      throw new RangeError(`invalid backoff ${JSON.stringify({ initialMs: this.initialMs, maxMs: this.maxMs, factor: this.factor, jitter: this.jitter })}`);
    }
    this.base = this.initialMs;
  }

  /** The next wait in ms (and advances the base). */
  next(): number {
    const now = this.now();
    if (this.last !== undefined && now - this.last > this.resetAfterMs) this.base = this.initialMs;
    this.last = now;
    const base = this.base;
    this.base = Math.min(this.base * this.factor, this.maxMs);
    return Math.floor(base + (this.jitter > 0 ? this.random() * this.jitter * base : 0));
  }

  /** Back to the initial wait. */
  reset(): void {
    this.base = this.initialMs;
    this.last = undefined;
  }
}

/**
 * Resolves after `ms`, or at once when `signal` aborts (never rejects). The timer keeps the process alive on
 * purpose: a reflector waiting to retry is the only thing running when the server is unreachable.
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

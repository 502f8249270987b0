/**
 * The controller (controller-runtime's pkg/internal/controller): sources feed a rate-limited work queue of
 * requests, and workers hand each request to the reconciler.
 *
 * Guarantees:
 * - One queue per controller, keyed by "namespace/name": a request already waiting is not added twice (events
 *   coalesce), and a request is never reconciled by two workers at once (a request added while it is being
 *   reconciled runs again once, after the current call).
 * - Workers (maxConcurrentReconciles, default 1) start only after every syncing source's cache has synced; a
 *   cache that does not sync within cacheSyncTimeout (default 2 min) makes `start` reject with an error naming
 *   the kind.
 * - Outcome of a reconcile (see Reconciler.reconcile): rejection → rate-limited requeue (per-item exponential
 *   backoff); TerminalError → logged and counted, no requeue; `requeueAfter` → requeue after the delay and
 *   backoff reset; `requeue` → rate-limited requeue; otherwise the backoff is reset.
 * - Nothing a reconciler throws kills the process: Errors and non-Error values alike are logged, counted and
 *   retried with backoff. "Panics" — a thrown non-Error value or a programming error (TypeError,
 *   ReferenceError, RangeError, SyntaxError, EvalError, URIError) — are also counted in
 *   controller_runtime_reconcile_panics_total; with `recoverPanic: false` a panic instead stops the controller
 *   (`start` rejects with it, so the manager exits), the nearest thing to Go's crash.
 * - Shutdown (the signal aborts): the queue shuts down, requests still waiting are dropped, in-flight
 *   reconciles see `ctx.signal` abort and `start` resolves once they have returned.
 * Caveats: the reconcile timeout is cooperative — it aborts `ctx.signal`, it cannot interrupt a reconciler that
 *   ignores it (the request stays "processing" until the call returns, preserving the one-worker guarantee).
 */
import { randomUUID } from "node:crypto";
import type { Reconciler, Request, Result } from "../reconcile/reconcile.js";
import { isTerminalError, requestKey } from "../reconcile/reconcile.js";
import { defaultLogger, type Logger } from "../reconcile/logger.js";
import type { Source } from "../source/source.js";
import { isSyncingSource } from "../source/source.js";
import type { Clock } from "../workqueue/clock.js";
import type { RateLimiter } from "../workqueue/limiters.js";
import type { MetricsProvider } from "../workqueue/metrics.js";
import { RateLimitingQueue } from "../workqueue/ratelimiting.js";
import type { CounterMetric, GaugeMetric, HistogramMetric } from "../workqueue/metrics.js";
import { getControllerMetricsProvider, reconcileResultLabels, type ControllerMetricsProvider, type ReconcileResultLabel } from "./metrics.js";
import type { LeaderElectionRunnable, Runnable } from "./runnable.js";

/** Tunables shared by {@link ControllerOptions} and the builder's `withOptions`. */
export interface ControllerTuning {
  /** Workers reconciling in parallel (different requests only); default 1. */
  maxConcurrentReconciles?: number;
  /** The queue's rate limiter; default defaultControllerRateLimiter() (5 ms → 1000 s per item, 10 qps / 100 burst overall). */
  rateLimiter?: RateLimiter;
  /** Whether a panic (see the module comment) is recovered as an error; default true. */
  recoverPanic?: boolean;
  /** How long to wait for the sources' caches to sync before `start` fails, in ms; default 120 000. */
  cacheSyncTimeout?: number;
  /** Aborts each reconcile's `ctx.signal` after this many ms; default none. */
  reconcileTimeout?: number;
  /** Whether the controller only runs on the leader; default true. */
  needLeaderElection?: boolean;
  /** Controller metrics; default the provider set with setControllerMetricsProvider when the controller starts. */
  metricsProvider?: ControllerMetricsProvider;
  /** Work queue metrics (the queue is named after the controller); default runtime/workqueue's global provider. */
  queueMetricsProvider?: MetricsProvider;
  /** Time source of the queue and limiter (tests); default performance.now(). */
  clock?: Clock;
}

/** Options of {@link Controller}. */
export interface ControllerOptions extends ControllerTuning {
  /** The controller's name: in logs, metrics labels and the queue's name. Required, non-empty. */
  name: string;
  reconciler: Reconciler;
  /** Default: JSON lines to stderr at info level. The controller adds `controller: name`. */
  logger?: Logger;
}

/** Default time to wait for caches to sync: 2 minutes (controller-runtime's). */
export const defaultCacheSyncTimeout = 120_000;

const programmingErrors: readonly (new (...args: never[]) => Error)[] = [TypeError, ReferenceError, RangeError, SyntaxError, EvalError, URIError];

/** A "panic": a thrown value that is not an Error, or a programming error (TypeError, ReferenceError, ...). */
export function isPanic(err: unknown): boolean {
  if (!(err instanceof Error)) return true;
  return programmingErrors.some((c) => err instanceof c);
}

interface Metrics {
  total: Record<ReconcileResultLabel, CounterMetric>;
  errors: CounterMetric;
  terminal: CounterMetric;
  panics: CounterMetric;
  time: HistogramMetric;
  active: GaugeMetric;
}

/** A controller; a Runnable for the manager. Build one with the builder (`controllerManagedBy`) or directly. */
export class Controller implements Runnable, LeaderElectionRunnable {
  readonly name: string;
  private readonly opts: ControllerOptions;
  private readonly log: Logger;
  private readonly sources: Source[] = [];
  private queue: RateLimitingQueue<Request> | undefined;
  private runSignal: AbortSignal | undefined;
  private startCalled = false;
  private fatal: { err: unknown } | undefined;

  constructor(opts: ControllerOptions) {
    if (!opts.name) throw new TypeError("must specify a name for the controller");
    const n = opts.maxConcurrentReconciles ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`controller ${opts.name}: maxConcurrentReconciles must be a positive integer, got ${n}`);
    this.name = opts.name;
    this.opts = opts;
    this.log = (opts.logger ?? defaultLogger()).withValues({ controller: opts.name });
  }

  needLeaderElection(): boolean {
    return this.opts.needLeaderElection ?? true;
  }

  /** True once `start` has been called. */
  get started(): boolean {
    return this.startCalled;
  }

  /**
   * Adds a source. Before `start` it is recorded (started, and waited for, by `start`); after, it is started at
   * once with the controller's queue, without waiting for its sync (controller-runtime's Watch).
   */
  async watch(src: Source): Promise<void> {
    if (!this.queue || !this.runSignal) {
      this.sources.push(src);
      return;
    }
    this.log.info("Starting EventSource", { source: src.toString() });
    await src.start(this.runSignal, this.queue);
  }

  /**
   * Starts the sources, waits for their caches (cacheSyncTimeout), then runs the workers until `signal` aborts;
   * resolves once the in-flight reconciles have returned. Rejects when started twice, when a cache does not sync
   * in time, or on a panic with recoverPanic false.
   */
  async start(signal: AbortSignal): Promise<void> {
    if (this.startCalled) throw new Error(`controller ${this.name} was started more than once; this is likely to be caused by being added to a manager multiple times`);
    this.startCalled = true;
    const internal = new AbortController();
    const runSignal = AbortSignal.any([signal, internal.signal]);
    const workers = this.opts.maxConcurrentReconciles ?? 1;
    const provider = this.opts.metricsProvider ?? getControllerMetricsProvider();
    const metrics: Metrics = {
      total: Object.fromEntries(reconcileResultLabels.map((r) => [r, provider.newReconcileTotal(this.name, r)])) as Record<ReconcileResultLabel, CounterMetric>,
      errors: provider.newReconcileErrors(this.name),
      terminal: provider.newTerminalReconcileErrors(this.name),
      panics: provider.newReconcilePanics(this.name),
      time: provider.newReconcileTime(this.name),
      active: provider.newActiveWorkers(this.name),
    };
    const queue = new RateLimitingQueue<Request>({
      name: this.name,
      keyOf: requestKey,
      ...(this.opts.rateLimiter ? { rateLimiter: this.opts.rateLimiter } : {}),
      ...(this.opts.queueMetricsProvider ? { metricsProvider: this.opts.queueMetricsProvider } : {}),
      ...(this.opts.clock ? { clock: this.opts.clock } : {}),
    });
    this.queue = queue;
    this.runSignal = runSignal;
    const shutdown = (): void => queue.shutDown();
    if (runSignal.aborted) shutdown();
    else runSignal.addEventListener("abort", shutdown, { once: true });
    try {
      // start every source before waiting, so that they all register their informers first
      for (const src of this.sources) {
        this.log.info("Starting EventSource", { source: src.toString() });
        await src.start(runSignal, queue);
      }
      await this.waitForSync(runSignal);
      if (runSignal.aborted) return;
      this.log.info("Starting Controller");
      provider.newMaxConcurrentReconciles(this.name).set(workers);
      this.log.info("Starting workers", { workerCount: workers });
      const loops: Promise<void>[] = [];
      for (let i = 0; i < workers; i++) loops.push(this.worker(queue, runSignal, metrics, internal));
      await Promise.all(loops);
      if (this.fatal) throw this.fatal.err instanceof Error ? this.fatal.err : new Error(`controller ${this.name}: reconcile panicked: ${String(this.fatal.err)}`, { cause: this.fatal.err });
      this.log.info("All workers finished");
    } finally {
      runSignal.removeEventListener("abort", shutdown);
      queue.shutDown();
    }
  }

  private async waitForSync(runSignal: AbortSignal): Promise<void> {
    const syncing = this.sources.filter(isSyncingSource);
    if (syncing.length === 0) return;
    const timeoutMs = this.opts.cacheSyncTimeout ?? defaultCacheSyncTimeout;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const waitSignal = AbortSignal.any([runSignal, timeout.signal]);
    try {
      const results = await Promise.allSettled(syncing.map((s) => s.waitForSync(waitSignal)));
      if (runSignal.aborted) return;
      for (const [i, r] of results.entries()) {
        const src = String(syncing[i]);
        if (r.status === "rejected") {
          const msg = r.reason instanceof Error ? r.reason.message : String(r.reason);
          throw new Error(`controller ${this.name}: could not wait for ${src} to sync: ${msg}`, { cause: r.reason });
        }
        if (!r.value) throw new Error(`controller ${this.name}: timed out waiting for cache to be synced for ${src} after ${timeoutMs} ms`);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  private async worker(queue: RateLimitingQueue<Request>, signal: AbortSignal, metrics: Metrics, internal: AbortController): Promise<void> {
    for (;;) {
      const got = await queue.get();
      if (got.shutdown) return;
      const req = got.item;
      if (signal.aborted) {
        queue.done(req); // shutting down: drop what is still queued
        continue;
      }
      metrics.active.inc();
      try {
        await this.reconcileHandler(queue, req, signal, metrics, internal);
      } finally {
        metrics.active.dec();
        queue.done(req);
      }
    }
  }

  private async reconcileHandler(queue: RateLimitingQueue<Request>, req: Request, signal: AbortSignal, metrics: Metrics, internal: AbortController): Promise<void> {
    const reconcileID = randomUUID();
    const log = this.log.withValues({ namespace: req.namespace, name: req.name, reconcileID });
    let rsignal = signal;
    let timer: NodeJS.Timeout | undefined;
    if (this.opts.reconcileTimeout !== undefined && this.opts.reconcileTimeout > 0) {
      const ac = new AbortController();
      const ms = this.opts.reconcileTimeout;
      timer = setTimeout(() => ac.abort(new Error(`reconcile timed out after ${ms} ms`)), ms);
      rsignal = AbortSignal.any([signal, ac.signal]);
    }
    const started = performance.now();
    let result: Result | void = undefined;
    let failure: { err: unknown } | undefined;
    try {
      result = await this.opts.reconciler.reconcile({ signal: rsignal, log, reconcileID }, { namespace: req.namespace, name: req.name });
    } catch (err) {
      failure = { err };
    } finally {
      if (timer) clearTimeout(timer);
      safe(() => metrics.time.observe((performance.now() - started) / 1000));
    }

    if (failure) {
      const { err } = failure;
      safe(() => metrics.errors.inc());
      safe(() => metrics.total.error.inc());
      if (isPanic(err)) {
        safe(() => metrics.panics.inc());
        if (this.opts.recoverPanic === false) {
          log.error("Observed a panic in reconciler; recoverPanic is false: stopping the controller", err);
          this.fatal ??= { err };
          internal.abort();
          return;
        }
        log.error("Observed a panic in reconciler (recovered)", err);
      }
      if (isTerminalError(err)) {
        safe(() => metrics.terminal.inc());
        queue.forget(req);
      } else {
        queue.addRateLimited(req);
      }
      log.error("Reconciler error", err);
      return;
    }
    const r: Result = typeof result === "object" && result !== null ? result : {};
    const after = typeof r.requeueAfter === "number" && Number.isFinite(r.requeueAfter) ? r.requeueAfter : 0;
    if (after > 0) {
      log.debug("Reconcile done, requeueing after delay", { requeueAfterMs: after });
      queue.forget(req);
      queue.addAfter(req, after);
      safe(() => metrics.total.requeue_after.inc());
    } else if (r.requeue) {
      log.debug("Reconcile done, requeueing");
      queue.addRateLimited(req);
      safe(() => metrics.total.requeue.inc());
    } else {
      log.debug("Reconcile successful");
      queue.forget(req);
      safe(() => metrics.total.success.inc());
    }
  }
}

function safe(fn: () => void): void {
  try {
    fn();
  } catch {
    // metric handles must not throw; a broken one must not break reconciling
  }
}

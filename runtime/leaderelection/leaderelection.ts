/**
 * Leader election compatible with client-go's tools/leaderelection: candidates contend for one lock object
 * (a coordination.k8s.io/v1 Lease through {@link LeaseLock}); the holder renews it every retry period, the others
 * take over when they have not seen it change for a lease duration.
 *
 *   const elector = new LeaderElector({
 *     lock: new LeaseLock({ client, namespace: "kube-system", name: "my-operator", identity }),
 *     callbacks: { onStartedLeading: (signal) => runControllers(signal), onStoppedLeading: () => {} },
 *     releaseOnCancel: true,
 *   });
 *   await elector.run(signal); // returns when leadership is lost or `signal` aborts (after releasing)
 *
 * Guarantees (the same as client-go's, under the same assumptions):
 * - Expiry is judged by the observer's own clock: a candidate takes over only when the record it observed has
 *   not changed for `leaseDuration` since the moment it observed it (`observedTime + leaseDuration < now`). The
 *   remote renewTime is never compared with the local clock, so clock skew between machines does not matter;
 *   only the rate of the clocks does.
 * - A leader that cannot renew within `renewDeadline` (< leaseDuration) stops leading: its `onStartedLeading`
 *   signal aborts and `onStoppedLeading` runs, before any other candidate can consider the lease expired.
 * - Writes are optimistic (resourceVersion): when two candidates race, the one whose update conflicts lost.
 * - With `releaseOnCancel`, aborting `run`'s signal while leading writes a released record (holder "",
 *   leaseDurationSeconds 1), so another candidate takes over at its next retry instead of after a lease duration.
 * Assumptions: clocks advance at roughly the same rate; identities are unique; the protected work stops when the
 *   `onStartedLeading` signal aborts (before `releaseOnCancel` releases, the caller must have stopped it: `run`
 *   waits for the promise `onStartedLeading` returns before releasing).
 * Caveats: this is not fencing. A leader paused longer than `leaseDuration - renewDeadline` (GC, SIGSTOP) may act
 *   for a moment after another took over, exactly as with client-go.
 */
import { isConflict, isNotFound } from "../client/errors.js";
import { jitter, realClock, timeoutSignal, type Clock } from "./clock.js";
import { rawRecord, type LeaderElectionRecord, type ResourceLock } from "./resourcelock.js";

/** client-go's JitterFactor: retries wait retryPeriod plus up to 1.2 × retryPeriod. */
export const jitterFactor = 1.2;

/** client-go's defaults (and controller-runtime's): 15 s, 10 s, 2 s. */
export const defaultLeaseDuration = 15_000;
export const defaultRenewDeadline = 10_000;
export const defaultRetryPeriod = 2_000;

/** What an elector tells its owner. */
export interface LeaderCallbacks {
  /**
   * Called once this candidate holds the lease. `signal` aborts when leadership ends (lost, or `run`'s signal
   * aborted). The returned promise, if any, should settle soon after `signal` aborts: `run` awaits it before
   * releasing the lease and calling `onStoppedLeading`. Errors it throws are logged, not propagated.
   */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /**
   * Called once when this candidate stops leading, after `onStartedLeading`'s work settled. `lost` is true when
   * the lease could not be renewed (or was taken) while `run`'s signal had not aborted. Unlike client-go, it is
   * not called when the candidate never led.
   */
  onStoppedLeading?(info: { lost: boolean }): void;
  /** Called (not awaited) when the observed holder changes, the first observation included; "" = released. */
  onNewLeader?(identity: string): void;
}

/** client-go's SwitchMetric (`leader_election_master_status`): on when this candidate leads, off otherwise. */
export interface LeaderMetrics {
  leaderOn(name: string): void;
  leaderOff(name: string): void;
}

/** Where the elector reports failures it recovers from (it retries). Must not throw. */
export interface LeaderElectionLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, err: unknown, fields?: Record<string, unknown>): void;
}

export interface LeaderElectionConfig {
  lock: ResourceLock;
  /** How long non-leaders wait after last seeing the record change before taking over (ms; default 15 s). */
  leaseDuration?: number;
  /** How long the leader keeps retrying a renewal before giving up leadership (ms; default 10 s). */
  renewDeadline?: number;
  /** How often candidates try to acquire and the leader renews (ms; default 2 s), jittered ×1.2 when acquiring. */
  retryPeriod?: number;
  /** Release the lease when `run`'s signal aborts while leading (default false, like client-go). */
  releaseOnCancel?: boolean;
  callbacks: LeaderCallbacks;
  /** For metrics and logs (default the lock's description). */
  name?: string;
  metrics?: LeaderMetrics;
  logger?: LeaderElectionLogger;
  clock?: Clock;
  /** Random numbers in [0, 1) for the jitter (tests). */
  random?: () => number;
}

/** The reason the `onStartedLeading` signal aborts with when the lease could not be renewed or was taken. */
export class LeaseLostError extends Error {
  constructor(readonly lease: string) {
    super(`leader election lost (lease ${lease})`);
    this.name = "LeaseLostError";
  }
}

/** A configuration client-go would reject; the message is client-go's. */
export class LeaderElectionConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LeaderElectionConfigError";
  }
}

/** Checks the timing rules of client-go's NewLeaderElector. */
export function validateLeaderElectionConfig(c: { leaseDuration: number; renewDeadline: number; retryPeriod: number; identity: string }): void {
  if (!(c.leaseDuration > c.renewDeadline)) throw new LeaderElectionConfigError("leaseDuration must be greater than renewDeadline");
  if (!(c.renewDeadline > jitterFactor * c.retryPeriod)) throw new LeaderElectionConfigError("renewDeadline must be greater than retryPeriod*JitterFactor");
  if (!(c.leaseDuration > 0)) throw new LeaderElectionConfigError("leaseDuration must be greater than zero");
  if (!(c.renewDeadline > 0)) throw new LeaderElectionConfigError("renewDeadline must be greater than zero");
  if (!(c.retryPeriod > 0)) throw new LeaderElectionConfigError("retryPeriod must be greater than zero");
  if (c.leaseDuration < 1000) throw new LeaderElectionConfigError("leaseDuration must be at least one second (leaseDurationSeconds is whole seconds)");
  if (c.identity.length === 0) throw new LeaderElectionConfigError("Lock identity is empty");
}

const silent: LeaderElectionLogger = { info() {}, error() {} };

/**
 * One candidate (client-go's LeaderElector). `run` may be called once per elector.
 */
export class LeaderElector {
  readonly leaseDuration: number;
  readonly renewDeadline: number;
  readonly retryPeriod: number;
  readonly releaseOnCancel: boolean;
  readonly name: string;
  private readonly lock: ResourceLock;
  private readonly callbacks: LeaderCallbacks;
  private readonly metrics: LeaderMetrics | undefined;
  private readonly logger: LeaderElectionLogger;
  private readonly clock: Clock;
  private readonly random: () => number;

  /** The record as last observed (read, or written by us). */
  private observedRecord: LeaderElectionRecord | undefined;
  private observedRaw: string | undefined;
  /** Local clock time when observedRecord last changed. */
  private observedTime = 0;
  private reportedLeader: string | undefined;
  private running = false;
  private leading = false;

  constructor(config: LeaderElectionConfig) {
    this.leaseDuration = config.leaseDuration ?? defaultLeaseDuration;
    this.renewDeadline = config.renewDeadline ?? defaultRenewDeadline;
    this.retryPeriod = config.retryPeriod ?? defaultRetryPeriod;
    validateLeaderElectionConfig({ leaseDuration: this.leaseDuration, renewDeadline: this.renewDeadline, retryPeriod: this.retryPeriod, identity: config.lock.identity() });
    this.releaseOnCancel = config.releaseOnCancel ?? false;
    this.lock = config.lock;
    this.callbacks = config.callbacks;
    this.name = config.name ?? config.lock.describe();
    this.metrics = config.metrics;
    this.logger = config.logger ?? silent;
    this.clock = config.clock ?? realClock;
    this.random = config.random ?? Math.random;
  }

  /** This candidate's identity. */
  identity(): string {
    return this.lock.identity();
  }

  /** True when the last observed record names this candidate as holder (client-go's IsLeader). */
  isLeader(): boolean {
    return this.observedRecord?.holderIdentity === this.lock.identity();
  }

  /** True between the start of leading (just before `onStartedLeading`) and the end of it. */
  isLeading(): boolean {
    return this.leading;
  }

  /** The holder in the last observed record ("" when released or unknown). */
  getLeader(): string {
    return this.observedRecord?.holderIdentity ?? "";
  }

  /** A copy of the last observed record and when (local clock, epoch ms) it was observed to change. */
  observed(): { record: LeaderElectionRecord; time: number } | undefined {
    return this.observedRecord ? { record: { ...this.observedRecord }, time: this.observedTime } : undefined;
  }

  /**
   * Contends for the lease until this candidate leads, then renews it until leadership is lost or `signal`
   * aborts. Resolves (never rejects) when done: after `onStartedLeading`'s promise settled, the lease was
   * released (with `releaseOnCancel`) and `onStoppedLeading` ran. Throws if called twice concurrently.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.running) throw new Error("LeaderElector.run is already running");
    this.running = true;
    try {
      if (!(await this.acquire(signal))) return;
      const leaderAbort = new AbortController();
      const onAbort = (): void => leaderAbort.abort(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      this.leading = true;
      let work: Promise<void>;
      try {
        work = Promise.resolve(this.callbacks.onStartedLeading(leaderAbort.signal)).catch((err: unknown) => this.logger.error("onStartedLeading failed", err, { lock: this.name }));
      } catch (err) {
        this.logger.error("onStartedLeading failed", err, { lock: this.name });
        work = Promise.resolve();
      }
      const lost = await this.renew(signal);
      signal.removeEventListener("abort", onAbort);
      leaderAbort.abort(lost ? new LeaseLostError(this.name) : signal.reason);
      this.leading = false;
      this.metrics?.leaderOff(this.name);
      await work;
      // client-go releases after a lost renewal too: if nobody else wrote since, the others need not wait.
      if (this.releaseOnCancel) await this.release();
      try {
        this.callbacks.onStoppedLeading?.({ lost });
      } catch (err) {
        this.logger.error("onStoppedLeading failed", err, { lock: this.name });
      }
    } finally {
      this.running = false;
    }
  }

  /** Retries tryAcquireOrRenew every retryPeriod (jittered ×1.2) until it succeeds; false when `signal` aborted. */
  private async acquire(signal: AbortSignal): Promise<boolean> {
    this.logger.info("attempting to acquire leader lease", { lock: this.name, identity: this.identity() });
    while (!signal.aborted) {
      const t = timeoutSignal(this.clock, signal, this.renewDeadline);
      let ok: boolean;
      try {
        ok = await this.tryAcquireOrRenew(t.signal);
      } finally {
        t.dispose();
      }
      this.maybeReportTransition();
      if (ok && !signal.aborted) {
        this.logger.info("successfully acquired lease", { lock: this.name, identity: this.identity() });
        this.metrics?.leaderOn(this.name);
        return true;
      }
      if (ok) {
        // acquired just as we were cancelled: give it back at once
        if (this.releaseOnCancel) await this.release();
        return false;
      }
      await this.clock.sleep(jitter(this.retryPeriod, jitterFactor, this.random), signal);
    }
    return false;
  }

  /**
   * Renews every retryPeriod; each renewal retries every retryPeriod until renewDeadline. Returns true when
   * leadership was lost (renewDeadline passed without a successful renewal), false when `signal` aborted.
   */
  private async renew(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      const deadline = timeoutSignal(this.clock, signal, this.renewDeadline);
      let renewed = false;
      try {
        // wait.PollImmediateUntil(retryPeriod, tryAcquireOrRenew, deadline)
        while (!deadline.signal.aborted) {
          if (await this.tryAcquireOrRenew(deadline.signal)) {
            renewed = true;
            break;
          }
          await this.clock.sleep(this.retryPeriod, deadline.signal);
        }
      } finally {
        deadline.dispose();
      }
      this.maybeReportTransition();
      if (signal.aborted) return false;
      if (!renewed) {
        this.logger.info("failed to renew lease", { lock: this.name, identity: this.identity(), renewDeadlineMs: this.renewDeadline });
        return true;
      }
      await this.clock.sleep(this.retryPeriod, signal);
    }
    return false;
  }

  /** client-go's release: write an empty holder with leaseDurationSeconds 1 if we still hold the lease. */
  private async release(): Promise<boolean> {
    if (!this.isLeader()) return true;
    const now = this.clock.now();
    const record: LeaderElectionRecord = {
      holderIdentity: "",
      leaseDurationSeconds: 1,
      acquireTime: now,
      renewTime: now,
      leaderTransitions: this.observedRecord?.leaderTransitions ?? 0,
    };
    const ac = new AbortController();
    const t = timeoutSignal(this.clock, ac.signal, this.renewDeadline);
    try {
      try {
        await this.lock.update(record, t.signal);
      } catch (err) {
        // A renewal cut short by the cancellation may still have been applied, leaving our version stale:
        // re-read, and release only if the lease still names us.
        if (!isConflict(err)) throw err;
        const { record: current } = await this.lock.get(t.signal);
        if (current.holderIdentity !== this.identity()) return true;
        record.leaderTransitions = current.leaderTransitions;
        await this.lock.update(record, t.signal);
      }
      this.setObservedRecord(record, rawRecord(record));
      this.logger.info("released lease", { lock: this.name, identity: this.identity() });
      return true;
    } catch (err) {
      this.logger.error("failed to release lease", err, { lock: this.name });
      return false;
    } finally {
      t.dispose();
    }
  }

  private leaseDurationSeconds(): number {
    return Math.max(1, Math.ceil(this.leaseDuration / 1000));
  }

  /** Whether the observed record is still valid at `now` by our own clock (client-go's isLeaseValid). */
  private isLeaseValid(now: number): boolean {
    const secs = this.observedRecord?.leaseDurationSeconds ?? 0;
    return this.observedTime + secs * 1000 > now;
  }

  private setObservedRecord(record: LeaderElectionRecord, raw: string): void {
    this.observedRecord = record;
    this.observedRaw = raw;
    this.observedTime = this.clock.now();
  }

  /** One attempt (client-go's tryAcquireOrRenew): true when this candidate holds the lease afterwards. */
  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const now = this.clock.now();
    const record: LeaderElectionRecord = {
      holderIdentity: this.identity(),
      leaseDurationSeconds: this.leaseDurationSeconds(),
      acquireTime: now,
      renewTime: now,
      leaderTransitions: 0,
    };

    // 1. fast path: the leader updates assuming the record it observed is current.
    if (this.isLeader() && this.isLeaseValid(now) && this.observedRecord) {
      record.acquireTime = this.observedRecord.acquireTime;
      record.leaderTransitions = this.observedRecord.leaderTransitions;
      try {
        await this.lock.update(record, signal);
        this.setObservedRecord(record, rawRecord(record));
        return true;
      } catch (err) {
        if (signal.aborted) return false;
        this.logger.info("failed to update lock optimistically, falling back to slow path", { lock: this.name, error: describe(err) });
      }
    }

    // 2. get or create the record.
    let old: LeaderElectionRecord;
    try {
      const got = await this.lock.get(signal);
      old = got.record;
      if (got.raw !== this.observedRaw) this.setObservedRecord(got.record, got.raw);
    } catch (err) {
      if (!isNotFound(err)) {
        if (!signal.aborted) this.logger.error("error retrieving resource lock", err, { lock: this.name });
        return false;
      }
      try {
        await this.lock.create(record, signal);
      } catch (createErr) {
        if (!signal.aborted) this.logger.error("error initially creating leader election record", createErr, { lock: this.name });
        return false;
      }
      this.setObservedRecord(record, rawRecord(record));
      return true;
    }

    // 3. the record exists: is it held by someone else and still valid (by our clock)?
    if (old.holderIdentity.length > 0 && this.isLeaseValid(now) && !this.isLeader()) return false;

    // 4. try to take it (or renew it through the slow path).
    if (this.isLeader()) {
      record.acquireTime = old.acquireTime;
      record.leaderTransitions = old.leaderTransitions;
    } else {
      record.leaderTransitions = old.leaderTransitions + 1;
    }
    try {
      await this.lock.update(record, signal);
    } catch (err) {
      if (!signal.aborted) this.logger.info("failed to update lock", { lock: this.name, error: describe(err) });
      return false;
    }
    this.setObservedRecord(record, rawRecord(record));
    return true;
  }

  private maybeReportTransition(): void {
    const holder = this.observedRecord?.holderIdentity;
    if (holder === undefined || holder === this.reportedLeader) return;
    this.reportedLeader = holder;
    const cb = this.callbacks.onNewLeader;
    if (cb) {
      queueMicrotask(() => {
        try {
          cb(holder);
        } catch (err) {
          this.logger.error("onNewLeader failed", err, { lock: this.name });
        }
      });
    }
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The reflector (client-go's tools/cache Reflector): keeps a ReflectorStore in step with the server by listing
 * and then watching from the list's resourceVersion, forever.
 *
 * Guarantees:
 * - List then watch from the list's resourceVersion, with bookmarks; the same label/field selectors (and the
 *   metadata-only flag) on every list and watch.
 * - The first list asks for resourceVersion "0" (any state the server has, cheap) in pages of 500 with
 *   continue tokens; a continue token that expired falls back to one unpaged list; a list whose
 *   resourceVersion is expired or too large falls back to resourceVersion "" (the latest state).
 * - A watch that ends normally (the server's timeout, randomised 5–10 minutes per watch so that clients spread
 *   out) is resumed from the last resourceVersion seen, with no relist.
 * - 410 Expired — as the HTTP answer or as an in-stream ERROR event — relists (once at once; repeatedly only
 *   with backoff), and the store is given the full list so it can compute the difference.
 * - Any other failure (transport, 5xx, 429, a garbage line, a watch closing at once) is reported and retried
 *   forever with capped jittered exponential backoff (800 ms doubling to 30 s, + up to 100 % jitter, as
 *   client-go). The reflector never stops on its own: only its AbortSignal ends `run`.
 * - Nothing is silent: each failure goes to the logger and `onError`, and is counted in `stats()`.
 * Assumptions: resourceVersion is opaque (only passed back to the server and compared for equality).
 * Caveats: a watch is resumed from the last event that was decoded, so a garbage line is skipped by the
 *   server replaying from there, not lost; if the server keeps sending it, the reflector keeps backing off.
 */
import type { KubeList, KubeObject } from "../core/object.js";
import { ExponentialBackoff, sleep, type BackoffOptions } from "./backoff.js";
import {
  isAbortError,
  isExpiredError,
  isTooLargeResourceVersionError,
  isWatchDecodeError,
  watchErrorEventToError,
  type ListerWatcher,
  type ListOptions,
  type WatchEvent,
} from "./listwatch.js";
import { defaultLogger, type CacheLogger } from "./logger.js";

/** Where a reflector delivers what it sees (the informer implements it). Methods must not throw. */
export interface ReflectorStore<T extends KubeObject> {
  /** The complete current state (a list result, all pages). Replaces everything stored before. */
  replace(items: T[], resourceVersion: string): void;
  /** An ADDED event. */
  add(obj: T): void;
  /** A MODIFIED event. */
  update(obj: T): void;
  /** A DELETED event, with the object's final state. */
  delete(obj: T): void;
  /** The resourceVersion the store is now at (after each event and bookmark). Optional. */
  resourceVersion?(resourceVersion: string): void;
}

export type ReflectorPhase = "list" | "watch" | "decode" | "store";

/** Counters of a reflector's life; errors are counted, never hidden. */
export interface ReflectorStats {
  /** Complete lists delivered (the first one included). */
  lists: number;
  /** Complete lists after the first one (after a 410 Expired, a too-large resourceVersion or a store failure). */
  relists: number;
  /** 410 Expired answers and ERROR events seen (list and watch). */
  expired: number;
  /** Failed list attempts (including those that fell back). */
  listErrors: number;
  /** Watch requests made. */
  watches: number;
  /** Watches that failed with an error other than 410 (decode errors included). */
  watchErrors: number;
  /** Watch lines that could not be decoded. */
  decodeErrors: number;
  /** ADDED/MODIFIED/DELETED events applied. */
  events: number;
  /** BOOKMARK events seen. */
  bookmarks: number;
  /** Backoff waits taken. */
  backoffs: number;
  /** The last error reported. */
  lastError: unknown;
}

export interface ReflectorOptions {
  /** For logs and errors, e.g. "configmaps.v1 (namespace default)". */
  name?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Metadata-only lists and watches (PartialObjectMetadata). */
  metadataOnly?: boolean;
  /** List page size; default 500, 0 = unpaged. */
  pageSize?: number;
  /** Watch timeouts are random in [min, 2 × min] seconds; default 300 (5–10 minutes). */
  minWatchTimeoutSeconds?: number;
  backoff?: BackoffOptions;
  logger?: CacheLogger;
  /** Called for every failure, after it is logged. Must not throw (a throw is ignored). */
  onError?: (err: unknown, info: { phase: ReflectorPhase; name: string }) => void;
  /** Random source for watch timeouts (tests pin it); default Math.random. */
  random?: () => number;
}

/** A watch that closed cleanly within this time without any event counts as a failure (client-go's "very short watch"). */
const shortWatchMs = 1000;
/** Slack after the requested watch timeout before the client gives up on a silent connection. */
const watchGraceSeconds = 60;

type WatchOutcome = { kind: "stopped" } | { kind: "closed" } | { kind: "expired"; events: number; unavailable: boolean } | { kind: "failed"; err: unknown; phase: ReflectorPhase };

/** An error class for problems the reflector itself detects in a stream. */
export class ReflectorError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ReflectorError";
  }
}

export class Reflector<T extends KubeObject = KubeObject> {
  readonly name: string;
  private readonly opts: ReflectorOptions;
  private readonly logger: CacheLogger;
  private readonly backoff: ExponentialBackoff;
  private readonly pageSize: number;
  private readonly random: () => number;
  private lastSyncRV = "";
  private rvUnavailable = false;
  private paginatedResult = false;
  private synced = false;
  private running = false;
  private readonly counters: ReflectorStats = {
    lists: 0,
    relists: 0,
    expired: 0,
    listErrors: 0,
    watches: 0,
    watchErrors: 0,
    decodeErrors: 0,
    events: 0,
    bookmarks: 0,
    backoffs: 0,
    lastError: undefined,
  };

  constructor(
    private readonly lw: ListerWatcher<T>,
    private readonly store: ReflectorStore<T>,
    opts: ReflectorOptions = {},
  ) {
    this.opts = opts;
    this.name = opts.name ?? "reflector";
    this.logger = opts.logger ?? defaultLogger;
    this.backoff = new ExponentialBackoff(opts.backoff);
    this.pageSize = opts.pageSize ?? 500;
    this.random = opts.random ?? Math.random;
  }

  /** True once the first complete list has been delivered to the store (and forever after). */
  hasSynced(): boolean {
    return this.synced;
  }

  /** The resourceVersion of the last list, event or bookmark delivered ("" before the first list). Opaque. */
  lastSyncResourceVersion(): string {
    return this.lastSyncRV;
  }

  /** A snapshot of the counters. */
  stats(): ReflectorStats {
    return { ...this.counters };
  }

  /**
   * Lists and watches until `signal` aborts; resolves then (never rejects because of the server, never returns
   * earlier). Rejects at once if the reflector is already running.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.running) throw new Error(`reflector ${this.name} is already running`);
    this.running = true;
    let needList = true;
    let expiredStreak = 0;
    while (!signal.aborted) {
      if (needList) {
        const result = await this.listOnce(signal);
        if (signal.aborted) break;
        if (!result.ok) {
          this.report("list", result.err);
          await this.wait(signal);
          continue;
        }
        needList = false;
      }
      const outcome = await this.watchOnce(signal);
      switch (outcome.kind) {
        case "stopped":
          break;
        case "closed":
          expiredStreak = 0;
          break;
        case "expired":
          this.counters.expired++;
          if (outcome.unavailable) this.rvUnavailable = true;
          this.logger.info("watch expired, relisting", { name: this.name, resourceVersion: this.lastSyncRV });
          needList = true;
          // relist at once; a server that keeps answering 410 with nothing in between gets the backoff
          expiredStreak = outcome.events > 0 ? 1 : expiredStreak + 1;
          if (expiredStreak > 1) await this.wait(signal);
          break;
        case "failed":
          expiredStreak = 0;
          // after a store failure its contents are unknown: start over from a list
          if (outcome.phase === "store") needList = true;
          this.report(outcome.phase, outcome.err);
          await this.wait(signal);
          break;
      }
    }
    this.running = false;
  }

  // ---- list ----

  /** client-go's relistResourceVersion. */
  private relistResourceVersion(): string {
    if (this.rvUnavailable) return "";
    return this.lastSyncRV === "" ? "0" : this.lastSyncRV;
  }

  /** One complete list delivered to the store; returns the error instead of throwing (whatever was thrown, even undefined). */
  private async listOnce(signal: AbortSignal): Promise<{ ok: true } | { ok: false; err: unknown }> {
    const rv = this.relistResourceVersion();
    let list: { items: T[]; resourceVersion: string };
    try {
      list = await this.listAll(rv, signal);
    } catch (err) {
      if (signal.aborted) return { ok: true };
      if (!(isExpiredError(err) || isTooLargeResourceVersionError(err)) || rv === "") return { ok: false, err };
      // the resourceVersion we asked for is gone (or not there yet): the latest state will do
      this.counters.listErrors++;
      if (isExpiredError(err)) this.counters.expired++;
      this.logger.info("list at resourceVersion failed, listing the latest state", { name: this.name, resourceVersion: rv, error: String(err) });
      this.rvUnavailable = true;
      try {
        list = await this.listAll("", signal);
      } catch (err2) {
        return signal.aborted ? { ok: true } : { ok: false, err: err2 };
      }
    }
    if (signal.aborted) return { ok: true };
    this.rvUnavailable = false;
    this.lastSyncRV = list.resourceVersion;
    if (this.counters.lists > 0) this.counters.relists++;
    this.counters.lists++;
    try {
      this.store.replace(list.items, list.resourceVersion);
    } catch (err) {
      // a store must not throw; if it does, its contents are unknown: list again
      return { ok: false, err: new ReflectorError(`store rejected the list of ${this.name}`, { cause: err }) };
    }
    this.synced = true;
    this.logger.info("listed", { name: this.name, items: list.items.length, resourceVersion: list.resourceVersion });
    return { ok: true };
  }

  /** All pages of one list (client-go's pager with FullListIfExpired). */
  private async listAll(resourceVersion: string, signal: AbortSignal): Promise<{ items: T[]; resourceVersion: string }> {
    const base: ListOptions = { signal };
    if (this.opts.labelSelector) base.labelSelector = this.opts.labelSelector;
    if (this.opts.fieldSelector) base.fieldSelector = this.opts.fieldSelector;
    if (this.opts.metadataOnly) base.metadataOnly = true;
    // Like client-go: page for "" and "0"; for an exact resourceVersion only if the server paged before
    // (otherwise an unpaged list can be served from the server's watch cache).
    let limit = this.pageSize;
    if (resourceVersion !== "" && resourceVersion !== "0" && !this.paginatedResult) limit = 0;
    const first: ListOptions = { ...base, resourceVersion };
    if (limit > 0) first.limit = limit;
    let page: KubeList<T> = await this.lw.list(first);
    if (!page.metadata.continue) return { items: page.items ?? [], resourceVersion: page.metadata.resourceVersion ?? "" };
    this.paginatedResult = true;
    const items: T[] = [];
    for (;;) {
      for (const item of page.items ?? []) items.push(item);
      const token = page.metadata.continue;
      if (!token) return { items, resourceVersion: page.metadata.resourceVersion ?? "" };
      try {
        page = await this.lw.list({ ...base, limit, continue: token });
      } catch (err) {
        if (!isExpiredError(err) || signal.aborted) throw err;
        // the continue token outlived the server's history: one unpaged list at the original resourceVersion
        this.counters.listErrors++;
        this.counters.expired++;
        this.logger.info("continue token expired, listing without pages", { name: this.name });
        const full = await this.lw.list({ ...base, resourceVersion });
        return { items: full.items ?? [], resourceVersion: full.metadata.resourceVersion ?? "" };
      }
    }
  }

  // ---- watch ----

  private async watchOnce(signal: AbortSignal): Promise<WatchOutcome> {
    const min = this.opts.minWatchTimeoutSeconds ?? 300;
    const timeoutSeconds = Math.floor(min * (1 + this.random()));
    const ac = new AbortController();
    const onAbort = (): void => ac.abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    let timedOut = false;
    // a connection that went silent (half-open TCP) would otherwise hang forever: give up after the timeout
    const watchdog = setTimeout(() => {
      timedOut = true;
      ac.abort(new ReflectorError(`watch of ${this.name} outlived its timeout`));
    }, (timeoutSeconds + watchGraceSeconds) * 1000);
    watchdog.unref?.();
    const started = Date.now();
    let events = 0;
    this.counters.watches++;
    try {
      const stream = this.lw.watch({
        ...(this.opts.labelSelector ? { labelSelector: this.opts.labelSelector } : {}),
        ...(this.opts.fieldSelector ? { fieldSelector: this.opts.fieldSelector } : {}),
        ...(this.opts.metadataOnly ? { metadataOnly: true } : {}),
        resourceVersion: this.lastSyncRV,
        allowWatchBookmarks: true,
        timeoutSeconds,
        signal: ac.signal,
      });
      for await (const ev of stream) {
        if (signal.aborted || timedOut) break;
        const problem = this.apply(ev);
        if (problem === undefined) {
          events++;
          continue;
        }
        if (problem instanceof DecodeProblem) return this.decodeFailure(problem.error);
        if (isExpiredError(problem)) return { kind: "expired", events, unavailable: false };
        if (isTooLargeResourceVersionError(problem)) return { kind: "expired", events, unavailable: true };
        this.counters.watchErrors++;
        return { kind: "failed", err: problem, phase: problem instanceof StoreProblem ? "store" : "watch" };
      }
    } catch (err) {
      if (signal.aborted) return { kind: "stopped" };
      if (timedOut) return { kind: "closed" };
      if (isExpiredError(err)) return { kind: "expired", events, unavailable: false };
      if (isTooLargeResourceVersionError(err)) return { kind: "expired", events, unavailable: true };
      if (isWatchDecodeError(err)) return this.decodeFailure(err);
      this.counters.watchErrors++;
      return { kind: "failed", err: isAbortError(err) ? new ReflectorError(`watch of ${this.name} aborted`, { cause: err }) : err, phase: "watch" };
    } finally {
      clearTimeout(watchdog);
      signal.removeEventListener("abort", onAbort);
      ac.abort();
    }
    if (signal.aborted) return { kind: "stopped" };
    if (!timedOut && events === 0 && Date.now() - started < shortWatchMs) {
      this.counters.watchErrors++;
      return {
        kind: "failed",
        err: new ReflectorError(`very short watch: ${this.name}: unexpected watch close - watch lasted less than a second and no items received`),
        phase: "watch",
      };
    }
    this.logger.info("watch closed", { name: this.name, events, resourceVersion: this.lastSyncRV });
    return { kind: "closed" };
  }

  private decodeFailure(err: unknown): WatchOutcome {
    this.counters.decodeErrors++;
    this.counters.watchErrors++;
    return { kind: "failed", err, phase: "decode" };
  }

  /** Applies one event; returns the problem that ends this watch, if any. */
  private apply(ev: WatchEvent<T>): unknown {
    if (typeof ev !== "object" || ev === null) return new DecodeProblem(`watch event is not an object: ${String(ev)}`);
    if (ev.type === "ERROR") return watchErrorEventToError(ev.object);
    const obj = ev.object as T | undefined;
    const meta = typeof obj === "object" && obj !== null ? (obj.metadata as KubeObject["metadata"] | undefined) : undefined;
    if (typeof meta !== "object" || meta === null) return new DecodeProblem(`watch ${String(ev.type)} event without an object with metadata`);
    const rv = meta.resourceVersion;
    if (ev.type === "BOOKMARK") {
      this.counters.bookmarks++;
      if (rv) this.setResourceVersion(rv);
      return undefined;
    }
    if (ev.type !== "ADDED" && ev.type !== "MODIFIED" && ev.type !== "DELETED") return new DecodeProblem(`unknown watch event type ${JSON.stringify(ev.type)}`);
    if (typeof meta.name !== "string" || meta.name === "") return new DecodeProblem(`watch ${ev.type} event for an object without metadata.name`);
    try {
      if (ev.type === "ADDED") this.store.add(obj as T);
      else if (ev.type === "MODIFIED") this.store.update(obj as T);
      else this.store.delete(obj as T);
    } catch (err) {
      return new StoreProblem(`store rejected a ${ev.type} event of ${this.name}`, { cause: err });
    }
    this.counters.events++;
    if (rv) this.setResourceVersion(rv);
    return undefined;
  }

  private setResourceVersion(rv: string): void {
    this.lastSyncRV = rv;
    try {
      this.store.resourceVersion?.(rv);
    } catch {
      // progress notifications are advisory
    }
  }

  // ---- failures ----

  private report(phase: ReflectorPhase, err: unknown): void {
    this.counters.lastError = err;
    if (phase === "list") this.counters.listErrors++;
    const what = phase === "list" ? "failed to list" : phase === "decode" ? "failed to decode watch event of" : phase === "store" ? "store failed for" : "failed to watch";
    this.logger.error(`${what} ${this.name}, retrying with backoff`, err, { resourceVersion: this.lastSyncRV });
    try {
      this.opts.onError?.(err, { phase, name: this.name });
    } catch {
      // a broken hook must not stop the reflector
    }
  }

  private async wait(signal: AbortSignal): Promise<void> {
    const ms = this.backoff.next();
    this.counters.backoffs++;
    await sleep(ms, signal);
  }
}

/** A malformed event the reflector found itself. */
class DecodeProblem extends Error {
  readonly error: Error;
  constructor(message: string) {
    super(message);
    this.name = "WatchDecodeError";
    this.error = this;
  }
}

class StoreProblem extends ReflectorError {}

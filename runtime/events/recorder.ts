/**
 * An event recorder on events.k8s.io/v1 (client-go's tools/events `EventRecorder.Eventf` + broadcaster + sink).
 *
 *   const recorder = new EventRecorder(client, { reportingController: "example.com/widget-controller" });
 *   recorder.eventf(widget, undefined, "Normal", "Provisioned", "Provision", "created volume %s", volName);
 *   ...
 *   await recorder.stop();   // on shutdown: waits for the writes in flight
 *
 * Behaviour:
 * - Fire-and-forget: `eventf` returns at once; the write happens in the background. Failures are logged (and
 *   counted in `stats()`), never thrown: an event is best-effort and must not fail a reconcile.
 * - Events are created in the namespace of `regarding` ("default" for cluster-scoped objects), named
 *   `<regarding.name>.<hex nanoseconds>`, with `eventTime` (MicroTime), `reportingController`,
 *   `reportingInstance` (default `<controller>-<hostname>`), and reason / action / note / type as given. `note`
 *   is formatted like printf when arguments follow it (node's util.format) and cut to the server's limits
 *   (note 1024 bytes, reason and action 128).
 * - Series: an event isomorphic to one recorded within the last `seriesWindowMs` (6 minutes, upstream's
 *   `finishTime`) does not create a new Event. The first one's `series.count` (2, 3, …) and
 *   `series.lastObservedTime` are updated with a merge patch instead. The key is upstream's (`getKey`): action,
 *   reason, reporting controller and instance, regarding and related; the note and type are not part of it.
 *   Differences from client-go (simplified): the references are compared without their resourceVersion (so a
 *   controller reporting the same thing for each new version of an object still aggregates); and repeats are
 *   patched right away, coalesced (at most one patch in flight per series, then one more with the latest
 *   count), instead of on client-go's 30-minute refresh loop. A series whose Event was deleted is created again
 *   with its series (upstream's NotFound fallback).
 * - Spam filter (tools/record's `EventSourceObjectSpamFilter`, simplified): a token bucket per reporting
 *   controller + instance + regarding object, burst 25, refilled one token per 5 minutes; a call that finds
 *   the bucket empty is dropped (not even counted in a series) and counted in `stats().dropped`. At most
 *   `maxKeys` (4096) buckets and series are kept; the least recently used are forgotten first.
 * - `flush()` resolves when every write started so far has finished; `stop()` flushes and then drops later
 *   calls (logged at info level).
 */
import { hostname } from "node:os";
import { format } from "node:util";
import type { Client } from "../client/client.js";
import { isNotFound } from "../client/errors.js";
import { mergePatch } from "../client/patch.js";
import { TokenBucket } from "../client/ratelimit.js";
import type { KubeObject } from "../core/object.js";

export type EventType = "Normal" | "Warning";

/** core/v1 ObjectReference: what an event is about. */
export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** events.k8s.io/v1 EventSeries. */
export interface EventSeries {
  count: number;
  /** MicroTime. */
  lastObservedTime: string;
}

/** events.k8s.io/v1 Event as the recorder writes it. */
export interface EventV1 extends KubeObject {
  apiVersion: "events.k8s.io/v1";
  kind: "Event";
  eventTime: string;
  series?: EventSeries;
  reportingController: string;
  reportingInstance: string;
  action: string;
  reason: string;
  regarding: ObjectReference;
  related?: ObjectReference;
  note: string;
  type: EventType;
}

/** Where failures go (logr-like). Must not throw. */
export interface EventLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, err: unknown, fields?: Record<string, unknown>): void;
}

const defaultLogger: EventLogger = {
  info() {},
  error(msg, err, fields) {
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : "";
    console.error(`kubeforge/events: ${msg}: ${err instanceof Error ? err.message : String(err)}${extra}`);
  },
};

export interface EventRecorderOptions {
  /** `reportingController`, e.g. "example.com/widget-controller" (a qualified name; required by the server). */
  reportingController: string;
  /** `reportingInstance` (≤ 128 bytes; default `<reportingController>-<hostname>`). */
  reportingInstance?: string;
  logger?: EventLogger;
  /** Wall clock for eventTime, series and the spam filter (tests). */
  now?: () => Date;
  /** How long after its last occurrence an event can still be continued as a series (default 6 min). */
  seriesWindowMs?: number;
  /** Spam filter burst per object (default 25). */
  spamBurst?: number;
  /** Spam filter refill per object, tokens per second (default 1/300); ≤ 0 or Infinity disables the filter. */
  spamQps?: number;
  /** Most series and spam buckets remembered (default 4096). */
  maxKeys?: number;
}

export interface EventRecorderStats {
  /** Events created. */
  created: number;
  /** Series updates sent (patches, or re-creations of a deleted series event). */
  seriesUpdates: number;
  /** Calls dropped by the spam filter or after stop(). */
  dropped: number;
  /** Writes that failed (logged). */
  failed: number;
}

interface SeriesEntry {
  event: EventV1;
  count: number;
  lastObserved: number;
  /** Resolves true once the first event is stored. */
  created: Promise<boolean>;
  syncing: boolean;
  dirty: boolean;
}

export const maxNoteBytes = 1024;
export const maxReasonBytes = 128;
export const maxActionBytes = 128;

/** Cuts `s` to at most `max` UTF-8 bytes without splitting a character. */
function truncateBytes(s: string, max: number): string {
  if (Buffer.byteLength(s, "utf8") <= max) return s;
  let out = "";
  let n = 0;
  for (const ch of s) {
    const b = Buffer.byteLength(ch, "utf8");
    if (n + b > max) break;
    out += ch;
    n += b;
  }
  return out;
}

/** metav1.MicroTime: RFC 3339 with six fractional digits, UTC. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

function isKubeObject(x: KubeObject | ObjectReference): x is KubeObject {
  return typeof (x as { metadata?: unknown }).metadata === "object" && (x as { metadata?: unknown }).metadata !== null;
}

/** An ObjectReference to `x` (an object or already a reference); only the set fields. */
export function referenceTo(x: KubeObject | ObjectReference): ObjectReference {
  const src: ObjectReference = isKubeObject(x)
    ? { apiVersion: x.apiVersion, kind: x.kind, name: x.metadata.name, namespace: x.metadata.namespace, uid: x.metadata.uid, resourceVersion: x.metadata.resourceVersion }
    : x;
  const out: ObjectReference = {};
  for (const k of ["apiVersion", "kind", "name", "namespace", "uid", "resourceVersion", "fieldPath"] as const) {
    const v = src[k];
    if (v) out[k] = v;
  }
  return out;
}

function refKey(r: ObjectReference | undefined): string {
  if (!r) return "";
  return [r.apiVersion, r.kind, r.namespace, r.name, r.uid, r.fieldPath].map((v) => v ?? "").join("\u0000");
}

/** A Map used as an LRU: get/set move the key to the end; the oldest keys are evicted past `max`. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    while (this.map.size > this.max) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.map.delete(oldest.value);
    }
  }
  delete(k: string): void {
    this.map.delete(k);
  }
  get size(): number {
    return this.map.size;
  }
}

export class EventRecorder {
  readonly reportingController: string;
  readonly reportingInstance: string;
  private readonly logger: EventLogger;
  private readonly now: () => Date;
  private readonly seriesWindowMs: number;
  private readonly spamBurst: number;
  private readonly spamQps: number;
  private readonly series: Lru<SeriesEntry>;
  private readonly buckets: Lru<TokenBucket>;
  private readonly pending = new Set<Promise<void>>();
  private readonly counters: EventRecorderStats = { created: 0, seriesUpdates: 0, dropped: 0, failed: 0 };
  private stopped = false;
  private lastNano = 0n;

  constructor(
    private readonly client: Client,
    opts: EventRecorderOptions,
  ) {
    if (!opts.reportingController) throw new TypeError("EventRecorder: reportingController is required");
    this.reportingController = opts.reportingController;
    this.reportingInstance = truncateBytes(opts.reportingInstance ?? `${opts.reportingController}-${hostname()}`, 128);
    this.logger = opts.logger ?? defaultLogger;
    this.now = opts.now ?? (() => new Date());
    this.seriesWindowMs = opts.seriesWindowMs ?? 6 * 60 * 1000;
    this.spamBurst = opts.spamBurst ?? 25;
    this.spamQps = opts.spamQps ?? 1 / 300;
    const maxKeys = opts.maxKeys ?? 4096;
    this.series = new Lru(maxKeys);
    this.buckets = new Lru(maxKeys);
  }

  /**
   * Records an event about `regarding` (and optionally `related`). `note` is a printf-style format when `args`
   * follow. Never throws and never waits; see the file comment.
   */
  eventf(
    regarding: KubeObject | ObjectReference,
    related: KubeObject | ObjectReference | undefined,
    type: EventType,
    reason: string,
    action: string,
    note: string,
    ...args: unknown[]
  ): void {
    try {
      this.record(regarding, related, type, reason, action, args.length > 0 ? format(note, ...args) : note);
    } catch (err) {
      this.counters.failed++;
      this.logger.error("could not record event", err, { reason, action });
    }
  }

  /** `eventf` without format arguments. */
  event(regarding: KubeObject | ObjectReference, related: KubeObject | ObjectReference | undefined, type: EventType, reason: string, action: string, note: string): void {
    this.eventf(regarding, related, type, reason, action, "%s", note);
  }

  /** Resolves when every write started so far (and the series updates they lead to) has finished. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Flushes, then ignores further events. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.flush();
  }

  stats(): EventRecorderStats {
    return { ...this.counters };
  }

  private record(regardingIn: KubeObject | ObjectReference, relatedIn: KubeObject | ObjectReference | undefined, type: EventType, reason: string, action: string, note: string): void {
    const regarding = referenceTo(regardingIn);
    const related = relatedIn ? referenceTo(relatedIn) : undefined;
    if (this.stopped) {
      this.counters.dropped++;
      this.logger.info("event recorder stopped; event dropped", { reason, regarding });
      return;
    }
    if (!regarding.kind || !regarding.name) throw new TypeError("the regarding object needs a kind and a name");
    if (type !== "Normal" && type !== "Warning") throw new TypeError(`event type must be "Normal" or "Warning", got ${JSON.stringify(type)}`);
    const now = this.now();
    const objKey = `${this.reportingController}\u0001${this.reportingInstance}\u0001${refKey(regarding)}`;
    if (!this.allow(objKey)) {
      this.counters.dropped++;
      this.logger.info("event dropped by the spam filter", { reason, regarding });
      return;
    }
    const r = truncateBytes(reason, maxReasonBytes);
    const a = truncateBytes(action, maxActionBytes);
    const key = [a, r, objKey, refKey(related)].join("\u0002");
    const entry = this.series.get(key);
    if (entry && now.getTime() - entry.lastObserved <= this.seriesWindowMs) {
      entry.count++;
      entry.lastObserved = now.getTime();
      entry.dirty = true;
      if (!entry.syncing) this.track(this.syncSeries(key, entry));
      return;
    }
    const event: EventV1 = {
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { name: `${regarding.name}.${this.nanos(now).toString(16)}`, namespace: regarding.namespace || "default" },
      eventTime: microTime(now),
      reportingController: this.reportingController,
      reportingInstance: this.reportingInstance,
      action: a,
      reason: r,
      regarding,
      ...(related ? { related } : {}),
      note: truncateBytes(note, maxNoteBytes),
      type,
    };
    let resolveCreated!: (ok: boolean) => void;
    const created = new Promise<boolean>((res) => (resolveCreated = res));
    const fresh: SeriesEntry = { event, count: 1, lastObserved: now.getTime(), created, syncing: false, dirty: false };
    this.series.set(key, fresh);
    this.track(
      (async () => {
        try {
          await this.client.create(event);
          this.counters.created++;
          resolveCreated(true);
        } catch (err) {
          this.counters.failed++;
          resolveCreated(false);
          if (this.series.get(key) === fresh) this.series.delete(key);
          this.logger.error("could not create event", err, { name: event.metadata.name, namespace: event.metadata.namespace, reason: r });
        }
      })(),
    );
  }

  /** Sends the entry's latest count until it is no longer dirty (one request in flight per series). */
  private async syncSeries(key: string, entry: SeriesEntry): Promise<void> {
    entry.syncing = true;
    try {
      if (!(await entry.created)) return;
      while (entry.dirty) {
        entry.dirty = false;
        const series: EventSeries = { count: entry.count, lastObservedTime: microTime(new Date(entry.lastObserved)) };
        const ref = { apiVersion: entry.event.apiVersion, kind: entry.event.kind, name: entry.event.metadata.name ?? "", namespace: entry.event.metadata.namespace ?? "default" };
        try {
          try {
            await this.client.patch(ref, mergePatch({ series }));
          } catch (err) {
            if (!isNotFound(err)) throw err;
            // the event was deleted (TTL, by hand): create it again with its series, as upstream
            await this.client.create({ ...entry.event, series });
          }
          this.counters.seriesUpdates++;
        } catch (err) {
          this.counters.failed++;
          this.logger.error("could not update event series", err, { name: ref.name, namespace: ref.namespace, count: series.count });
          if (this.series.get(key) === entry) this.series.delete(key);
          return;
        }
      }
    } finally {
      entry.syncing = false;
    }
  }

  private allow(objKey: string): boolean {
    if (!(this.spamQps > 0) || !Number.isFinite(this.spamQps)) return true;
    let bucket = this.buckets.get(objKey);
    if (!bucket) {
      bucket = new TokenBucket(this.spamQps, this.spamBurst, () => this.now().getTime());
      this.buckets.set(objKey, bucket);
    }
    return bucket.tryAccept();
  }

  /** Unix nanoseconds of `now`, strictly increasing per recorder (unique event names). */
  private nanos(now: Date): bigint {
    let n = BigInt(now.getTime()) * 1_000_000n;
    if (n <= this.lastNano) n = this.lastNano + 1n;
    this.lastNano = n;
    return n;
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }
}

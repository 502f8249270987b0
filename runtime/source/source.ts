/**
 * Sources (controller-runtime's pkg/source): where a controller's events come from. A source is started once
 * with the controller's queue and feeds it through an event handler, after its predicates.
 *
 * - {@link kind} / {@link KindSource}: the events of one kind from a Cache's shared informer (the usual source;
 *   one watch per kind however many controllers use it).
 * - {@link channel} / {@link ChannelSource}: generic events from an async iterable, e.g. a
 *   {@link GenericEventChannel} fed by a webhook, a timer or another system.
 */
import type { Informer, GetInformerOptions } from "../cache/index.js";
import { isDeletedFinalStateUnknown, type DeletedFinalStateUnknown } from "../cache/store.js";
import type { GroupVersionKind } from "../core/gvk.js";
import { apiVersionOf, parseApiVersion } from "../core/gvk.js";
import type { KubeObject } from "../core/object.js";
import type { GenericEvent } from "../handler/event.js";
import type { EventHandler, RequestQueue } from "../handler/handler.js";
import { testAll, type EventOfType, type EventType, type Predicate } from "../predicate/predicate.js";
import { defaultLogger, type Logger } from "../reconcile/logger.js";

/** Something that produces events for a controller's queue. */
export interface Source {
  /**
   * Starts delivering events to `queue` until `signal` aborts. Must not block: it registers (or spawns what
   * delivers) and resolves; waiting for data is {@link SyncingSource.waitForSync}'s job. Called at most once.
   * Rejects only when the source cannot be started at all (e.g. started twice).
   */
  start(signal: AbortSignal, queue: RequestQueue): Promise<void>;
  /** A short description for logs and errors ("kind source: apps/v1, Kind=Deployment"). */
  toString(): string;
}

/** A source backed by a cache that has an initial sync to wait for. */
export interface SyncingSource extends Source {
  /**
   * After `start`: resolves true once the source's cache has synced (its initial list has been delivered),
   * false if `signal` aborts first; rejects when the source failed to start (e.g. the informer could never be
   * obtained — then the error names the kind and the last cause).
   */
  waitForSync(signal: AbortSignal): Promise<boolean>;
}

/** A type guard for sources with a sync to wait for. */
export function isSyncingSource(s: Source): s is SyncingSource {
  return typeof (s as Partial<SyncingSource>).waitForSync === "function";
}

/** A type guard for sources (anything with a start method taking a signal and a queue). */
export function isSource(v: unknown): v is Source {
  return typeof v === "object" && v !== null && typeof (v as Partial<Source>).start === "function";
}

/** A kind: a GroupVersionKind or an `{ apiVersion, kind }` type reference. */
export type KindType = GroupVersionKind | { apiVersion: string; kind: string };

/** The GroupVersionKind of a KindType. */
export function toGVK(t: KindType): GroupVersionKind {
  if ("apiVersion" in t) return { ...parseApiVersion(t.apiVersion), kind: t.kind };
  return { group: t.group, version: t.version, kind: t.kind };
}

/** "apps/v1, Kind=Deployment" (as controller-runtime and the cache name kinds). */
export function kindString(t: KindType): string {
  const g = toGVK(t);
  return `${apiVersionOf(g)}, Kind=${g.kind}`;
}

/** What a KindSource needs of a cache: runtime/cache's Cache. */
export interface InformerCache {
  /** The shared informer of a kind; rejects when the server does not serve the kind. */
  getInformer<T extends KubeObject = KubeObject>(gvk: GroupVersionKind, opts?: GetInformerOptions): Promise<Informer<T>>;
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Calls a handler method, logging (never throwing) its synchronous or asynchronous failure. */
function invoke(log: Logger, what: string, fn: () => void | Promise<void>): void {
  try {
    const r = fn();
    if (r instanceof Promise) r.catch((err: unknown) => log.error(`event handler failed on ${what}`, err));
  } catch (err) {
    log.error(`event handler failed on ${what}`, err);
  }
}

/** Applies predicates then the handler to one event. */
function dispatch<T extends KubeObject, E extends EventType>(
  handler: EventHandler<T>,
  predicates: readonly Predicate<T>[],
  queue: RequestQueue,
  log: Logger,
  type: E,
  ev: EventOfType<T>[E],
): void {
  let pass: boolean;
  try {
    pass = testAll(predicates, type, ev);
  } catch (err) {
    log.error(`predicate failed on ${type} event; event dropped`, err);
    return;
  }
  if (!pass) return;
  const method = handler[type] as (ev: EventOfType<T>[E], q: RequestQueue) => void | Promise<void>;
  invoke(log, `${type} event`, () => method.call(handler, ev, queue));
}

/** Options of {@link KindSource}. */
export interface KindSourceOptions<T extends KubeObject = KubeObject> {
  cache: InformerCache;
  type: KindType;
  handler: EventHandler<T>;
  predicates?: readonly Predicate<T>[];
  logger?: Logger;
  /** First delay between attempts to get the informer (doubling up to 10 s); default 500 ms. */
  retryDelayMs?: number;
}

/**
 * The events of one kind, from the cache's shared informer. `start` gets the informer (retrying, with the error
 * logged, while the cache rejects, e.g. a CRD that is not installed yet), registers the handler and resolves
 * without waiting; `waitForSync` waits for the informer's initial list. The handler registration is removed when
 * the signal aborts.
 */
export class KindSource<T extends KubeObject = KubeObject> implements SyncingSource {
  readonly gvk: GroupVersionKind;
  private readonly opts: KindSourceOptions<T>;
  private readonly log: Logger;
  private started: Promise<Informer<T> | undefined> | undefined;
  private lastError: unknown;

  constructor(opts: KindSourceOptions<T>) {
    this.opts = opts;
    this.gvk = toGVK(opts.type);
    if (!this.gvk.version || !this.gvk.kind) throw new TypeError(`kind source: a kind needs a version and a kind, got ${JSON.stringify(opts.type)}`);
    this.log = (opts.logger ?? defaultLogger()).withValues({ source: this.toString() });
  }

  toString(): string {
    return `kind source: ${kindString(this.gvk)}`;
  }

  start(signal: AbortSignal, queue: RequestQueue): Promise<void> {
    if (this.started) return Promise.reject(new Error(`${this.toString()} was started more than once`));
    this.started = this.run(signal, queue);
    return Promise.resolve();
  }

  async waitForSync(signal: AbortSignal): Promise<boolean> {
    if (!this.started) throw new Error(`${this.toString()}: waitForSync called before start`);
    const aborted = new Promise<"aborted">((resolve) => {
      if (signal.aborted) resolve("aborted");
      else signal.addEventListener("abort", () => resolve("aborted"), { once: true });
    });
    const inf = await Promise.race([this.started, aborted]);
    if (inf === "aborted" || inf === undefined) return this.failIfErrored(false);
    const synced = await inf.waitForCacheSync(signal);
    return synced ? true : this.failIfErrored(false);
  }

  private failIfErrored(result: boolean): boolean {
    if (this.lastError !== undefined) {
      throw new Error(`failed to get informer from cache for ${kindString(this.gvk)}: ${describeError(this.lastError)}`, { cause: this.lastError });
    }
    return result;
  }

  private async run(signal: AbortSignal, queue: RequestQueue): Promise<Informer<T> | undefined> {
    let delay = this.opts.retryDelayMs ?? 500;
    let inf: Informer<T> | undefined;
    while (!signal.aborted) {
      try {
        inf = await this.opts.cache.getInformer<T>(this.gvk, { blockUntilSynced: false, signal });
        this.lastError = undefined;
        break;
      } catch (err) {
        if (signal.aborted) break;
        this.lastError = err;
        this.log.error("failed to get informer from cache (if the kind is a CRD, it should be installed before the controller starts); retrying", err, { kind: kindString(this.gvk), retryInMs: delay });
        await sleep(delay, signal);
        delay = Math.min(delay * 2, 10_000);
      }
    }
    if (!inf || signal.aborted) return undefined;
    const { handler, predicates = [] } = this.opts;
    const log = this.log;
    const reg = inf.addEventHandler({
      onAdd: (obj, isInInitialList) => dispatch(handler, predicates, queue, log, "create", { object: obj, isInInitialList }),
      onUpdate: (objectOld, objectNew) => dispatch(handler, predicates, queue, log, "update", { objectOld, objectNew }),
      onDelete: (obj: T | DeletedFinalStateUnknown<T>) => {
        if (isDeletedFinalStateUnknown(obj)) dispatch(handler, predicates, queue, log, "delete", { object: obj.obj as T, deleteStateUnknown: true });
        else dispatch(handler, predicates, queue, log, "delete", { object: obj, deleteStateUnknown: false });
      },
    });
    signal.addEventListener("abort", () => reg.remove(), { once: true });
    return inf;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** The events of one kind from `cache` (controller-runtime's source.Kind). */
export function kind<T extends KubeObject = KubeObject>(cache: InformerCache, type: KindType, handler: EventHandler<T>, ...predicates: Predicate<T>[]): KindSource<T> {
  return new KindSource<T>({ cache, type, handler, predicates });
}

/**
 * An unbounded channel of generic events: `send(obj)` from anywhere, consumed by one {@link ChannelSource}.
 * Events sent before the source starts are buffered. `close()` ends the stream.
 */
export class GenericEventChannel<T extends KubeObject = KubeObject> implements AsyncIterable<GenericEvent<T>> {
  private readonly buffer: GenericEvent<T>[] = [];
  private waiter: ((r: IteratorResult<GenericEvent<T>>) => void) | undefined;
  private closed = false;

  /** Queues a generic event for `obj` (ignored after close). */
  send(obj: T): void {
    if (this.closed) return;
    const ev: GenericEvent<T> = { object: obj };
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w({ value: ev, done: false });
    } else this.buffer.push(ev);
  }

  /** Ends the stream once the buffered events are consumed. */
  close(): void {
    this.closed = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<GenericEvent<T>> {
    return {
      next: () => {
        const ev = this.buffer.shift();
        if (ev) return Promise.resolve({ value: ev, done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiter = resolve));
      },
      return: () => {
        this.waiter = undefined;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

/** Options of {@link ChannelSource}. */
export interface ChannelSourceOptions<T extends KubeObject = KubeObject> {
  /** Generic events, or objects (each becomes a generic event). */
  events: AsyncIterable<GenericEvent<T> | T>;
  handler: EventHandler<T>;
  predicates?: readonly Predicate<T>[];
  logger?: Logger;
}

function isGenericEvent<T extends KubeObject>(v: GenericEvent<T> | T): v is GenericEvent<T> {
  return !("metadata" in v) && "object" in v;
}

/**
 * Generic events from an async iterable (controller-runtime's source.Channel): each goes through the
 * predicates' `generic` and the handler's `generic`. `start` spawns the consumer and resolves; consumption stops
 * when the signal aborts or the iterable ends. An iterable that throws is logged and consumption ends.
 */
export class ChannelSource<T extends KubeObject = KubeObject> implements Source {
  private readonly opts: ChannelSourceOptions<T>;
  private readonly log: Logger;
  private started = false;

  constructor(opts: ChannelSourceOptions<T>) {
    this.opts = opts;
    this.log = (opts.logger ?? defaultLogger()).withValues({ source: this.toString() });
  }

  toString(): string {
    return "channel source";
  }

  start(signal: AbortSignal, queue: RequestQueue): Promise<void> {
    if (this.started) return Promise.reject(new Error("channel source was started more than once"));
    this.started = true;
    void this.consume(signal, queue);
    return Promise.resolve();
  }

  private async consume(signal: AbortSignal, queue: RequestQueue): Promise<void> {
    const it = this.opts.events[Symbol.asyncIterator]();
    const aborted = new Promise<"aborted">((resolve) => {
      if (signal.aborted) resolve("aborted");
      else signal.addEventListener("abort", () => resolve("aborted"), { once: true });
    });
    const { handler, predicates = [] } = this.opts;
    try {
      for (;;) {
        const r = await Promise.race([it.next(), aborted]);
        if (r === "aborted" || r.done) break;
        const ev: GenericEvent<T> = isGenericEvent(r.value) ? r.value : { object: r.value };
        dispatch(handler, predicates, queue, this.log, "generic", ev);
      }
    } catch (err) {
      this.log.error("channel source stopped: its iterable failed", err);
    } finally {
      void Promise.resolve(it.return?.()).catch(() => {});
    }
  }
}

/** Generic events from `events` (controller-runtime's source.Channel). */
export function channel<T extends KubeObject = KubeObject>(events: AsyncIterable<GenericEvent<T> | T>, handler: EventHandler<T>, ...predicates: Predicate<T>[]): ChannelSource<T> {
  return new ChannelSource<T>({ events, handler, predicates });
}

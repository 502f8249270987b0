/**
 * Shared index informers (client-go's SharedIndexInformer): one reflector feeding one indexed store, and any
 * number of event handlers told about every change.
 *
 * Guarantees:
 * - Handlers see a consistent stream per key: add, then updates, then delete; a relist reports only the
 *   difference (adds, updates for a changed resourceVersion, deletes with DeletedFinalStateUnknown tombstones
 *   for vanished keys); a delete+recreate with the same name is a delete then an add, never an update.
 * - When a handler is called the store already holds the new state (so a handler may read the cache).
 * - A handler added after start is first given a synthetic add (isInInitialList = true) for every stored object.
 * - With a resync period, every stored object is re-delivered as onUpdate(obj, obj) each period (from the cache;
 *   no request to the server): level-triggered consumers use it to re-check the world.
 * - A handler that throws is logged and counted; it never stops the informer or other handlers.
 * Assumptions: handlers are fast and do not block (they put keys on a work queue); they are called
 *   synchronously, in event order, one handler after another.
 * Caveats: objects are shared and deep-frozen: deep-copy before changing one.
 */
import type { KubeObject } from "../core/object.js";
import { defaultIndexers, type Indexers } from "./indexer.js";
import type { ListerWatcher } from "./listwatch.js";
import { defaultLogger, type CacheLogger } from "./logger.js";
import { Reflector, type ReflectorOptions, type ReflectorPhase, type ReflectorStats, type ReflectorStore } from "./reflector.js";
import { deletionHandlingKey, Store, stripManagedFields, type DeletedFinalStateUnknown, type Indexer, type StoreChange, type TransformFunc } from "./store.js";

/** What an informer tells its consumers. Every method is optional. */
export interface ResourceEventHandler<T extends KubeObject = KubeObject> {
  /**
   * An object appeared: from the initial list (isInInitialList = true, also for the synthetic adds a late
   * handler receives), from a watch event, or from a relist that found a new key.
   */
  onAdd?(obj: T, isInInitialList: boolean): void;
  /** An object changed (or, on resync, oldObj === newObj: compare resourceVersions to tell them apart). */
  onUpdate?(oldObj: T, newObj: T): void;
  /**
   * An object is gone: its final state, or a DeletedFinalStateUnknown tombstone holding the last known state
   * when the deletion was not observed (it happened while the watch was down, or the key was recreated).
   */
  onDelete?(obj: T | DeletedFinalStateUnknown<T>): void;
}

export interface EventHandlerOptions {
  /** Resync this handler every so many ms (at least 1000); default the informer's resync period; 0 = never. */
  resyncPeriodMs?: number;
}

/** Returned by addEventHandler. */
export interface ResourceEventHandlerRegistration {
  /** True once the handler has been given the initial contents (the informer has synced). */
  hasSynced(): boolean;
  /** Stops delivery to this handler. Idempotent. */
  remove(): void;
}

/** The consumer-facing side of an informer (also what a Cache hands out). */
export interface Informer<T extends KubeObject = KubeObject> {
  /**
   * Registers a handler. If the informer already holds objects, the handler is first given a synthetic add for
   * each (synchronously, before this returns), then every later change. Allowed from within a handler: the new
   * handler is given the store as it is then, and none of the changes of the dispatch in progress.
   */
  addEventHandler(handler: ResourceEventHandler<T>, opts?: EventHandlerOptions): ResourceEventHandlerRegistration;
  /** Same as registration.remove(). */
  removeEventHandler(registration: ResourceEventHandlerRegistration): void;
  /** Adds indexes, built at once over the current contents. Throws IndexConflictError for a taken name. */
  addIndexers(indexers: Indexers<T>): void;
  /** True once the first complete list has been stored and delivered to the handlers. */
  hasSynced(): boolean;
  /** Resolves true once synced, or false if `signal` aborts (or the informer stops) first. */
  waitForCacheSync(signal?: AbortSignal): Promise<boolean>;
  /** True after `run` has returned. */
  isStopped(): boolean;
  /** The resourceVersion the informer's data is at ("" before the first list). Opaque. */
  lastSyncResourceVersion(): string;
}

export interface SharedIndexInformerOptions<T extends KubeObject = KubeObject> {
  listerWatcher: ListerWatcher<T>;
  /** For logs and errors. */
  name?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Metadata-only list and watch (objects are PartialObjectMetadata). */
  metadataOnly?: boolean;
  /** Default resync period of handlers in ms; 0 (default) = none. */
  resyncPeriodMs?: number;
  /** Indexes; default namespace and owner uid (pass {} for none). */
  indexers?: Indexers<T>;
  /** Applied to every object before it is stored; default stripManagedFields; null = none. */
  transform?: TransformFunc<T> | null;
  /** Deep-freeze stored objects; default true. */
  freeze?: boolean;
  logger?: CacheLogger;
  /** Called for every failure (list, watch, decode, handler, transform, index), after it is logged. */
  onError?: (err: unknown, info: { phase: InformerPhase; name: string }) => void;
  /** Reflector tuning (page size, backoff, watch timeouts). */
  reflector?: Pick<ReflectorOptions, "pageSize" | "backoff" | "minWatchTimeoutSeconds" | "random">;
}

export type InformerPhase = ReflectorPhase | "handler" | "transform" | "index";

export interface InformerStats extends ReflectorStats {
  /** Handler calls that threw. */
  handlerErrors: number;
  /** Objects stored. */
  objects: number;
}

interface Listener<T extends KubeObject> {
  handler: ResourceEventHandler<T>;
  resyncPeriodMs: number;
  timer: NodeJS.Timeout | undefined;
  removed: boolean;
}

const minimumResyncPeriodMs = 1000;

export class SharedIndexInformer<T extends KubeObject = KubeObject> implements Informer<T> {
  readonly name: string;
  private readonly store: Store<T>;
  private readonly reflector: Reflector<T>;
  private readonly listeners: Listener<T>[] = [];
  private readonly transform: TransformFunc<T> | null;
  private readonly logger: CacheLogger;
  private readonly onError: SharedIndexInformerOptions<T>["onError"];
  private readonly defaultResyncMs: number;
  private readonly syncWaiters = new Set<(synced: boolean) => void>();
  private synced = false;
  private started = false;
  private stopped = false;
  private handlerErrors = 0;

  constructor(opts: SharedIndexInformerOptions<T>) {
    this.name = opts.name ?? "informer";
    this.logger = opts.logger ?? defaultLogger;
    this.onError = opts.onError;
    this.transform = opts.transform === undefined ? stripManagedFields : opts.transform;
    this.defaultResyncMs = opts.resyncPeriodMs ?? 0;
    this.store = new Store<T>({
      indexers: opts.indexers ?? defaultIndexers(),
      ...(opts.freeze !== undefined ? { freeze: opts.freeze } : {}),
      onIndexError: (indexName, err) => this.fail("index", err, `index function ${indexName} failed`),
    });
    const sink: ReflectorStore<T> = {
      replace: (items) => this.onReplace(items),
      add: (obj) => this.deliver(this.store.add(this.prepare(obj)), false),
      update: (obj) => this.deliver(this.store.update(this.prepare(obj)), false),
      delete: (obj) => this.deliver(this.store.delete(this.prepare(obj)), false),
    };
    this.reflector = new Reflector<T>(opts.listerWatcher, sink, {
      ...opts.reflector,
      name: this.name,
      ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}),
      ...(opts.fieldSelector ? { fieldSelector: opts.fieldSelector } : {}),
      ...(opts.metadataOnly ? { metadataOnly: true } : {}),
      logger: this.logger,
      onError: (err, info) => this.hook(err, info.phase),
    });
  }

  /** The store (read-only view): get, list and index lookups. */
  getIndexer(): Indexer<T> {
    return this.store;
  }

  /** Same as getIndexer (client-go has both). */
  getStore(): Indexer<T> {
    return this.store;
  }

  addIndexers(indexers: Indexers<T>): void {
    this.store.addIndexers(indexers);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  isStopped(): boolean {
    return this.stopped;
  }

  lastSyncResourceVersion(): string {
    return this.reflector.lastSyncResourceVersion();
  }

  stats(): InformerStats {
    return { ...this.reflector.stats(), handlerErrors: this.handlerErrors, objects: this.store.size };
  }

  waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (this.stopped || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        this.syncWaiters.delete(done);
        signal?.removeEventListener("abort", onAbort);
        resolve(ok);
      };
      const onAbort = (): void => done(false);
      this.syncWaiters.add(done);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  addEventHandler(handler: ResourceEventHandler<T>, opts: EventHandlerOptions = {}): ResourceEventHandlerRegistration {
    let period = opts.resyncPeriodMs ?? this.defaultResyncMs;
    if (period > 0 && period < minimumResyncPeriodMs) period = minimumResyncPeriodMs;
    const listener: Listener<T> = { handler, resyncPeriodMs: period, timer: undefined, removed: false };
    // synthetic adds of what is already stored, before the handler sees any real event
    for (const obj of this.store.list()) this.call(listener, { type: "added", obj }, true);
    this.listeners.push(listener);
    if (this.started && !this.stopped) this.scheduleResync(listener);
    const registration: ResourceEventHandlerRegistration = {
      hasSynced: () => this.synced,
      remove: () => {
        if (listener.removed) return;
        listener.removed = true;
        clearTimeout(listener.timer);
        const i = this.listeners.indexOf(listener);
        if (i >= 0) this.listeners.splice(i, 1);
      },
    };
    return registration;
  }

  removeEventHandler(registration: ResourceEventHandlerRegistration): void {
    registration.remove();
  }

  /**
   * Runs the reflector until `signal` aborts, then resolves (a Runnable: it blocks). Runs once: a second call
   * throws.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.started) throw new Error(`informer ${this.name} has already been started`);
    this.started = true;
    for (const l of this.listeners) this.scheduleResync(l);
    try {
      await this.reflector.run(signal);
    } finally {
      this.stopped = true;
      for (const l of this.listeners) clearTimeout(l.timer);
      for (const w of [...this.syncWaiters]) w(false);
    }
  }

  // ---- ingestion ----

  private prepare(obj: T): T {
    if (!this.transform) return obj;
    try {
      return this.transform(obj);
    } catch (err) {
      this.fail("transform", err, `transform failed for ${deletionHandlingKey(obj)}, storing the object untransformed`);
      return obj;
    }
  }

  private onReplace(items: T[]): void {
    const prepared = this.transform ? items.map((o) => this.prepare(o)) : items;
    const initial = !this.synced;
    this.deliver(this.store.replace(prepared), initial);
    if (initial) {
      this.synced = true;
      for (const w of [...this.syncWaiters]) w(true);
    }
  }

  private deliver(changes: StoreChange<T>[], initial: boolean): void {
    if (changes.length === 0 || this.listeners.length === 0) return;
    const listeners = [...this.listeners];
    for (const change of changes) for (const l of listeners) this.call(l, change, initial);
  }

  private call(l: Listener<T>, change: StoreChange<T>, initial: boolean): void {
    if (l.removed) return;
    try {
      switch (change.type) {
        case "added":
          l.handler.onAdd?.(change.obj, initial);
          break;
        case "updated":
          l.handler.onUpdate?.(change.oldObj, change.obj);
          break;
        case "deleted":
          l.handler.onDelete?.(change.obj);
          break;
      }
    } catch (err) {
      this.handlerErrors++;
      this.fail("handler", err, `event handler failed on ${change.type} ${deletionHandlingKey(change.obj)}`);
    }
  }

  // ---- resync ----

  private scheduleResync(l: Listener<T>): void {
    clearTimeout(l.timer);
    if (l.resyncPeriodMs <= 0 || l.removed) return;
    l.timer = setTimeout(() => {
      if (l.removed || this.stopped) return;
      if (this.synced) for (const obj of this.store.list()) this.call(l, { type: "updated", oldObj: obj, obj }, false);
      this.scheduleResync(l);
    }, l.resyncPeriodMs);
    l.timer.unref?.();
  }

  // ---- errors ----

  private fail(phase: InformerPhase, err: unknown, msg: string): void {
    this.logger.error(`${this.name}: ${msg}`, err);
    this.hook(err, phase);
  }

  private hook(err: unknown, phase: InformerPhase): void {
    try {
      this.onError?.(err, { phase, name: this.name });
    } catch {
      // a broken hook must not stop the informer
    }
  }
}

/** Resolves true once every informer has synced, false if `signal` aborts first (client-go's WaitForCacheSync). */
export async function waitForCacheSync(signal: AbortSignal | undefined, ...informers: Pick<Informer, "waitForCacheSync">[]): Promise<boolean> {
  const results = await Promise.all(informers.map((i) => i.waitForCacheSync(signal)));
  return results.every(Boolean);
}

/**
 * The in-memory storage backend: etcd-like MVCC semantics at the cost of a bounded event history.
 *
 * Per resource it keeps the current state (a Map plus a sorted key array for ordered, paginated lists) and a
 * ring of the latest events `{type, key, rev, object, prevObject}`. The state at an older revision R is the
 * current state with every key touched after R rolled back to the `prevObject` of its earliest event after R;
 * that serves Exact lists, continue pages and watches from R, as long as R is not older than the newest event
 * the ring has evicted (else 410 Expired, like a compacted etcd).
 *
 * All writes are synchronous once decided: a commit takes the next revision of the backend-wide counter, stores a
 * new object with that resourceVersion and dispatches the event to the resource's watchers before returning, in
 * revision order. Stored objects are never mutated afterwards, so they are handed out without copying: callers
 * must treat everything they read (get, list, watch events, guaranteedUpdate results) as read-only. Set
 * `freezeObjects` (or KUBEFORGE_STORAGE_FREEZE=1) to deep-freeze stored objects and catch offenders; it is off
 * by default because freezing costs as much as a copy.
 */
import { newInternalError, newResourceExpired, newServiceUnavailable, newTooLargeResourceVersion, type StatusError } from "../core/errors.js";
import type { KubeObject } from "../core/object.js";
import { encodeContinue, newContinueExpired, resolveListStart } from "./continue.js";
import {
  StorageError,
  type ListOptions,
  type ListResult,
  type Predicate,
  type Preconditions,
  type Storage,
  type StorageBackend,
  type TryUpdate,
  type UpdateOptions,
  type Watch,
  type WatchEvent,
  type WatchHandler,
  type WatchOptions,
} from "./interface.js";
import { equalIgnoringResourceVersion } from "./jsonequal.js";
import { Ring } from "./ring.js";
import { SortedKeys } from "./sortedkeys.js";
import { numericVersioner } from "./versioner.js";

export interface MemoryBackendOptions {
  /** Events kept per resource; older revisions of a resource answer 410 Expired. Default 10000. */
  historyCapacity?: number;
  /** Interval of the BOOKMARK events sent to watches with allowWatchBookmarks. Default 60000. */
  bookmarkIntervalMs?: number;
  /** How long a list or watch at a resourceVersion not reached yet waits before 504 Timeout. Default 3000. */
  futureRevisionWaitMs?: number;
  /** Deep-freeze stored objects (debug aid). Default: true when KUBEFORGE_STORAGE_FREEZE=1. */
  freezeObjects?: boolean;
}

/** A committed change, as kept in a resource's history. */
interface StoredEvent {
  readonly type: "ADDED" | "MODIFIED" | "DELETED";
  readonly key: string;
  readonly rev: number;
  /** The new object; for DELETED the last state carrying the deletion's resourceVersion. */
  readonly object: KubeObject;
  /** The state before the change (undefined for ADDED). */
  readonly prevObject: KubeObject | undefined;
}

/** An in-memory StorageBackend: one revision counter shared by all resources, like one etcd. */
export class MemoryBackend implements StorageBackend {
  private readonly core: Core;
  private readonly storages = new Map<string, MemoryStorage>();

  constructor(opts: MemoryBackendOptions = {}) {
    this.core = new Core(opts);
  }

  forResource(name: string): Storage {
    let s = this.storages.get(name);
    if (!s) {
      s = new MemoryStorage(this.core, name);
      this.storages.set(name, s);
    }
    return s;
  }

  currentResourceVersion(): Promise<string> {
    return Promise.resolve(String(this.core.revision));
  }

  /** Ends every watch (handler.close() without error) and fails pending and later operations. Idempotent. */
  close(): Promise<void> {
    if (this.core.closed) return Promise.resolve();
    this.core.shutdown();
    for (const s of this.storages.values()) s.closeWatches();
    return Promise.resolve();
  }
}

interface RevisionWaiter {
  rev: number;
  resolve: (reached: boolean) => void;
  reject: (err: StatusError) => void;
  timer: NodeJS.Timeout;
}

/** Backend-wide state: the revision counter, event dispatch, waiters for future revisions, bookmarks. */
class Core {
  revision = 0;
  closed = false;
  readonly historyCapacity: number;
  readonly freeze: boolean;
  private readonly bookmarkIntervalMs: number;
  private readonly futureRevisionWaitMs: number;
  private waiters: RevisionWaiter[] = [];
  private readonly bookmarkWatches = new Set<MemoryWatch>();
  private bookmarkTimer: NodeJS.Timeout | undefined;
  /** Events committed but not yet dispatched (non-empty only while a watch handler writes re-entrantly). */
  private readonly queue: { store: MemoryStorage; ev: StoredEvent }[] = [];
  private dispatching = false;

  constructor(opts: MemoryBackendOptions) {
    this.historyCapacity = opts.historyCapacity ?? 10_000;
    this.bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 60_000;
    this.futureRevisionWaitMs = opts.futureRevisionWaitMs ?? 3_000;
    this.freeze = opts.freezeObjects ?? process.env["KUBEFORGE_STORAGE_FREEZE"] === "1";
    if (!Number.isInteger(this.historyCapacity) || this.historyCapacity < 1) throw new RangeError(`historyCapacity must be a positive integer, got ${this.historyCapacity}`);
    if (!(this.bookmarkIntervalMs > 0)) throw new RangeError(`bookmarkIntervalMs must be positive, got ${this.bookmarkIntervalMs}`);
  }

  checkOpen(): void {
    if (this.closed) throw newServiceUnavailable("storage backend is closed");
  }

  /**
   * Dispatches a committed event to the watches of its resource, in commit order even when a handler writes
   * re-entrantly (the nested commit is queued behind the current one), then wakes waiters.
   */
  publish(store: MemoryStorage, ev: StoredEvent): void {
    this.queue.push({ store, ev });
    if (!this.dispatching) {
      this.dispatching = true;
      try {
        for (let i = 0; i < this.queue.length; i++) {
          const item = this.queue[i] as { store: MemoryStorage; ev: StoredEvent };
          for (const w of item.store.watches) w.deliver(item.ev);
        }
      } finally {
        this.queue.length = 0;
        this.dispatching = false;
      }
    }
    if (this.waiters.length > 0) this.wake();
  }

  private wake(): void {
    const still: RevisionWaiter[] = [];
    for (const w of this.waiters) {
      if (w.rev <= this.revision) {
        clearTimeout(w.timer);
        w.resolve(true);
      } else still.push(w);
    }
    this.waiters = still;
  }

  /** Resolves once the backend reaches `rev`; rejects with 504 ResourceVersionTooLarge after the wait limit. */
  async waitForRevision(rev: number): Promise<void> {
    if (rev <= this.revision) return;
    const reached = await new Promise<boolean>((resolve, reject) => {
      const w: RevisionWaiter = {
        rev,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((x) => x !== w);
          resolve(false);
        }, this.futureRevisionWaitMs),
      };
      this.waiters.push(w);
    });
    if (!reached) throw newTooLargeResourceVersion(String(rev), String(this.revision));
  }

  addBookmarkWatch(w: MemoryWatch): void {
    this.bookmarkWatches.add(w);
    if (!this.bookmarkTimer) {
      this.bookmarkTimer = setInterval(() => this.sendBookmarks(), this.bookmarkIntervalMs);
      this.bookmarkTimer.unref();
    }
  }

  removeBookmarkWatch(w: MemoryWatch): void {
    if (!this.bookmarkWatches.delete(w) || this.bookmarkWatches.size > 0) return;
    clearInterval(this.bookmarkTimer);
    this.bookmarkTimer = undefined;
  }

  /** Timers never fire mid-dispatch, so the latest revision is >= every event any watch has been sent. */
  private sendBookmarks(): void {
    const resourceVersion = String(this.revision);
    for (const w of this.bookmarkWatches) w.emit({ type: "BOOKMARK", object: { metadata: { resourceVersion } } });
  }

  shutdown(): void {
    this.closed = true;
    clearInterval(this.bookmarkTimer);
    this.bookmarkTimer = undefined;
    const err = newServiceUnavailable("storage backend is closed");
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(err);
    }
    this.waiters = [];
  }
}

/** Iterates the keys of a list snapshot in order, from the list's start key to the end of its prefix. */
interface SnapshotCursor {
  next(): [string, KubeObject] | undefined;
  /** Snapshot keys not yet returned by next(). */
  remaining(): number;
}

/** The storage of one resource. */
class MemoryStorage implements Storage {
  readonly versioner = numericVersioner;
  /** Live watches of this resource (read by Core.publish). */
  readonly watches = new Set<MemoryWatch>();
  private readonly objects = new Map<string, KubeObject>();
  private readonly keys = new SortedKeys();
  private readonly history: Ring<StoredEvent>;
  /** Revision of the newest event evicted from `history`: states at revisions >= this can be rebuilt. */
  private evictedRev = 0;

  constructor(
    private readonly core: Core,
    readonly name: string,
  ) {
    this.history = new Ring(core.historyCapacity);
  }

  async create(key: string, obj: KubeObject): Promise<KubeObject> {
    this.core.checkOpen();
    if (this.objects.has(key)) throw new StorageError("KeyExists", key, `key ${JSON.stringify(key)} already exists`);
    return this.commit("ADDED", key, structuredClone(obj), undefined);
  }

  async get(key: string): Promise<KubeObject | undefined> {
    this.core.checkOpen();
    return this.objects.get(key);
  }

  async count(): Promise<number> {
    this.core.checkOpen();
    return this.objects.size;
  }

  async guaranteedUpdate(key: string, opts: UpdateOptions, tryUpdate: TryUpdate): Promise<KubeObject> {
    for (;;) {
      this.core.checkOpen();
      const current = this.objects.get(key);
      if (!current && !opts.ignoreNotFound) throw notFound(key);
      checkPreconditions(key, current, opts.preconditions);
      const next = await tryUpdate(current ? structuredClone(current) : undefined);
      this.core.checkOpen();
      // Someone else wrote the key meanwhile (every commit stores a new object): recompute from the new state.
      if (this.objects.get(key) !== current) continue;
      if (typeof next !== "object" || next === null) throw new StorageError("InvalidObj", key, "tryUpdate returned no object");
      if (current && equalIgnoringResourceVersion(next, current)) return current;
      return this.commit(current ? "MODIFIED" : "ADDED", key, structuredClone(next), current);
    }
  }

  async delete(key: string, preconditions?: Preconditions, validate?: (current: KubeObject) => void | Promise<void>): Promise<KubeObject> {
    for (;;) {
      this.core.checkOpen();
      const current = this.objects.get(key);
      if (!current) throw notFound(key);
      checkPreconditions(key, current, preconditions);
      if (validate) {
        await validate(current);
        this.core.checkOpen();
        if (this.objects.get(key) !== current) continue;
      }
      return this.commit("DELETED", key, undefined, current);
    }
  }

  async list(opts: ListOptions): Promise<ListResult> {
    this.core.checkOpen();
    const prefix = opts.prefix ?? "";
    const limit = opts.limit !== undefined && opts.limit > 0 ? Math.floor(opts.limit) : 0;
    const { startKey: lower, revision: snapshotRev, fromContinue } = await resolveListStart(opts, (rv) => this.versioner.parse(rv), (r) => this.core.waitForRevision(r));
    // From here on everything is synchronous: the page is one consistent state.
    this.core.checkOpen();
    const rev = snapshotRev ?? this.core.revision;
    if (rev < this.evictedRev) {
      throw fromContinue ? newContinueExpired(lower, prefix) : newResourceExpired(`too old resource version: ${rev} (${this.evictedRev})`);
    }
    const cursor = this.cursor(rev, lower, prefix);
    const items: KubeObject[] = [];
    const pred = opts.predicate;
    let lastKey: string | undefined;
    let more = false;
    for (let entry = cursor.next(); entry; entry = cursor.next()) {
      if (limit > 0 && items.length >= limit) {
        more = true;
        break;
      }
      if (!pred || pred(entry[1])) {
        items.push(entry[1]);
        lastKey = entry[0];
      }
    }
    const result: ListResult = { items, resourceVersion: String(rev) };
    if (more && lastKey !== undefined) {
      result.continue = encodeContinue(lastKey, prefix, rev);
      if (!pred) result.remainingItemCount = cursor.remaining() + 1; // + the entry that found the page full
    }
    return result;
  }

  async watch(opts: WatchOptions, handler: WatchHandler): Promise<Watch> {
    this.core.checkOpen();
    const prefix = opts.prefix ?? "";
    const requested = this.versioner.parse(opts.resourceVersion);
    await this.core.waitForRevision(requested);
    // From here on everything is synchronous: no event can slip between the start state and registration.
    this.core.checkOpen();
    const w = new MemoryWatch(this, prefix, opts.predicate, handler, requested);
    if (opts.sendInitialEvents ?? requested === 0) {
      const startRev = this.core.revision;
      w.startRev = startRev;
      const cursor = this.cursor(startRev, prefix, prefix);
      for (let e = cursor.next(); e && !w.stopped; e = cursor.next()) {
        if (w.matches(e[1])) w.emit({ type: "ADDED", object: e[1] });
      }
      if (opts.sendInitialEvents === true) {
        w.emit({ type: "BOOKMARK", object: { metadata: { resourceVersion: String(startRev), annotations: { "k8s.io/initial-events-end": "true" } } } });
      }
    } else if (requested > 0) {
      if (requested < this.evictedRev) throw newResourceExpired(`too old resource version: ${requested} (${this.evictedRev})`);
      for (let i = this.history.firstIndex((ev) => ev.rev > requested); i < this.history.size && !w.stopped; i++) {
        w.deliver(this.history.at(i) as StoredEvent);
      }
    }
    // Events already committed (including ones queued behind a re-entrant dispatch) were covered above.
    w.startRev = this.core.revision;
    if (!w.stopped) {
      this.watches.add(w);
      if (opts.allowWatchBookmarks) this.core.addBookmarkWatch(w);
    }
    return w;
  }

  /** Stops a watch's delivery (called by MemoryWatch.stop). */
  unregister(w: MemoryWatch): void {
    this.watches.delete(w);
    this.core.removeBookmarkWatch(w);
  }

  closeWatches(): void {
    for (const w of [...this.watches]) w.terminate();
  }

  /** Stores a new object version under the next revision and dispatches the event. `next` must be our own copy. */
  private commit(type: StoredEvent["type"], key: string, next: KubeObject | undefined, prev: KubeObject | undefined): KubeObject {
    const rev = ++this.core.revision;
    const resourceVersion = String(rev);
    let object: KubeObject;
    if (type === "DELETED") {
      const last = prev as KubeObject;
      object = { ...last, metadata: { ...last.metadata, resourceVersion } };
      this.objects.delete(key);
      this.keys.remove(key);
    } else {
      object = next as KubeObject;
      object.metadata = { ...object.metadata, resourceVersion };
      this.objects.set(key, object);
      if (type === "ADDED") this.keys.insert(key);
    }
    if (this.core.freeze) deepFreeze(object);
    const evicted = this.history.push({ type, key, rev, object, prevObject: prev });
    if (evicted) this.evictedRev = evicted.rev;
    this.core.publish(this, this.history.last() as StoredEvent);
    return object;
  }

  /**
   * A cursor over the state at `rev` (which must be >= evictedRev), from key `lower` through the keys starting
   * with `prefix` (`lower` starts with `prefix`).
   */
  private cursor(rev: number, lower: string, prefix: string): SnapshotCursor {
    const keys = this.keys;
    const objects = this.objects;
    let i = keys.lowerBound(lower);
    const end = keys.prefixEnd(prefix, i);
    const newest = this.history.last();
    if (!newest || newest.rev <= rev) {
      return {
        next: () => {
          if (i >= end) return undefined;
          const k = keys.at(i++) as string;
          return [k, objects.get(k) as KubeObject];
        },
        remaining: () => end - i,
      };
    }
    // Roll back the keys touched after rev: the earliest event after rev holds their state at rev.
    const past = new Map<string, KubeObject | undefined>();
    for (let h = this.history.size - 1; h >= 0; h--) {
      const ev = this.history.at(h) as StoredEvent;
      if (ev.rev <= rev) break;
      if (ev.key >= lower && ev.key.startsWith(prefix)) past.set(ev.key, ev.prevObject);
    }
    const touched = [...past.keys()].sort();
    let j = 0;
    const next = (): [string, KubeObject] | undefined => {
      for (;;) {
        const ck = i < end ? (keys.at(i) as string) : undefined;
        const tk = touched[j];
        if (tk === undefined || (ck !== undefined && ck < tk)) {
          if (ck === undefined) return undefined;
          i++;
          return [ck, objects.get(ck) as KubeObject];
        }
        j++;
        if (ck === tk) i++;
        const old = past.get(tk);
        if (old) return [tk, old];
      }
    };
    const remaining = (): number => {
      let n = end - i;
      for (let t = j; t < touched.length; t++) {
        const k = touched[t] as string;
        if (objects.has(k)) n--;
        if (past.get(k)) n++;
      }
      return n;
    };
    return { next, remaining };
  }
}

/** One watch: filters and transforms committed events for its handler. */
class MemoryWatch implements Watch {
  stopped = false;

  constructor(
    private readonly store: MemoryStorage,
    private readonly prefix: string,
    private readonly predicate: Predicate | undefined,
    private readonly handler: WatchHandler,
    /** Events at or below this revision have been sent (or were part of the initial state). */
    public startRev: number,
  ) {}

  matches(obj: KubeObject): boolean {
    return !this.predicate || this.predicate(obj);
  }

  /** Sends a committed event if it is new to this watch and passes prefix and predicate. */
  deliver(ev: StoredEvent): void {
    if (this.stopped || ev.rev <= this.startRev || !ev.key.startsWith(this.prefix)) return;
    const p = this.predicate;
    if (!p) {
      this.emit({ type: ev.type, object: ev.object });
      return;
    }
    try {
      switch (ev.type) {
        case "ADDED":
          if (p(ev.object)) this.emit({ type: "ADDED", object: ev.object });
          return;
        case "DELETED":
          if (p(ev.object)) this.emit({ type: "DELETED", object: ev.object });
          return;
        case "MODIFIED": {
          const was = ev.prevObject !== undefined && p(ev.prevObject);
          const is = p(ev.object);
          if (was && is) this.emit({ type: "MODIFIED", object: ev.object });
          else if (is) this.emit({ type: "ADDED", object: ev.object });
          else if (was) this.emit({ type: "DELETED", object: ev.object });
          return;
        }
      }
    } catch (err) {
      this.terminate(newInternalError(err));
    }
  }

  /** Calls the handler; a handler that throws (which it must not) ends its own watch, not the writer. */
  emit(ev: WatchEvent): void {
    if (this.stopped) return;
    try {
      this.handler.event(ev);
    } catch (err) {
      this.terminate(newInternalError(err));
    }
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.store.unregister(this);
  }

  /** Ends the watch from the storage side: stop, then handler.close(err). */
  terminate(err?: StatusError): void {
    if (this.stopped) return;
    this.stop();
    try {
      this.handler.close(err);
    } catch {
      // close must not throw; nothing else to tell a handler that does
    }
  }
}

function notFound(key: string): StorageError {
  return new StorageError("KeyNotFound", key, `key ${JSON.stringify(key)} not found`);
}

/** Upstream's storage.Preconditions.Check: an absent object has empty uid and resourceVersion. */
function checkPreconditions(key: string, current: KubeObject | undefined, pre: Preconditions | undefined): void {
  if (!pre) return;
  const uid = current?.metadata.uid ?? "";
  if (pre.uid !== undefined && pre.uid !== uid) {
    throw new StorageError("PreconditionFailed", key, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${uid}`);
  }
  const rv = current?.metadata.resourceVersion ?? "";
  if (pre.resourceVersion !== undefined && pre.resourceVersion !== rv) {
    throw new StorageError("PreconditionFailed", key, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${rv}`);
  }
}

function deepFreeze(v: unknown): void {
  if (typeof v !== "object" || v === null || Object.isFrozen(v)) return;
  Object.freeze(v);
  for (const x of Object.values(v)) deepFreeze(x);
}

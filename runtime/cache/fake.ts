/**
 * An in-memory ListerWatcher that behaves like one resource of an API server (client-go's
 * FakeControllerSource, with more failure modes): numeric resourceVersions, paged lists with continue tokens,
 * watches that replay a bounded history (410 Expired beyond it, as an HTTP error or an in-stream ERROR event),
 * label/field selectors on both, and knobs to break watches, inject errors, garbage lines and bookmarks.
 * For tests of the cache and of anything built on informers; no I/O.
 */
import { newResourceExpired, StatusError } from "../core/errors.js";
import { parseFieldSelector } from "../core/fields.js";
import type { GroupVersionKind } from "../core/gvk.js";
import { parseSelector } from "../core/labels.js";
import { objectKey, type KubeList, type KubeObject } from "../core/object.js";
import { fieldValue } from "./cache.js";
import type { ListerWatcher, ListerWatcherProvider, ListOptions, WatchEvent, WatchOptions } from "./listwatch.js";

export interface FakeListerWatcherOptions {
  /** Events kept for watches to resume from; older resourceVersions answer 410 Expired. Default 1000. */
  historyCapacity?: number;
  /** How a watch from an expired resourceVersion fails: "stream" (an ERROR event, like kube-apiserver; default) or "http" (the request fails with 410). */
  expiredMode?: "stream" | "http";
  /** apiVersion and kind set on listed objects that lack them and on the list. */
  apiVersion?: string;
  kind?: string;
}

interface HistoryEntry<T> {
  rev: number;
  type: "ADDED" | "MODIFIED" | "DELETED";
  obj: T;
  prev: T | undefined;
}

type QueueItem<T extends KubeObject> = { ev: WatchEvent<T> } | { error: unknown } | { end: true };

interface OpenWatch<T extends KubeObject> {
  namespace: string | undefined;
  matches: (obj: T) => boolean;
  bookmarks: boolean;
  queue: QueueItem<T>[];
  wake: (() => void) | undefined;
}

/** A line that could not be decoded, as runtime/client reports it. */
export class FakeWatchDecodeError extends Error {
  constructor(line: string) {
    super(`unable to decode watch event: ${line}`);
    this.name = "WatchDecodeError";
  }
}

function copy<T>(v: T): T {
  return structuredClone(v);
}

export class FakeListerWatcher<T extends KubeObject = KubeObject> implements ListerWatcher<T> {
  private readonly objects = new Map<string, T>();
  private readonly history: HistoryEntry<T>[] = [];
  private readonly watches = new Set<OpenWatch<T>>();
  private readonly snapshots = new Map<string, { items: T[]; rev: number }>();
  private readonly capacity: number;
  private readonly expiredMode: "stream" | "http";
  private rev = 0;
  /** Watches from a resourceVersion below this answer 410. */
  private oldestRev = 0;
  private uidCounter = 0;
  private snapshotCounter = 0;
  /** Every list call's options (signal dropped), in order. */
  readonly listCalls: Omit<ListOptions, "signal">[] = [];
  /** Every watch call's options (signal dropped), in order. */
  readonly watchCalls: WatchOptions[] = [];
  /** Errors the next list calls reject with (first in, first out). */
  readonly listErrors: unknown[] = [];
  /** Errors the next watch calls throw with (first in, first out). */
  readonly watchErrors: unknown[] = [];

  constructor(private readonly opts: FakeListerWatcherOptions = {}) {
    this.capacity = opts.historyCapacity ?? 1000;
    this.expiredMode = opts.expiredMode ?? "stream";
  }

  /** The current resourceVersion. */
  get resourceVersion(): string {
    return String(this.rev);
  }

  /** Number of watch streams currently open. */
  get openWatches(): number {
    return this.watches.size;
  }

  /** The stored objects (copies). */
  items(): T[] {
    return [...this.objects.values()].map(copy);
  }

  /** Creates an object (a uid is assigned unless given); throws if the key exists. Returns the stored copy. */
  create(obj: T): T {
    const key = objectKey(obj);
    if (this.objects.has(key)) throw new Error(`fake: ${key} already exists`);
    const stored = copy(obj);
    stored.metadata.uid ??= `uid-${++this.uidCounter}`;
    return this.commit("ADDED", key, stored, undefined);
  }

  /** Replaces an existing object (keeps its uid unless given). Returns the stored copy. */
  update(obj: T): T {
    const key = objectKey(obj);
    const prev = this.objects.get(key);
    if (!prev) throw new Error(`fake: ${key} not found`);
    const stored = copy(obj);
    stored.metadata.uid ??= prev.metadata.uid;
    return this.commit("MODIFIED", key, stored, prev);
  }

  /** Create or update. */
  apply(obj: T): T {
    return this.objects.has(objectKey(obj)) ? this.update(obj) : this.create(obj);
  }

  /** Deletes `namespace/name` (or `name`); returns whether it existed. */
  delete(namespace: string | undefined, name: string): boolean {
    const key = namespace ? `${namespace}/${name}` : name;
    const prev = this.objects.get(key);
    if (!prev) return false;
    this.commit("DELETED", key, copy(prev), prev);
    return true;
  }

  /** Forgets the whole watch history (as etcd compaction does): every resourceVersion before now answers 410. */
  compact(): void {
    this.history.length = 0;
    this.oldestRev = this.rev;
    this.snapshots.clear();
  }

  /** Ends every open watch: normally (as a server timeout does), or by throwing `error` from the stream. */
  breakWatches(error?: unknown): void {
    for (const w of this.watches) this.push(w, error === undefined ? { end: true } : { error });
  }

  /** Sends an event as-is to every open watch (e.g. an ERROR event, or a malformed one). */
  injectEvent(ev: WatchEvent<T> | Record<string, unknown>): void {
    for (const w of this.watches) this.push(w, { ev: ev as WatchEvent<T> });
  }

  /** Makes every open watch fail as on a garbage line. */
  injectGarbage(line = "{not json"): void {
    for (const w of this.watches) this.push(w, { error: new FakeWatchDecodeError(line) });
  }

  /** Sends a BOOKMARK at the current resourceVersion to watches that allow bookmarks. */
  bookmark(): void {
    for (const w of this.watches) {
      if (w.bookmarks) this.push(w, { ev: { type: "BOOKMARK", object: { metadata: { resourceVersion: String(this.rev) } } as T } });
    }
  }

  /** A view restricted to one namespace (undefined = all). */
  forNamespace(namespace: string | undefined): ListerWatcher<T> {
    return {
      list: (o) => this.listIn(namespace, o),
      watch: (o) => this.watchIn(namespace, o),
    };
  }

  list(opts: ListOptions): Promise<KubeList<T>> {
    return this.listIn(undefined, opts);
  }

  watch(opts: WatchOptions & { signal: AbortSignal }): AsyncIterable<WatchEvent<T>> {
    return this.watchIn(undefined, opts);
  }

  // ---- internals ----

  private commit(type: HistoryEntry<T>["type"], key: string, obj: T, prev: T | undefined): T {
    const rev = ++this.rev;
    obj.metadata.resourceVersion = String(rev);
    if (type === "DELETED") this.objects.delete(key);
    else this.objects.set(key, obj);
    const entry: HistoryEntry<T> = { rev, type, obj, prev };
    this.history.push(entry);
    if (this.history.length > this.capacity) {
      const dropped = this.history.shift() as HistoryEntry<T>;
      this.oldestRev = dropped.rev;
    }
    for (const w of this.watches) this.deliver(w, entry);
    return copy(obj);
  }

  private matcher(namespace: string | undefined, opts: { labelSelector?: string; fieldSelector?: string }): (obj: T) => boolean {
    const labels = parseSelector(opts.labelSelector ?? "");
    const fields = parseFieldSelector(opts.fieldSelector ?? "");
    return (obj) => {
      if (namespace && obj.metadata.namespace !== namespace) return false;
      if (!labels.matches(obj.metadata.labels)) return false;
      for (const t of fields.requirements()) {
        const v = fieldValue(obj, t.field);
        if (t.operator === "=" ? v !== t.value : v === t.value) return false;
      }
      return true;
    };
  }

  private listIn(namespace: string | undefined, opts: ListOptions): Promise<KubeList<T>> {
    const { signal: _signal, ...recorded } = opts;
    this.listCalls.push(recorded);
    if (this.listErrors.length > 0) return Promise.reject(this.listErrors.shift());
    let items: T[];
    let rev: number;
    let offset = 0;
    let snapshotId: string;
    if (opts.continue) {
      const [id, off] = opts.continue.split(":");
      const snap = this.snapshots.get(id ?? "");
      if (!snap) return Promise.reject(newResourceExpired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter."));
      items = snap.items;
      rev = snap.rev;
      offset = Number(off);
      snapshotId = id ?? "";
    } else {
      const rv = opts.resourceVersion ?? "";
      if (rv !== "" && rv !== "0") {
        const n = Number(rv);
        if (opts.resourceVersionMatch === "Exact" && n !== this.rev) return Promise.reject(newResourceExpired(`too old resource version: ${rv} (${this.oldestRev})`));
        if (n > this.rev) return Promise.reject(tooLarge(rv, String(this.rev)));
      }
      const match = this.matcher(namespace, opts);
      items = [...this.objects.entries()]
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .map((e) => e[1])
        .filter(match);
      rev = this.rev;
      snapshotId = `s${++this.snapshotCounter}`;
    }
    const limit = opts.limit ?? 0;
    const page = limit > 0 ? items.slice(offset, offset + limit) : items.slice(offset);
    const more = limit > 0 && offset + limit < items.length;
    if (more && !opts.continue) this.snapshots.set(snapshotId, { items, rev });
    const list: KubeList<T> = {
      apiVersion: this.opts.apiVersion ?? "v1",
      kind: `${this.opts.kind ?? "Object"}List`,
      metadata: { resourceVersion: String(rev), ...(more ? { continue: `${snapshotId}:${offset + limit}` } : {}) },
      items: page.map((o) => this.decorate(copy(o))),
    };
    return Promise.resolve(list);
  }

  private decorate(o: T): T {
    if (this.opts.apiVersion && o.apiVersion === undefined) o.apiVersion = this.opts.apiVersion;
    if (this.opts.kind && o.kind === undefined) o.kind = this.opts.kind;
    return o;
  }

  private watchIn(namespace: string | undefined, opts: WatchOptions & { signal: AbortSignal }): AsyncIterable<WatchEvent<T>> {
    const { signal, ...recorded } = opts;
    this.watchCalls.push(recorded);
    const self = this;
    return {
      [Symbol.asyncIterator]: async function* () {
        if (self.watchErrors.length > 0) throw self.watchErrors.shift();
        const w: OpenWatch<T> = { namespace, matches: self.matcher(namespace, opts), bookmarks: opts.allowWatchBookmarks ?? false, queue: [], wake: undefined };
        const rv = opts.resourceVersion ?? "";
        if (rv === "" || rv === "0") {
          for (const obj of self.objects.values()) if (w.matches(obj)) w.queue.push({ ev: { type: "ADDED", object: self.decorate(copy(obj)) } });
        } else {
          const from = Number(rv);
          if (from < self.oldestRev) {
            const err = newResourceExpired(`too old resource version: ${rv} (${self.oldestRev})`);
            if (self.expiredMode === "http") throw err;
            yield { type: "ERROR", object: err.status as unknown as T };
            return;
          }
          if (from > self.rev) throw tooLarge(rv, String(self.rev));
          for (const entry of self.history) if (entry.rev > from) self.deliver(w, entry);
        }
        self.watches.add(w);
        const onAbort = (): void => w.wake?.();
        signal.addEventListener("abort", onAbort);
        const timer = opts.timeoutSeconds ? setTimeout(() => self.push(w, { end: true }), opts.timeoutSeconds * 1000) : undefined;
        timer?.unref?.();
        try {
          for (;;) {
            if (signal.aborted) return;
            const item = w.queue.shift();
            if (!item) {
              await new Promise<void>((resolve) => (w.wake = resolve));
              w.wake = undefined;
              continue;
            }
            if ("error" in item) throw item.error;
            if ("end" in item) return;
            yield item.ev;
          }
        } finally {
          clearTimeout(timer);
          signal.removeEventListener("abort", onAbort);
          self.watches.delete(w);
        }
      },
    };
  }

  private deliver(w: OpenWatch<T>, entry: HistoryEntry<T>): void {
    const now = w.matches(entry.obj);
    const before = entry.prev !== undefined && w.matches(entry.prev);
    let type: WatchEvent["type"] | undefined;
    if (entry.type === "ADDED") type = now ? "ADDED" : undefined;
    else if (entry.type === "DELETED") type = before ? "DELETED" : undefined;
    else if (now && before) type = "MODIFIED";
    else if (now) type = "ADDED";
    else if (before) type = "DELETED";
    if (type) this.push(w, { ev: { type, object: this.decorate(copy(entry.obj)) } });
  }

  private push(w: OpenWatch<T>, item: QueueItem<T>): void {
    w.queue.push(item);
    w.wake?.();
  }
}

function tooLarge(requested: string, current: string): StatusError {
  return new StatusError({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    code: 504,
    reason: "Timeout",
    message: `Too large resource version: ${requested}, current: ${current}`,
    details: { causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }], retryAfterSeconds: 1 },
  });
}

/** A ListerWatcherProvider over FakeListerWatchers, one per kind (a fake API server). */
export class FakeListerWatcherProvider implements ListerWatcherProvider {
  private readonly kinds = new Map<string, { lw: FakeListerWatcher; namespaced: boolean }>();
  /** Every listerWatcher() call, in order. */
  readonly requested: Array<{ gvk: GroupVersionKind; namespace: string | undefined }> = [];

  /** Serves a kind; returns its fake for writes and failure injection. */
  serve<T extends KubeObject = KubeObject>(gvk: GroupVersionKind, opts: FakeListerWatcherOptions & { namespaced?: boolean } = {}): FakeListerWatcher<T> {
    const lw = new FakeListerWatcher<T>({ apiVersion: gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version, kind: gvk.kind, ...opts });
    this.kinds.set(kindKey(gvk), { lw: lw as unknown as FakeListerWatcher, namespaced: opts.namespaced ?? true });
    return lw;
  }

  listerWatcher(gvk: GroupVersionKind, namespace: string | undefined): ListerWatcher {
    this.requested.push({ gvk, namespace });
    const k = this.kinds.get(kindKey(gvk));
    if (!k) throw new Error(`fake: no kind ${kindKey(gvk)}`);
    return k.lw.forNamespace(namespace);
  }

  isNamespaced(gvk: GroupVersionKind): Promise<boolean> {
    const k = this.kinds.get(kindKey(gvk));
    if (!k) return Promise.reject(new Error(`no matches for kind "${gvk.kind}" in version "${gvk.group ? `${gvk.group}/` : ""}${gvk.version}"`));
    return Promise.resolve(k.namespaced);
  }
}

function kindKey(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}/${gvk.kind}`;
}

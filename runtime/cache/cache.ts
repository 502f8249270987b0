/**
 * A controller-runtime-like Cache: shared informers per kind (one watch per kind — or per kind and namespace
 * when restricted to namespaces — per cache) and cached reads (`get`, `list`) served from their stores.
 *
 * Guarantees:
 * - getInformer returns the same informer for the same kind and metadata-only flag; restrictions (namespaces,
 *   label and field selectors, transform) come from the cache's options (`byObject` per kind, else defaults)
 *   and are applied on the server, to both list and watch.
 * - After start, a read of a kind without an informer creates one and waits for it to sync (unless
 *   `readerFailOnMissingInformer`). Reads before start throw CacheNotStartedError.
 * - A kind the server does not serve fails getInformer/get/list at once with the provider's error (naming the
 *   kind) instead of an informer retrying forever.
 * - `list` uses an index when it can: a field index (`indexField`) for an exact `field=value` term, the key for
 *   an exact metadata.name, the namespace index for a namespace; everything else is evaluated on the objects.
 * Caveats: returned objects are the cache's own, deep-frozen: deep-copy before changing one. A cache is only
 *   as fresh as its watch: read-your-writes needs the API reader (the client), not the cache.
 */
import { newNotFound } from "../core/errors.js";
import { parseFieldSelector, FieldSelector, type FieldRequirement } from "../core/fields.js";
import type { GroupVersionKind } from "../core/gvk.js";
import { apiVersionOf } from "../core/gvk.js";
import { parseSelector, Selector } from "../core/labels.js";
import type { KubeList, KubeObject } from "../core/object.js";
import { namespaceIndex, type IndexFunc } from "./indexer.js";
import { SharedIndexInformer, type EventHandlerOptions, type Informer, type InformerPhase, type InformerStats, type ResourceEventHandler, type ResourceEventHandlerRegistration, type SharedIndexInformerOptions } from "./informer.js";
import type { ListerWatcherProvider } from "./listwatch.js";
import { defaultLogger, type CacheLogger } from "./logger.js";
import { storeKey, stripManagedFields, type TransformFunc } from "./store.js";

/** Restrictions for one kind (controller-runtime's ByObject). */
export interface ByObject {
  gvk: GroupVersionKind;
  /** Watch only these namespaces (one watch each); ignored for cluster-scoped kinds. Default the cache's defaultNamespaces. */
  namespaces?: readonly string[];
  /** Server-side label selector for list and watch. Default the cache's defaultLabelSelector. */
  labelSelector?: string;
  /** Server-side field selector for list and watch. Default the cache's defaultFieldSelector. */
  fieldSelector?: string;
  /** Transform before storing; default the cache's defaultTransform; null = none. */
  transform?: TransformFunc | null;
}

export interface CacheOptions {
  /** ListerWatchers and scope per kind (runtime/client's clientListerWatcherProvider, or a fake). */
  provider: ListerWatcherProvider;
  /** Watch only these namespaces for namespaced kinds without their own `byObject.namespaces`; default all. */
  defaultNamespaces?: readonly string[];
  defaultLabelSelector?: string;
  defaultFieldSelector?: string;
  /** Default stripManagedFields; null = store objects as served. */
  defaultTransform?: TransformFunc | null;
  /** Per-kind restrictions. */
  byObject?: readonly ByObject[];
  /**
   * Resync period of informers in ms (each informer gets a random 90–115 % of it, like controller-runtime);
   * default 10 hours; 0 = none.
   */
  syncPeriodMs?: number;
  /** Reads of a kind without an informer throw ErrResourceNotCached instead of starting one. Default false. */
  readerFailOnMissingInformer?: boolean;
  /** Deep-freeze stored objects; default true. */
  freeze?: boolean;
  logger?: CacheLogger;
  onError?: (err: unknown, info: { phase: InformerPhase; name: string }) => void;
  /** Reflector tuning for every informer. */
  reflector?: SharedIndexInformerOptions["reflector"];
}

export interface GetInformerOptions {
  /** The metadata-only informer of the kind (PartialObjectMetadata objects); a separate watch. Default false. */
  metadataOnly?: boolean;
  /** When the cache is started, wait until the informer has synced (default true). */
  blockUntilSynced?: boolean;
  /** Gives up waiting for the sync (the informer stays). */
  signal?: AbortSignal;
}

export interface CacheReadOptions {
  /** Read from the metadata-only informer of the kind. */
  metadataOnly?: boolean;
  /** Gives up waiting for an informer to sync. */
  signal?: AbortSignal;
}

export interface CacheListOptions extends CacheReadOptions {
  /** Only this namespace ("" or absent = every namespace the cache holds). */
  namespace?: string;
  labelSelector?: string | Selector;
  /** Exact terms on an indexed field (indexField), metadata.name or metadata.namespace use indexes; other terms are evaluated on each object (by dotted path). */
  fieldSelector?: string | FieldSelector;
}

/** What `getInformer` returns: an informer over every namespace the cache watches for the kind. */
export type CacheInformer<T extends KubeObject = KubeObject> = Informer<T>;

/** A read before `start` (controller-runtime's ErrCacheNotStarted). */
export class CacheNotStartedError extends Error {
  constructor() {
    super("the cache is not started, can not read objects");
    this.name = "CacheNotStartedError";
  }
}

/** A read of a kind without an informer while readerFailOnMissingInformer is set. */
export class ResourceNotCachedError extends Error {
  readonly gvk: GroupVersionKind;
  constructor(gvk: GroupVersionKind) {
    super(`${gvkString(gvk)} is not cached`);
    this.name = "ResourceNotCachedError";
    this.gvk = gvk;
  }
}

/** A read in a namespace the cache does not watch for that kind. */
export class UnknownNamespaceError extends Error {
  readonly namespace: string;
  constructor(verb: "get" | "list", what: string, namespace: string) {
    super(`unable to ${verb}: ${what} because of unknown namespace for the cache`);
    this.name = "UnknownNamespaceError";
    this.namespace = namespace;
  }
}

/** The name of the index a field index lives in (controller-runtime's FieldIndexName). */
export function fieldIndexName(field: string): string {
  return `field:${field}`;
}

const allNamespacesNamespace = "__all_namespaces";

/** The value under which a field index stores `value` for `namespace` ("" = across namespaces). */
export function keyToNamespacedKey(namespace: string, value: string): string {
  return `${namespace || allNamespacesNamespace}/${value}`;
}

function gvkString(gvk: GroupVersionKind): string {
  return `${gvk.group ? `${gvk.group}/` : ""}${gvk.version}, Kind=${gvk.kind}`;
}

function sameGVK(a: GroupVersionKind, b: GroupVersionKind): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind;
}

/** The string value of a dotted field path ("" when missing or not a scalar), as field selectors compare it. */
export function fieldValue(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (typeof cur !== "object" || cur === null || Array.isArray(cur)) return "";
    cur = (cur as Record<string, unknown>)[part];
  }
  if (typeof cur === "string") return cur;
  if (typeof cur === "number" || typeof cur === "boolean") return String(cur);
  return "";
}

function fieldsMatch(obj: KubeObject, terms: readonly FieldRequirement[]): boolean {
  for (const t of terms) {
    const v = fieldValue(obj, t.field);
    if (t.operator === "=" ? v !== t.value : v === t.value) return false;
  }
  return true;
}

interface Entry {
  key: string;
  gvk: GroupVersionKind;
  metadataOnly: boolean;
  namespaced: boolean;
  /** namespace ("" = all) → informer */
  informers: Map<string, SharedIndexInformer>;
  facade: CacheInformer;
  fieldIndexes: Set<string>;
  abort: AbortController | undefined;
}

export class Cache {
  private readonly opts: CacheOptions;
  private readonly logger: CacheLogger;
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Entry>>();
  private readonly runs = new Set<Promise<void>>();
  private signal: AbortSignal | undefined;
  private startedResolve: (() => void) | undefined;
  private readonly startedPromise: Promise<void>;

  constructor(opts: CacheOptions) {
    this.opts = opts;
    this.logger = opts.logger ?? defaultLogger;
    this.startedPromise = new Promise((resolve) => (this.startedResolve = resolve));
  }

  /** True once `start` has been called. */
  get started(): boolean {
    return this.signal !== undefined;
  }

  /**
   * The shared informer of a kind, created on first use (and started at once if the cache is started; then,
   * unless blockUntilSynced is false, this waits for its sync). Rejects when the provider does not know the kind.
   */
  async getInformer<T extends KubeObject = KubeObject>(gvk: GroupVersionKind, opts: GetInformerOptions = {}): Promise<CacheInformer<T>> {
    const entry = await this.entry(gvk, opts.metadataOnly ?? false, true);
    if (this.signal && (opts.blockUntilSynced ?? true)) await this.waitEntry(entry, opts.signal);
    return entry.facade as unknown as CacheInformer<T>;
  }

  /** Stops and forgets the informer(s) of a kind (controller-runtime's RemoveInformer). */
  removeInformer(gvk: GroupVersionKind, opts: { metadataOnly?: boolean } = {}): void {
    const key = entryKey(gvk, opts.metadataOnly ?? false);
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    entry.abort?.abort();
  }

  /**
   * Adds a field index to a kind's informer (controller-runtime's IndexField): `extract` returns the values of
   * `field` for an object; `list(gvk, { fieldSelector: `${field}=v` })` then finds objects by index, within a
   * namespace or across all. Throws IndexConflictError if the field is already indexed.
   */
  async indexField<T extends KubeObject = KubeObject>(gvk: GroupVersionKind, field: string, extract: (obj: T) => readonly string[], opts: { metadataOnly?: boolean } = {}): Promise<void> {
    const entry = await this.entry(gvk, opts.metadataOnly ?? false, true);
    const fn: IndexFunc = (obj) => {
      const raw = extract(obj as T);
      const ns = obj.metadata.namespace ?? "";
      const out: string[] = [];
      for (const v of raw) out.push(keyToNamespacedKey("", v));
      if (ns) for (const v of raw) out.push(keyToNamespacedKey(ns, v));
      return out;
    };
    for (const inf of entry.informers.values()) inf.addIndexers({ [fieldIndexName(field)]: fn });
    entry.fieldIndexes.add(field);
  }

  /**
   * The cached object `namespace/name` (namespace ignored for cluster-scoped kinds). Throws a NotFound
   * StatusError (`Kind "name" not found`, as controller-runtime) when absent, CacheNotStartedError before start,
   * UnknownNamespaceError for a namespace the cache does not watch.
   */
  async get<T extends KubeObject = KubeObject>(gvk: GroupVersionKind, namespace: string | undefined, name: string, opts: CacheReadOptions = {}): Promise<T> {
    const entry = await this.readEntry(gvk, opts);
    const ns = entry.namespaced ? (namespace ?? "") : "";
    const inf = entry.informers.get("") ?? entry.informers.get(ns);
    if (!inf) throw new UnknownNamespaceError("get", `${ns}/${name}`, ns);
    const obj = inf.getIndexer().getByKey(storeKey(ns, name));
    if (!obj) throw newNotFound({ group: gvk.group, resource: gvk.kind }, name);
    return obj as T;
  }

  /** The cached objects of a kind matching the options, as a list (`<Kind>List`). */
  async list<T extends KubeObject = KubeObject>(gvk: GroupVersionKind, opts: CacheListOptions = {}): Promise<KubeList<T>> {
    const entry = await this.readEntry(gvk, opts);
    const ns = entry.namespaced ? (opts.namespace ?? "") : "";
    const labels = typeof opts.labelSelector === "string" ? parseSelector(opts.labelSelector) : (opts.labelSelector ?? Selector.everything());
    const fields = typeof opts.fieldSelector === "string" ? parseFieldSelector(opts.fieldSelector) : (opts.fieldSelector ?? FieldSelector.everything());
    let informers: SharedIndexInformer[];
    const all = entry.informers.get("");
    if (all) informers = [all];
    else if (ns) {
      const inf = entry.informers.get(ns);
      if (!inf) throw new UnknownNamespaceError("list", `${gvkString(gvk)} in ${ns}`, ns);
      informers = [inf];
    } else informers = [...entry.informers.values()];
    const items: KubeObject[] = [];
    if (!labels.isNothing() && !fields.isNothing()) {
      for (const inf of informers) {
        for (const obj of this.select(entry, inf, ns, fields)) {
          if (!labels.empty() && !labels.matches(obj.metadata.labels)) continue;
          items.push(obj);
        }
      }
    }
    const resourceVersion = informers.length === 1 ? (informers[0] as SharedIndexInformer).lastSyncResourceVersion() : "";
    return {
      apiVersion: entry.metadataOnly ? "meta.k8s.io/v1" : apiVersionOf(gvk),
      kind: entry.metadataOnly ? "PartialObjectMetadataList" : `${gvk.kind}List`,
      metadata: { resourceVersion },
      items: items as T[],
    };
  }

  /**
   * Starts every informer created so far and any created later, and blocks until `signal` aborts and they have
   * stopped (a Runnable). Throws if already started.
   */
  async start(signal: AbortSignal): Promise<void> {
    if (this.signal) throw new Error("the cache has already been started");
    this.signal = signal;
    for (const entry of this.entries.values()) this.startEntry(entry);
    this.startedResolve?.();
    if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    while (this.runs.size > 0) await Promise.all([...this.runs]);
  }

  /**
   * Waits for the cache to be started and every informer created so far to sync. Resolves false if `signal`
   * aborts first (or the cache stops).
   */
  async waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    if (!this.signal) {
      const aborted = signal ? new Promise<false>((resolve) => signal.addEventListener("abort", () => resolve(false), { once: true })) : undefined;
      const ok = await Promise.race(aborted ? [this.startedPromise.then(() => true), aborted] : [this.startedPromise.then(() => true)]);
      if (!ok) return false;
    }
    // wait for informers still being created too
    await Promise.allSettled([...this.pending.values()]);
    const results = await Promise.all([...this.entries.values()].map((e) => this.waitEntry(e, signal)));
    return results.every(Boolean);
  }

  /** True once started and every informer has synced. */
  hasSynced(): boolean {
    if (!this.signal) return false;
    for (const e of this.entries.values()) if (!e.facade.hasSynced()) return false;
    return true;
  }

  /** Counters of every informer (for metrics and debugging). */
  informerStats(): Array<{ gvk: GroupVersionKind; namespace: string; metadataOnly: boolean; stats: InformerStats }> {
    const out: Array<{ gvk: GroupVersionKind; namespace: string; metadataOnly: boolean; stats: InformerStats }> = [];
    for (const e of this.entries.values()) {
      for (const [namespace, inf] of e.informers) out.push({ gvk: e.gvk, namespace, metadataOnly: e.metadataOnly, stats: inf.stats() });
    }
    return out;
  }

  // ---- internals ----

  private async readEntry(gvk: GroupVersionKind, opts: CacheReadOptions): Promise<Entry> {
    if (!this.signal) throw new CacheNotStartedError();
    const entry = await this.entry(gvk, opts.metadataOnly ?? false, !(this.opts.readerFailOnMissingInformer ?? false));
    if (!(await this.waitEntry(entry, opts.signal))) {
      throw new Error(`failed waiting for ${gvkString(gvk)} informer to sync`);
    }
    return entry;
  }

  private async waitEntry(entry: Entry, signal: AbortSignal | undefined): Promise<boolean> {
    if (entry.facade.hasSynced()) return true;
    const signals = [this.signal, signal].filter((s): s is AbortSignal => s !== undefined);
    return entry.facade.waitForCacheSync(signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals));
  }

  private async entry(gvk: GroupVersionKind, metadataOnly: boolean, create: boolean): Promise<Entry> {
    const key = entryKey(gvk, metadataOnly);
    const existing = this.entries.get(key);
    if (existing) return existing;
    if (!create) throw new ResourceNotCachedError(gvk);
    let p = this.pending.get(key);
    if (!p) {
      p = this.createEntry(key, gvk, metadataOnly).finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p;
  }

  private async createEntry(key: string, gvk: GroupVersionKind, metadataOnly: boolean): Promise<Entry> {
    const namespaced = await this.opts.provider.isNamespaced(gvk);
    const raced = this.entries.get(key);
    if (raced) return raced;
    const by = this.opts.byObject?.find((b) => sameGVK(b.gvk, gvk));
    const labelSelector = by?.labelSelector ?? this.opts.defaultLabelSelector;
    const fieldSelector = by?.fieldSelector ?? this.opts.defaultFieldSelector;
    const transform = by?.transform !== undefined ? by.transform : this.opts.defaultTransform !== undefined ? this.opts.defaultTransform : stripManagedFields;
    let namespaces: string[] = [""];
    if (namespaced) {
      const wanted = by?.namespaces ?? this.opts.defaultNamespaces;
      if (wanted && wanted.length > 0 && !wanted.includes("")) namespaces = [...new Set(wanted)];
    }
    const syncPeriod = this.opts.syncPeriodMs ?? 10 * 60 * 60 * 1000;
    const informers = new Map<string, SharedIndexInformer>();
    for (const ns of namespaces) {
      const name = `${gvkString(gvk)}${metadataOnly ? " (metadata)" : ""}${ns ? ` in ${ns}` : ""}`;
      informers.set(
        ns,
        new SharedIndexInformer({
          listerWatcher: this.opts.provider.listerWatcher(gvk, ns || undefined),
          name,
          ...(labelSelector ? { labelSelector } : {}),
          ...(fieldSelector ? { fieldSelector } : {}),
          ...(metadataOnly ? { metadataOnly: true } : {}),
          resyncPeriodMs: syncPeriod > 0 ? Math.round(syncPeriod * (0.9 + Math.random() / 4)) : 0,
          transform,
          ...(this.opts.freeze !== undefined ? { freeze: this.opts.freeze } : {}),
          logger: this.logger,
          ...(this.opts.onError ? { onError: this.opts.onError } : {}),
          ...(this.opts.reflector ? { reflector: this.opts.reflector } : {}),
        }),
      );
    }
    const only = informers.size === 1 ? [...informers.values()][0] : undefined;
    const entry: Entry = {
      key,
      gvk,
      metadataOnly,
      namespaced,
      informers,
      facade: only ?? new MultiNamespaceInformer([...informers.values()]),
      fieldIndexes: new Set(),
      abort: undefined,
    };
    this.entries.set(key, entry);
    if (this.signal) this.startEntry(entry);
    return entry;
  }

  private startEntry(entry: Entry): void {
    const signal = this.signal;
    if (!signal || entry.abort) return;
    const ac = new AbortController();
    entry.abort = ac;
    const stop = AbortSignal.any([signal, ac.signal]);
    for (const inf of entry.informers.values()) {
      const run = inf.run(stop).catch((err: unknown) => this.logger.error(`informer ${inf.name} stopped`, err));
      this.runs.add(run);
      void run.finally(() => this.runs.delete(run));
    }
  }

  /** The exact-match or index-assisted candidates of one informer, already filtered by namespace and fields. */
  private *select(entry: Entry, inf: SharedIndexInformer, ns: string, fields: FieldSelector): Iterable<KubeObject> {
    const idx = inf.getIndexer();
    let terms = fields.requirements();
    let candidates: Iterable<KubeObject> | undefined;
    // a field index for an exact term
    const indexed = terms.find((t) => t.operator === "=" && entry.fieldIndexes.has(t.field));
    if (indexed) {
      candidates = idx.byIndex(fieldIndexName(indexed.field), keyToNamespacedKey(ns, indexed.value));
      terms = terms.filter((t) => t !== indexed);
    } else {
      const name = fields.requiresExactMatch("metadata.name");
      const nsTerm = entry.namespaced ? fields.requiresExactMatch("metadata.namespace") : "";
      const keyNs = ns || nsTerm;
      if (name !== undefined && (!entry.namespaced || keyNs !== undefined)) {
        const obj = idx.getByKey(storeKey(keyNs ?? "", name));
        candidates = obj ? [obj] : [];
      } else if (entry.namespaced && (ns || nsTerm !== undefined) && Object.hasOwn(idx.getIndexers(), namespaceIndex)) {
        candidates = idx.byIndex(namespaceIndex, ns || (nsTerm ?? ""));
      }
    }
    for (const obj of candidates ?? idx.list()) {
      if (ns && obj.metadata.namespace !== ns) continue;
      if (terms.length > 0 && !fieldsMatch(obj, terms)) continue;
      yield obj;
    }
  }
}

function entryKey(gvk: GroupVersionKind, metadataOnly: boolean): string {
  return `${gvkString(gvk)}${metadataOnly ? "#metadata" : ""}`;
}

/** One informer per namespace behind one Informer (controller-runtime's multiNamespaceInformer). */
class MultiNamespaceInformer implements Informer {
  constructor(private readonly informers: SharedIndexInformer[]) {}

  addEventHandler(handler: ResourceEventHandler, opts?: EventHandlerOptions): ResourceEventHandlerRegistration {
    const regs = this.informers.map((i) => i.addEventHandler(handler, opts));
    return {
      hasSynced: () => regs.every((r) => r.hasSynced()),
      remove: () => {
        for (const r of regs) r.remove();
      },
    };
  }

  removeEventHandler(registration: ResourceEventHandlerRegistration): void {
    registration.remove();
  }

  addIndexers(indexers: Parameters<Informer["addIndexers"]>[0]): void {
    for (const i of this.informers) i.addIndexers(indexers);
  }

  hasSynced(): boolean {
    return this.informers.every((i) => i.hasSynced());
  }

  async waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all(this.informers.map((i) => i.waitForCacheSync(signal)));
    return results.every(Boolean);
  }

  isStopped(): boolean {
    return this.informers.every((i) => i.isStopped());
  }

  /** Per-namespace resourceVersions are unrelated: there is no single one (""). */
  lastSyncResourceVersion(): string {
    return "";
  }
}

/**
 * The object store of a watch cache (client-go's Indexer/ThreadSafeStore, with the informer's diffing folded
 * in): objects keyed by "namespace/name" ("name" for cluster-scoped ones), secondary indexes, and write
 * methods that return what changed — so that the informer can tell its handlers exactly that.
 *
 * Guarantees:
 * - Keys are checked against uids: an object that replaces one with the same key but another uid (deleted and
 *   recreated while we were not watching) is reported as a delete of the old one (a DeletedFinalStateUnknown
 *   tombstone: its final state is unknown) followed by an add of the new one, never as an update.
 * - `replace` (a relist) reports the difference only: adds for new keys, updates for a changed
 *   resourceVersion, deletes with tombstones for keys that vanished. Unchanged objects produce nothing.
 * - Stored objects are deep-frozen plain JSON (unless `freeze: false`): readers share them, and an accidental
 *   mutation throws a TypeError instead of corrupting the cache. Deep-copy before changing one.
 * Assumptions: resourceVersions are compared for equality only (they are opaque).
 */
import { objectKey, type KubeObject, type ObjectMeta } from "../core/object.js";
import { Indices, type Indexers } from "./indexer.js";

/**
 * A delete whose final state is unknown: the object vanished while the watch was down (the relist no longer had
 * it) or was replaced by another object with the same name. `obj` is the last state the cache knew.
 */
export class DeletedFinalStateUnknown<T extends KubeObject = KubeObject> {
  constructor(
    readonly key: string,
    readonly obj: T,
  ) {
    Object.freeze(this);
  }
}

export function isDeletedFinalStateUnknown(v: unknown): v is DeletedFinalStateUnknown {
  return v instanceof DeletedFinalStateUnknown;
}

/** The object of a delete notification, tombstone or not. */
export function deletedObject<T extends KubeObject>(v: T | DeletedFinalStateUnknown<T>): T {
  return v instanceof DeletedFinalStateUnknown ? v.obj : v;
}

/** client-go's MetaNamespaceKeyFunc: "namespace/name", or "name" for cluster-scoped objects. */
export function metaNamespaceKey(obj: { metadata: ObjectMeta }): string {
  return objectKey(obj);
}

/** client-go's DeletionHandlingMetaNamespaceKeyFunc: the tombstone's key, else metaNamespaceKey. */
export function deletionHandlingKey(obj: { metadata: ObjectMeta } | DeletedFinalStateUnknown): string {
  return obj instanceof DeletedFinalStateUnknown ? obj.key : objectKey(obj);
}

/** The store key of a namespace and name ("" namespace = cluster-scoped). */
export function storeKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** A transform applied to every object before it is stored (client-go's TransformFunc). May return `obj` itself, changed. */
export type TransformFunc<T extends KubeObject = KubeObject> = (obj: T) => T;

/** The default transform: drops metadata.managedFields (large, and of no use to a controller reading the cache). */
export function stripManagedFields<T extends KubeObject>(obj: T): T {
  const meta = obj.metadata as ObjectMeta | undefined;
  if (!meta || meta.managedFields === undefined) return obj;
  const { managedFields: _dropped, ...rest } = meta;
  return { ...obj, metadata: rest };
}

/** Freezes a JSON value and everything in it. Already-frozen parts are not walked again. */
export function deepFreeze<T>(v: T): T {
  if (typeof v !== "object" || v === null || Object.isFrozen(v)) return v;
  Object.freeze(v);
  if (Array.isArray(v)) {
    for (const item of v) deepFreeze(item);
  } else {
    for (const key of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[key]);
  }
  return v;
}

/** One change a write made, in the order handlers must see it. */
export type StoreChange<T extends KubeObject> =
  | { type: "added"; obj: T }
  | { type: "updated"; oldObj: T; obj: T }
  | { type: "deleted"; obj: T | DeletedFinalStateUnknown<T> };

/** The read side of a store (client-go's Indexer without writes): what listers and the cached reader use. */
export interface Indexer<T extends KubeObject = KubeObject> {
  /** Number of objects. */
  readonly size: number;
  /** The object stored under "namespace/name" (or "name"), if any. Read-only: do not mutate it. */
  getByKey(key: string): T | undefined;
  /** The object with the same key as `obj`, if any. */
  get(obj: { metadata: ObjectMeta }): T | undefined;
  /** Every object, in insertion order. */
  list(): T[];
  /** Every key. */
  listKeys(): string[];
  /** The objects whose index function `indexName` produced `value`. Throws IndexNotFoundError for an unknown index. */
  byIndex(indexName: string, value: string): T[];
  /** The keys of byIndex. */
  indexKeys(indexName: string, value: string): string[];
  /** The objects sharing at least one `indexName` value with `obj` (client-go's Index). */
  index(indexName: string, obj: T): T[];
  /** Every value of `indexName` that at least one object currently has. */
  listIndexFuncValues(indexName: string): string[];
  /** The index functions, by name. */
  getIndexers(): Readonly<Indexers<T>>;
}

export interface StoreOptions<T extends KubeObject> {
  indexers?: Indexers<T>;
  /** Deep-freeze stored objects (default true). */
  freeze?: boolean;
  /** Called when an index function throws (the object is left out of that index). */
  onIndexError?: (indexName: string, err: unknown) => void;
}

function sameUid(a: KubeObject, b: KubeObject): boolean {
  const ua = a.metadata.uid;
  const ub = b.metadata.uid;
  return !ua || !ub || ua === ub;
}

export class Store<T extends KubeObject = KubeObject> implements Indexer<T> {
  private readonly items = new Map<string, T>();
  private readonly indices: Indices<T>;
  private readonly freeze: boolean;

  constructor(opts: StoreOptions<T> = {}) {
    this.freeze = opts.freeze ?? true;
    this.indices = new Indices(opts.indexers, opts.onIndexError ?? (() => undefined));
  }

  get size(): number {
    return this.items.size;
  }

  getByKey(key: string): T | undefined {
    return this.items.get(key);
  }

  get(obj: { metadata: ObjectMeta }): T | undefined {
    return this.items.get(objectKey(obj));
  }

  list(): T[] {
    return [...this.items.values()];
  }

  listKeys(): string[] {
    return [...this.items.keys()];
  }

  byIndex(indexName: string, value: string): T[] {
    const out: T[] = [];
    for (const key of this.indices.keys(indexName, value)) {
      const obj = this.items.get(key);
      if (obj) out.push(obj);
    }
    return out;
  }

  indexKeys(indexName: string, value: string): string[] {
    return [...this.indices.keys(indexName, value)];
  }

  index(indexName: string, obj: T): T[] {
    const values = this.indices.valuesOf(indexName, obj);
    if (values.length === 1) return this.byIndex(indexName, values[0] as string);
    const keys = new Set<string>();
    for (const v of values) for (const k of this.indices.keys(indexName, v)) keys.add(k);
    const out: T[] = [];
    for (const k of keys) {
      const o = this.items.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  listIndexFuncValues(indexName: string): string[] {
    return this.indices.listValues(indexName);
  }

  getIndexers(): Readonly<Indexers<T>> {
    return this.indices.indexers();
  }

  /**
   * Adds indexes; they are built over the current contents at once, so this is allowed on a running store.
   * Throws IndexConflictError for a name already in use (nothing is added then).
   */
  addIndexers(indexers: Indexers<T>): void {
    this.indices.add(indexers, this.items.entries());
  }

  /**
   * Stores `obj` (an ADDED or MODIFIED event: both mean "this is the current state"). Returns [added] for a new
   * key, [updated] for the same object, [deleted (tombstone of the old one), added] for another uid.
   */
  add(obj: T): StoreChange<T>[] {
    const key = objectKey(obj);
    const stored = this.prepare(obj);
    const old = this.items.get(key);
    this.items.set(key, stored);
    this.indices.update(key, old, stored);
    if (old === undefined) return [{ type: "added", obj: stored }];
    if (!sameUid(old, stored)) return [{ type: "deleted", obj: new DeletedFinalStateUnknown(key, old) }, { type: "added", obj: stored }];
    return [{ type: "updated", oldObj: old, obj: stored }];
  }

  /** Same as add: an update of an unknown key is an add. */
  update(obj: T): StoreChange<T>[] {
    return this.add(obj);
  }

  /**
   * Removes the object with `obj`'s key (a DELETED event carrying the final state). Returns [deleted] with the
   * final state, or with a tombstone of the stored object when the uids differ; [] for an unknown key.
   */
  delete(obj: T): StoreChange<T>[] {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old === undefined) return [];
    this.items.delete(key);
    this.indices.update(key, old, undefined);
    if (!sameUid(old, obj)) return [{ type: "deleted", obj: new DeletedFinalStateUnknown(key, old) }];
    return [{ type: "deleted", obj: this.prepare(obj) }];
  }

  /**
   * Makes the contents exactly `items` (a full list) and returns the difference: first a tombstone delete for
   * every key that vanished, then, in list order, an add for every new key, an update for every object whose
   * resourceVersion changed, and a tombstone delete plus an add for every key whose uid changed. Objects with an
   * unchanged resourceVersion keep their stored instance and produce no change.
   */
  replace(items: readonly T[]): StoreChange<T>[] {
    const next = new Map<string, T>();
    for (const obj of items) next.set(objectKey(obj), obj);
    const changes: StoreChange<T>[] = [];
    for (const [key, old] of this.items) {
      if (next.has(key)) continue;
      this.items.delete(key);
      this.indices.update(key, old, undefined);
      changes.push({ type: "deleted", obj: new DeletedFinalStateUnknown(key, old) });
    }
    for (const [key, obj] of next) {
      const old = this.items.get(key);
      if (old !== undefined && sameUid(old, obj)) {
        const rv = obj.metadata.resourceVersion;
        if (rv !== undefined && rv === old.metadata.resourceVersion) continue;
        const stored = this.prepare(obj);
        this.items.set(key, stored);
        this.indices.update(key, old, stored);
        changes.push({ type: "updated", oldObj: old, obj: stored });
        continue;
      }
      const stored = this.prepare(obj);
      if (old !== undefined) {
        changes.push({ type: "deleted", obj: new DeletedFinalStateUnknown(key, old) });
        // delete first so that the key is re-appended: the store keeps insertion order like the list
        this.items.delete(key);
      }
      this.items.set(key, stored);
      this.indices.update(key, old, stored);
      changes.push({ type: "added", obj: stored });
    }
    return changes;
  }

  private prepare(obj: T): T {
    return this.freeze ? deepFreeze(obj) : obj;
  }
}

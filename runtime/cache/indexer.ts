/**
 * Secondary indexes over a store (client-go's Indexers / thread_safe_store index bookkeeping): an index
 * function maps an object to zero or more values; an index maps each value to the set of store keys whose
 * object produced it. Indexes are updated on every add, update and delete, so lookups never scan.
 */
import type { KubeObject } from "../core/object.js";

/**
 * Computes the index values of an object. Must be pure and cheap, must not mutate `obj`, and must return the
 * same values for the same object (the old values are recomputed from the old object on update). Returning
 * [] leaves the object out of the index. A thrown error is reported and treated as [].
 */
export type IndexFunc<T extends KubeObject = KubeObject> = (obj: T) => readonly string[];

/** Index name → index function. */
export type Indexers<T extends KubeObject = KubeObject> = Record<string, IndexFunc<T>>;

/** client-go's cache.NamespaceIndex. */
export const namespaceIndex = "namespace";
/** The index of objects by the uid of each of their owner references. */
export const ownerUidIndex = "ownerUid";

/** client-go's MetaNamespaceIndexFunc: the namespace ("" for cluster-scoped objects). */
export function namespaceIndexFunc(obj: KubeObject): readonly string[] {
  return [obj.metadata.namespace ?? ""];
}

/** The uid of each owner reference. */
export function ownerUidIndexFunc(obj: KubeObject): readonly string[] {
  const refs = obj.metadata.ownerReferences;
  if (!refs || refs.length === 0) return [];
  const out: string[] = [];
  for (const r of refs) if (r.uid) out.push(r.uid);
  return out;
}

/** The indexers every informer has unless told otherwise: namespace and owner uid. */
export function defaultIndexers(): Indexers {
  return { [namespaceIndex]: namespaceIndexFunc, [ownerUidIndex]: ownerUidIndexFunc };
}

/** Thrown when an index that was never added is queried (client-go: "Index with name x does not exist"). */
export class IndexNotFoundError extends Error {
  readonly indexName: string;
  constructor(indexName: string) {
    super(`Index with name ${indexName} does not exist`);
    this.name = "IndexNotFoundError";
    this.indexName = indexName;
  }
}

/** Thrown by addIndexers for a name that is already taken. */
export class IndexConflictError extends Error {
  readonly indexName: string;
  constructor(indexName: string) {
    super(`indexer conflict: ${indexName}`);
    this.name = "IndexConflictError";
    this.indexName = indexName;
  }
}

const none: readonly string[] = Object.freeze([]);

/** The bookkeeping of a set of indexes, keyed by store key. Used by Store; not useful on its own. */
export class Indices<T extends KubeObject> {
  private readonly funcs = new Map<string, IndexFunc<T>>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(
    indexers: Indexers<T> | undefined,
    private readonly onIndexError: (indexName: string, err: unknown) => void,
  ) {
    if (indexers) for (const [name, fn] of Object.entries(indexers)) this.funcs.set(name, fn);
    for (const name of this.funcs.keys()) this.indices.set(name, new Map());
  }

  names(): string[] {
    return [...this.funcs.keys()];
  }

  indexers(): Readonly<Indexers<T>> {
    return Object.freeze(Object.fromEntries(this.funcs));
  }

  /** Adds indexes and builds them over `items` (the store's current contents). */
  add(indexers: Indexers<T>, items: Iterable<[string, T]>): void {
    const added = Object.entries(indexers);
    for (const [name] of added) if (this.funcs.has(name)) throw new IndexConflictError(name);
    for (const [name, fn] of added) {
      this.funcs.set(name, fn);
      this.indices.set(name, new Map());
    }
    const fresh = new Map(added);
    for (const [key, obj] of items) {
      for (const [name, fn] of fresh) this.insert(name, this.values(name, fn, obj), key);
    }
  }

  /** Moves `key` from the values of `oldObj` to the values of `newObj` in every index (either may be undefined). */
  update(key: string, oldObj: T | undefined, newObj: T | undefined): void {
    for (const [name, fn] of this.funcs) {
      const oldValues = oldObj ? this.values(name, fn, oldObj) : none;
      const newValues = newObj ? this.values(name, fn, newObj) : none;
      if (sameValues(oldValues, newValues)) continue;
      const index = this.indices.get(name) as Map<string, Set<string>>;
      for (const v of oldValues) {
        if (newValues.includes(v)) continue;
        const set = index.get(v);
        if (!set) continue;
        set.delete(key);
        // empty sets are dropped so that listIndexFuncValues only reports live values and memory does not leak
        if (set.size === 0) index.delete(v);
      }
      this.insertAll(index, newValues, key, oldValues);
    }
  }

  /** Drops every entry (the store is being emptied). */
  clear(): void {
    for (const index of this.indices.values()) index.clear();
  }

  /** The store keys indexed under `value`. */
  keys(indexName: string, value: string): ReadonlySet<string> {
    const index = this.indices.get(indexName);
    if (!index) throw new IndexNotFoundError(indexName);
    return index.get(value) ?? emptySet;
  }

  /** The index values of `obj` under `indexName`. */
  valuesOf(indexName: string, obj: T): readonly string[] {
    const fn = this.funcs.get(indexName);
    if (!fn) throw new IndexNotFoundError(indexName);
    return this.values(indexName, fn, obj);
  }

  /** Every value that currently has at least one key. */
  listValues(indexName: string): string[] {
    const index = this.indices.get(indexName);
    if (!index) throw new IndexNotFoundError(indexName);
    return [...index.keys()];
  }

  private values(name: string, fn: IndexFunc<T>, obj: T): readonly string[] {
    try {
      return fn(obj);
    } catch (err) {
      this.onIndexError(name, err);
      return none;
    }
  }

  private insert(name: string, values: readonly string[], key: string): void {
    this.insertAll(this.indices.get(name) as Map<string, Set<string>>, values, key, none);
  }

  private insertAll(index: Map<string, Set<string>>, values: readonly string[], key: string, skip: readonly string[]): void {
    for (const v of values) {
      if (skip.includes(v)) continue;
      let set = index.get(v);
      if (!set) {
        set = new Set();
        index.set(v, set);
      }
      set.add(key);
    }
  }
}

const emptySet: ReadonlySet<string> = new Set();

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

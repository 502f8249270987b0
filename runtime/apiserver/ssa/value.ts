/**
 * Typed operations on JSON values for server-side apply: the field set a value sets (what an applier owns), the
 * comparison of two versions (what an update changed), the merge of an applied configuration into the live
 * object, and the removal of fields an applier stopped applying.
 */
import { deepEqual } from "./equal.js";
import { FieldSet, fieldElement, indexElement, keyElement, valueElement, type Path, type PathElement } from "./fieldset.js";
import { fieldTypeOf, type FieldType } from "./schema.js";

type Json = unknown;
type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

function listType(t: FieldType): "atomic" | "set" | "map" {
  return t.listType ?? "atomic";
}

/** The path element of a list item in a list of type `t` (undefined for atomic lists). */
function itemElement(t: FieldType, item: Json, index: number): PathElement {
  const lt = listType(t);
  if (lt === "map" && isObject(item)) return keyElement(item, t.keys ?? []);
  if (lt === "set") return valueElement(item);
  return indexElement(index);
}

/** Items of an associative list by path element (the first of duplicates wins), in order. */
function indexItems(t: FieldType, list: readonly Json[]): Map<PathElement, Json> {
  const out = new Map<PathElement, Json>();
  list.forEach((item, i) => {
    const pe = itemElement(t, item, i);
    if (!out.has(pe)) out.set(pe, item);
  });
  return out;
}

const granularObject = (t: FieldType): boolean => t.mapType !== "atomic";
const associativeList = (t: FieldType): boolean => listType(t) !== "atomic";

/** The set of fields `v` sets (typed.ToFieldSet): leaves, atomic values and associative list items. */
export function toFieldSet(v: Json, t: FieldType): FieldSet {
  const set = new FieldSet();
  walkSet(v, t, [], set);
  return set;
}

function walkSet(v: Json, t: FieldType, path: PathElement[], set: FieldSet): void {
  if (isObject(v) && granularObject(t)) {
    for (const [k, child] of Object.entries(v)) walkSet(child, fieldTypeOf(t, k), [...path, fieldElement(k)], set);
    return;
  }
  if (Array.isArray(v) && associativeList(t)) {
    const items = t.items ?? {};
    for (const [pe, item] of indexItems(t, v)) {
      set.insert([...path, pe]);
      if (isObject(item) && listType(t) === "map") walkSet(item, items, [...path, pe], set);
    }
    return;
  }
  set.insert(path);
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** What changed from `lhs` to `rhs` (typed.Compare); new and removed objects and list items are recorded too. */
export function compare(lhs: Json, rhs: Json, t: FieldType): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(lhs, rhs, t, [], c);
  return c;
}

function walkCompare(l: Json, r: Json, t: FieldType, path: PathElement[], c: Comparison): void {
  if (l === undefined && r === undefined) return;
  const root = path.length === 0;
  if ((l === undefined || isObject(l)) && (r === undefined || isObject(r)) && granularObject(t)) {
    const lo = l ?? {};
    const ro = r ?? {};
    for (const k of new Set([...Object.keys(lo), ...Object.keys(ro)])) walkCompare(lo[k], ro[k], fieldTypeOf(t, k), [...path, fieldElement(k)], c);
    if (!root && l === undefined) c.added.insert(path);
    if (!root && r === undefined) c.removed.insert(path);
    return;
  }
  if ((l === undefined || Array.isArray(l)) && (r === undefined || Array.isArray(r)) && associativeList(t)) {
    const li = indexItems(t, l ?? []);
    const ri = indexItems(t, r ?? []);
    const items = t.items ?? {};
    for (const pe of new Set([...li.keys(), ...ri.keys()])) {
      const a = li.get(pe);
      const b = ri.get(pe);
      if (listType(t) === "map" && (a === undefined || isObject(a)) && (b === undefined || isObject(b))) walkCompare(a, b, items, [...path, pe], c);
      else leaf(a, b, [...path, pe], c);
    }
    return;
  }
  leaf(l, r, path, c);
}

function leaf(l: Json, r: Json, path: Path, c: Comparison): void {
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
  else if (!deepEqual(l, r)) c.modified.insert(path);
}

/** Merges an applied configuration into the live value (typed.Merge): `rhs` wins except where types merge. */
export function merge(lhs: Json, rhs: Json, t: FieldType): Json {
  if (rhs === undefined) return lhs;
  if (lhs === undefined) return structuredClone(rhs);
  if (isObject(lhs) && isObject(rhs) && granularObject(t)) {
    const out: JsonObject = { ...lhs };
    for (const [k, v] of Object.entries(rhs)) out[k] = merge(lhs[k], v, fieldTypeOf(t, k));
    return out;
  }
  if (Array.isArray(lhs) && Array.isArray(rhs) && associativeList(t)) return mergeList(lhs, rhs, t);
  return structuredClone(rhs);
}

/**
 * Merges associative lists as structured-merge-diff does: walking both lists together, items only the live list
 * has keep their place, items both have are merged where the configuration puts them, and new items come in the
 * configuration's order.
 */
function mergeList(lhs: readonly Json[], rhs: readonly Json[], t: FieldType): Json[] {
  const li = indexItems(t, lhs);
  const ri = indexItems(t, rhs);
  const lKeys = [...li.keys()];
  const rKeys = [...ri.keys()];
  const shared = rKeys.filter((k) => li.has(k));
  let sharedAt = 0;
  const out: Json[] = [];
  const merged = new Set<PathElement>();
  const itemType = t.items ?? {};
  const take = (pe: PathElement): void => {
    merged.add(pe);
    out.push(merge(li.get(pe), ri.get(pe), itemType));
    if (shared[sharedAt] === pe) sharedAt++;
  };
  let l = 0;
  let r = 0;
  while (l < lKeys.length || r < rKeys.length) {
    const lpe = lKeys[l];
    const rpe = rKeys[r];
    if (lpe !== undefined && rpe !== undefined) {
      if (lpe === rpe) {
        take(lpe);
        l++;
        r++;
        continue;
      }
      const nextShared = shared[sharedAt];
      if (ri.has(lpe) && nextShared !== undefined && nextShared !== lpe) {
        l++; // a shared item the configuration places later
        continue;
      }
    }
    if (lpe !== undefined) {
      if (!ri.has(lpe)) {
        out.push(li.get(lpe));
        l++;
        continue;
      }
      if (merged.has(lpe) || rpe === undefined) {
        l++;
        continue;
      }
    }
    if (rpe !== undefined) {
      if (!merged.has(rpe)) take(rpe);
      r++;
    }
  }
  return out;
}

/**
 * Removes from `v` the fields in `remove`, except where `keep` (what every manager still owns) has something at
 * or below them: an item someone still owns inside is kept, and only its unowned fields are removed.
 */
export function removeFields(v: Json, remove: FieldSet, keep: FieldSet, t: FieldType): Json {
  if (isObject(v) && granularObject(t)) {
    const out: JsonObject = { ...v };
    for (const pe of elementsOf(remove)) {
      if (pe[0] !== "f") continue;
      const name = pe.slice(2);
      if (!(name in out)) continue;
      const owned = keep.touches(pe);
      if (remove.members.has(pe) && !owned) delete out[name];
      else {
        const sub = remove.children.get(pe);
        if (sub) out[name] = removeFields(out[name], sub, keep.children.get(pe) ?? new FieldSet(), fieldTypeOf(t, name));
      }
    }
    return out;
  }
  if (Array.isArray(v) && associativeList(t)) {
    const out: Json[] = [];
    v.forEach((item, i) => {
      const pe = itemElement(t, item, i);
      const owned = keep.touches(pe);
      if (remove.members.has(pe) && !owned) return;
      const sub = remove.children.get(pe);
      if (!sub) {
        out.push(item);
        return;
      }
      const kept = removeFields(item, sub, keep.children.get(pe) ?? new FieldSet(), t.items ?? {});
      // a kept list-map item keeps its key fields: without them it would no longer be the same item
      if (isObject(kept) && isObject(item) && listType(t) === "map") for (const k of t.keys ?? []) if (item[k] !== undefined) kept[k] = item[k];
      out.push(kept);
    });
    return out;
  }
  return v;
}

function elementsOf(s: FieldSet): PathElement[] {
  return [...new Set([...s.members, ...s.children.keys()])];
}

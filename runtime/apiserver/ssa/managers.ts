/**
 * The managers of an object's fields (metadata.managedFields decoded): one entry per manager identity, that is
 * manager name, operation, subresource and — for Update entries only — apiVersion, as upstream's
 * BuildManagerIdentifier. Encoding sorts entries as upstream: Apply before Update, then by time, manager,
 * apiVersion and subresource.
 */
import type { ManagedFieldsEntry } from "../../core/object.js";
import { decodeFieldsV1, encodeFieldsV1 } from "./fieldsv1.js";
import type { FieldSet } from "./fieldset.js";

export type Operation = "Apply" | "Update";

export interface ManagerEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  subresource: string;
  time?: string;
  set: FieldSet;
}

/** Managers by identity. */
export type Managed = Map<string, ManagerEntry>;

/** The identity of a manager (upstream's JSON-encoded identifier; also what conflicts name). */
export function managerKey(e: { manager: string; operation: Operation; apiVersion: string; subresource: string }): string {
  return JSON.stringify({ manager: e.manager, operation: e.operation, apiVersion: e.operation === "Apply" ? "" : e.apiVersion, subresource: e.subresource });
}

export class ManagedFieldsError extends Error {}

/** Decodes metadata.managedFields; throws ManagedFieldsError when an entry is not valid. */
export function decodeManaged(entries: readonly ManagedFieldsEntry[] | undefined): Managed {
  const out: Managed = new Map();
  for (const [i, e] of (entries ?? []).entries()) {
    if (typeof e !== "object" || e === null) throw new ManagedFieldsError(`managedFields[${i}] is not an object`);
    if (e.operation !== "Apply" && e.operation !== "Update") throw new ManagedFieldsError(`managedFields[${i}]: unsupported operation ${JSON.stringify(e.operation)}`);
    if (e.fieldsType !== "FieldsV1") throw new ManagedFieldsError(`managedFields[${i}]: unsupported fieldsType ${JSON.stringify(e.fieldsType)}`);
    let set: FieldSet;
    try {
      set = decodeFieldsV1(e.fieldsV1);
    } catch (err) {
      throw new ManagedFieldsError(`managedFields[${i}]: ${(err as Error).message}`);
    }
    const entry: ManagerEntry = { manager: e.manager ?? "", operation: e.operation, apiVersion: e.apiVersion ?? "", subresource: e.subresource ?? "", set };
    if (e.time) entry.time = e.time;
    const key = managerKey(entry);
    const prev = out.get(key);
    if (prev) prev.set = prev.set.union(set);
    else out.set(key, entry);
  }
  return out;
}

/** Encodes managers as metadata.managedFields, sorted as upstream. Managers with no fields are dropped. */
export function encodeManaged(managed: Managed): ManagedFieldsEntry[] {
  const entries = [...managed.values()].filter((e) => !e.set.empty());
  entries.sort((p, q) => {
    if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
    const pt = p.time ? Math.floor(Date.parse(p.time) / 1000) : 0;
    const qt = q.time ? Math.floor(Date.parse(q.time) / 1000) : 0;
    if (pt !== qt) return pt - qt;
    if (p.manager !== q.manager) return p.manager < q.manager ? -1 : 1;
    if (p.apiVersion !== q.apiVersion) return p.apiVersion < q.apiVersion ? -1 : 1;
    return p.subresource < q.subresource ? -1 : p.subresource > q.subresource ? 1 : 0;
  });
  return entries.map((e) => {
    const out: ManagedFieldsEntry = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion };
    if (e.time) out.time = e.time;
    out.fieldsType = "FieldsV1";
    out.fieldsV1 = encodeFieldsV1(e.set);
    if (e.subresource) out.subresource = e.subresource;
    return out;
  });
}

/** Upstream's DefaultMaxUpdateManagers: more Update entries than this are folded into "ancient-changes". */
export const maxUpdateManagers = 10;
const ancientChanges = "ancient-changes";

/** Folds the oldest Update managers into one "ancient-changes" entry per apiVersion until at most `max` remain. */
export function capUpdateManagers(managed: Managed, max = maxUpdateManagers): void {
  const updaters = [...managed.entries()].filter(([, e]) => e.operation === "Update");
  if (updaters.length <= max) return;
  const seconds = (e: ManagerEntry): number => (e.time ? Math.floor(Date.parse(e.time) / 1000) : 0);
  updaters.sort(([ka, a], [kb, b]) => seconds(a) - seconds(b) || (ka < kb ? -1 : ka > kb ? 1 : 0));
  let count = updaters.length;
  for (const [key, e] of updaters) {
    if (count <= max) break;
    const bucket: ManagerEntry = { manager: ancientChanges, operation: "Update", apiVersion: e.apiVersion, subresource: "", set: e.set };
    const bucketKey = managerKey(bucket);
    if (bucketKey === key) continue;
    const existing = managed.get(bucketKey);
    managed.delete(key);
    if (existing) {
      existing.set = existing.set.union(e.set);
      if (e.time) existing.time = e.time;
      count--;
    } else {
      if (e.time) bucket.time = e.time;
      managed.set(bucketKey, bucket);
    }
  }
}

/**
 * Field management (k8s.io/apiserver's FieldManager over structured-merge-diff): records in
 * metadata.managedFields which manager set which field, on every write.
 *
 * - Update (create, update, non-apply patch): the fields the write added or changed become the manager's, and
 *   are taken from every other manager; removed fields leave every manager; a manager left with no fields loses
 *   its entry. Updates never conflict.
 * - Apply: the applied configuration is merged into the live object; the applier owns exactly the fields of its
 *   configuration; fields it applied before and no longer does are removed unless another manager owns them;
 *   changing a field another manager owns is a 409 conflict unless `force`, which takes it over.
 *
 * - Client-side apply interplay (manager "kubectl" only, as upstream): conflicts on fields the object's
 *   last-applied-configuration annotation set to their live values are forced (upgrading from `kubectl apply` to
 *   `kubectl apply --server-side`), and an existing annotation is rewritten to the applied configuration.
 *
 * Not modelled: version conversion of other managers' field sets (all sets are read as the request's version).
 */
import { newBadRequest } from "../../core/errors.js";
import type { KubeObject, ManagedFieldsEntry } from "../../core/object.js";
import { rfc3339 } from "../../core/object.js";
import { conflictError, type Conflict } from "./conflict.js";
import { deepEqual } from "./equal.js";
import { FieldSet, fieldElement } from "./fieldset.js";
import { capUpdateManagers, decodeManaged, encodeManaged, managerKey, ManagedFieldsError, type Managed, type ManagerEntry } from "./managers.js";
import type { FieldType } from "./schema.js";
import { compare, merge, removeFields, toFieldSet } from "./value.js";

export interface FieldManagerScope {
  /** The kind's root type (with ObjectMeta's). */
  type: FieldType;
  /** The apiVersion of the request ("apps/v1"). */
  apiVersion: string;
  /** "" for the main resource, "status" for the status subresource. */
  subresource: string;
  /** Top-level fields this endpoint resets and so never records ("status" on a main resource with a status subresource). */
  ignored: readonly string[];
  /**
   * Top-level fields that always exist in the kind's Go type (spec and status of built-in kinds), so that no write
   * ever adds them as such (their node is never a member); metadata always is.
   */
  alwaysPresent?: readonly string[];
  /** When set, the one field (a path of names) this endpoint writes and so records (the scale subresource's replicas). */
  only?: readonly string[];
  now: Date;
}

/** Metadata fields no manager owns (upstream's stripMeta set). */
const strippedMeta = ["name", "namespace", "creationTimestamp", "selfLink", "uid", "generation", "managedFields", "resourceVersion"];

/** The part of an object managers can own through this endpoint. */
function ownable(obj: KubeObject | undefined, scope: Pick<FieldManagerScope, "ignored" | "only">): Record<string, unknown> {
  if (!obj) return {};
  const { ignored, only } = scope;
  if (only) return pick(obj, only);
  const out: Record<string, unknown> = { ...obj };
  delete out.apiVersion;
  delete out.kind;
  for (const f of ignored) delete out[f];
  const meta: Record<string, unknown> = { ...obj.metadata };
  for (const f of strippedMeta) delete meta[f];
  out.metadata = meta;
  return out;
}

function pick(obj: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined || obj[head] === undefined) return {};
  const v = obj[head];
  if (rest.length === 0) return { [head]: v };
  return typeof v === "object" && v !== null && !Array.isArray(v) ? { [head]: pick(v as Record<string, unknown>, rest) } : {};
}

/** A field set without the nodes of top-level fields that always exist (metadata, and spec/status of typed kinds). */
function withoutRootMembers(s: FieldSet, scope: FieldManagerScope): FieldSet {
  s.members.delete(fieldElement("metadata"));
  for (const f of scope.alwaysPresent ?? []) s.members.delete(fieldElement(f));
  return s;
}

function decodeOrEmpty(entries: readonly ManagedFieldsEntry[] | undefined): Managed {
  try {
    return decodeManaged(entries);
  } catch (err) {
    if (err instanceof ManagedFieldsError) return new Map();
    throw err;
  }
}

/** An empty list, or a list of one empty entry, asks to reset managedFields (upstream's isResetManagedFields). */
function isReset(entries: readonly ManagedFieldsEntry[] | undefined): boolean {
  if (!entries) return false;
  if (entries.length === 0) return true;
  return entries.length === 1 && deepEqual(entries[0], {});
}

/**
 * The managers to start from: the request's managedFields when it sent valid, non-empty ones (a client may edit
 * them), none when it asked for a reset, else the live object's. Subresource writes always use the live ones.
 */
function managersFor(live: KubeObject | undefined, obj: KubeObject, subresource: string): Managed {
  const liveEntries = live?.metadata.managedFields;
  if (subresource !== "") return decodeOrEmpty(liveEntries);
  const sent = obj.metadata.managedFields;
  if (isReset(sent)) return new Map();
  try {
    const m = decodeManaged(sent);
    if (m.size > 0) return m;
  } catch (err) {
    if (!(err instanceof ManagedFieldsError)) throw err;
  }
  return decodeOrEmpty(liveEntries);
}

/** Removes `taken` and `removed` from every manager but `except`. */
function release(managed: Managed, except: string, taken: FieldSet, removed: FieldSet): void {
  for (const [key, e] of managed) {
    if (key === except) continue;
    e.set = e.set.difference(taken).difference(removed);
    if (e.set.empty()) managed.delete(key);
  }
}

/** The manager an apply finds owning every field of an object nobody managed yet. */
const beforeFirstApply = "before-first-apply";

/** Gives every field of an untracked live object to an Update manager "before-first-apply" (as upstream). */
function adoptUntracked(live: KubeObject, managed: Managed, scope: FieldManagerScope): void {
  const c = compare({}, ownable(live, scope), scope.type);
  const set = withoutRootMembers(c.added.union(c.modified), scope);
  if (set.empty()) return;
  const entry: ManagerEntry = { manager: beforeFirstApply, operation: "Update", apiVersion: scope.apiVersion, subresource: scope.subresource, set, time: rfc3339(scope.now) };
  managed.set(managerKey(entry), entry);
}

/** Records a non-apply write by `manager`: sets obj.metadata.managedFields from the live object and obj. */
export function recordUpdate(live: KubeObject | undefined, obj: KubeObject, manager: string, scope: FieldManagerScope): void {
  const managed = managersFor(live, obj, scope.subresource);
  if (managed.size === 0 && live?.metadata.uid) {
    // an existing object nobody manages stays untracked until an apply (upstream's skip-non-applied manager)
    delete obj.metadata.managedFields;
    return;
  }
  const c = compare(ownable(live, scope), ownable(obj, scope), scope.type);
  const changed = withoutRootMembers(c.added.union(c.modified), scope);
  release(managed, "", changed, c.removed);
  if (!changed.empty()) {
    const entry: ManagerEntry = { manager, operation: "Update", apiVersion: scope.apiVersion, subresource: scope.subresource, set: changed, time: rfc3339(scope.now) };
    const key = managerKey(entry);
    const prev = managed.get(key);
    if (prev) entry.set = changed.union(prev.set);
    managed.set(key, entry);
  }
  capUpdateManagers(managed);
  setManagedFields(obj, managed);
}

function setManagedFields(obj: KubeObject, managed: Managed): void {
  const entries = encodeManaged(managed);
  if (entries.length > 0) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
}

/**
 * Applies `config` for `manager` to the live object (undefined: the object does not exist yet) and returns the
 * object to store, with its managedFields. Throws the 409 conflict when `config` changes fields other managers
 * own and `force` is false.
 */
export function applyConfiguration(live: KubeObject | undefined, config: KubeObject, manager: string, force: boolean, scope: FieldManagerScope): KubeObject {
  if (config.metadata.managedFields !== undefined && config.metadata.managedFields !== null) throw newBadRequest("metadata.managedFields must be nil");
  let out: KubeObject;
  try {
    out = applyOnce(live, config, manager, force, scope);
  } catch (err) {
    if (!(err instanceof ApplyConflicts)) throw err;
    if (manager !== clientSideApplier) throw conflictError(err.conflicts);
    const allowed = allowedByLastApplied(live, scope);
    const remaining = err.conflicts.filter((c) => !allowed.has(c.path));
    if (remaining.length > 0) throw conflictError(remaining);
    out = applyOnce(live, config, manager, true, scope);
  }
  if (manager === clientSideApplier && out.metadata.annotations?.[lastAppliedAnnotation] !== undefined) {
    out.metadata.annotations[lastAppliedAnnotation] = lastAppliedOf(config);
  }
  return out;
}

/** The manager kubectl uses for `apply --server-side` by default; only it syncs with client-side apply. */
const clientSideApplier = "kubectl";
const lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

class ApplyConflicts extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super("apply conflicts");
  }
}

/** Fields the last-applied-configuration annotation sets to the values they still have. */
function allowedByLastApplied(live: KubeObject | undefined, scope: FieldManagerScope): FieldSet {
  const raw = live?.metadata.annotations?.[lastAppliedAnnotation];
  if (!raw) return new FieldSet();
  let last: unknown;
  try {
    last = JSON.parse(raw);
  } catch {
    return new FieldSet();
  }
  if (typeof last !== "object" || last === null || Array.isArray(last)) return new FieldSet();
  const lastObj = { metadata: {}, ...(last as Record<string, unknown>) } as KubeObject;
  const set = toFieldSet(ownable(lastObj, scope), scope.type);
  return set.difference(compare(ownable(lastObj, scope), ownable(live, scope), scope.type).modified);
}

/** The applied configuration as the annotation holds it: compact JSON with sorted keys, without the annotation. */
function lastAppliedOf(config: KubeObject): string {
  const copy = structuredClone(config);
  const ann = copy.metadata.annotations;
  if (ann) {
    delete ann[lastAppliedAnnotation];
    if (Object.keys(ann).length === 0) delete copy.metadata.annotations;
  }
  return JSON.stringify(sortKeys(copy));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== "object" || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
  return out;
}

function applyOnce(live: KubeObject | undefined, config: KubeObject, manager: string, force: boolean, scope: FieldManagerScope): KubeObject {
  const managed = decodeOrEmpty(live?.metadata.managedFields);
  if (managed.size === 0 && live) adoptUntracked(live, managed, scope);
  const liveValue: KubeObject = live ? { ...live, metadata: { ...live.metadata } } : { metadata: {} };
  delete liveValue.metadata.managedFields;
  let merged = merge(liveValue, config, scope.type) as KubeObject;

  const me: ManagerEntry = { manager, operation: "Apply", apiVersion: scope.apiVersion, subresource: scope.subresource, set: withoutRootMembers(toFieldSet(ownable(config, scope), scope.type), scope) };
  const key = managerKey(me);
  const previous = managed.get(key);
  if (previous?.time) me.time = previous.time;
  managed.set(key, me);
  if (previous) {
    let owned = new FieldSet();
    for (const e of managed.values()) owned = owned.union(e.set);
    const stale = previous.set.difference(owned);
    if (!stale.empty()) merged = removeFields(merged, stale, owned, scope.type) as KubeObject;
  }

  const c = compare(ownable(live, scope), ownable(merged, scope), scope.type);
  const changed = c.added.union(c.modified);
  const conflicts: Conflict[] = [];
  for (const [k, e] of managed) {
    if (k === key) continue;
    for (const path of e.set.intersection(changed).paths()) conflicts.push({ manager: e, path });
  }
  if (conflicts.length > 0 && !force) throw new ApplyConflicts(conflicts);
  release(managed, key, changed, c.removed);

  const noop = live !== undefined && deepEqual(liveValue, merged);
  if (!noop || !me.time) me.time = rfc3339(scope.now);
  capUpdateManagers(managed);
  setManagedFields(merged, managed);
  return merged;
}

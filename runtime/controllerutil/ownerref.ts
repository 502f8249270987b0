/**
 * Owner and controller references (controllerutil.SetOwnerReference / SetControllerReference / ...).
 *
 * Two references point at the same owner when their API group (the version is ignored), kind and name match,
 * as upstream's `referSameObject`: setting a reference again replaces the existing one in place.
 *
 * Scope rules (upstream's `validateOwner`), checked on the namespaces of the two objects:
 * - a cluster-scoped owner (no namespace) may own anything;
 * - a namespaced owner may only own objects in its own namespace: a cluster-scoped dependent (no namespace) or
 *   one in another namespace is an `OwnerReferenceError` (the garbage collector would delete such dependents).
 * The objects' `metadata.namespace` is trusted to reflect their scope (set it on namespaced objects).
 */
import type { KubeObject, OwnerReference } from "../core/object.js";

type WithMeta = Pick<KubeObject, "metadata">;

/** The owner passed to the set/remove helpers: it needs apiVersion, kind, name and uid. */
export interface Owner {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObject["metadata"];
}

/** The object already has a controller reference to a different owner. */
export class AlreadyOwnedError extends Error {
  /** "namespace/name" of the object. */
  readonly object: string;
  /** The existing controller reference. */
  readonly owner: OwnerReference;

  constructor(object: WithMeta, owner: OwnerReference) {
    const key = `${object.metadata.namespace ?? ""}/${object.metadata.name ?? ""}`;
    super(`Object ${key} is already owned by another ${owner.kind} controller ${owner.name}`);
    this.name = "AlreadyOwnedError";
    this.object = key;
    this.owner = { ...owner };
  }
}

/** An owner reference that the scope rules forbid, or a missing reference on removal. */
export class OwnerReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OwnerReferenceError";
  }
}

export function isAlreadyOwned(err: unknown): err is AlreadyOwnedError {
  return err instanceof AlreadyOwnedError;
}

export interface ControllerReferenceOptions {
  /** Sets `blockOwnerDeletion` (default true, as upstream). */
  blockOwnerDeletion?: boolean;
}

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf("/");
  return i < 0 ? "" : apiVersion.slice(0, i);
}

function referSameObject(a: Pick<OwnerReference, "apiVersion" | "kind" | "name">, b: Pick<OwnerReference, "apiVersion" | "kind" | "name">): boolean {
  return groupOf(a.apiVersion) === groupOf(b.apiVersion) && a.kind === b.kind && a.name === b.name;
}

function refTo(owner: Owner): OwnerReference {
  const { apiVersion, kind } = owner;
  const { name, uid } = owner.metadata;
  if (!apiVersion || !kind) throw new TypeError("owner reference: the owner needs apiVersion and kind");
  if (!name) throw new TypeError(`owner reference: the owner ${kind} needs metadata.name`);
  if (!uid) throw new TypeError(`owner reference: the owner ${kind} "${name}" has no metadata.uid (read it from the server first)`);
  return { apiVersion, kind, name, uid };
}

function validateOwner(owner: Owner, object: WithMeta): void {
  const ownerNs = owner.metadata.namespace ?? "";
  if (ownerNs === "") return;
  const objNs = object.metadata.namespace ?? "";
  if (objNs === "") throw new OwnerReferenceError(`cluster-scoped resource must not have a namespace-scoped owner, owner's namespace ${ownerNs}`);
  if (ownerNs !== objNs) {
    throw new OwnerReferenceError(`cross-namespace owner references are disallowed, owner's namespace ${ownerNs}, obj's namespace ${objNs}`);
  }
}

function upsert(object: WithMeta, ref: OwnerReference): void {
  const refs = [...(object.metadata.ownerReferences ?? [])];
  const i = refs.findIndex((r) => referSameObject(r, ref));
  if (i >= 0) refs[i] = ref;
  else refs.push(ref);
  object.metadata.ownerReferences = refs;
}

/**
 * Adds (or replaces) a non-controller owner reference to `owner` on `object`. An existing reference to the same
 * owner keeps its `controller` and `blockOwnerDeletion` flags.
 * Errors: OwnerReferenceError (scope rules), TypeError (owner without apiVersion/kind/name/uid).
 */
export function setOwnerReference(owner: Owner, object: WithMeta): void {
  const ref = refTo(owner);
  validateOwner(owner, object);
  const existing = (object.metadata.ownerReferences ?? []).find((r) => referSameObject(r, ref));
  if (existing?.controller !== undefined) ref.controller = existing.controller;
  if (existing?.blockOwnerDeletion !== undefined) ref.blockOwnerDeletion = existing.blockOwnerDeletion;
  upsert(object, ref);
}

/**
 * Makes `owner` the controller of `object`: an owner reference with `controller: true` and
 * `blockOwnerDeletion: true` (unless disabled), replacing an existing reference to the same owner.
 * Errors: AlreadyOwnedError when another owner is the controller; OwnerReferenceError (scope rules);
 * TypeError (owner without apiVersion/kind/name/uid).
 */
export function setControllerReference(owner: Owner, object: WithMeta, opts: ControllerReferenceOptions = {}): void {
  const ref: OwnerReference = { ...refTo(owner), controller: true, blockOwnerDeletion: opts.blockOwnerDeletion ?? true };
  validateOwner(owner, object);
  const existing = getControllerOf(object);
  if (existing && !referSameObject(existing, ref)) throw new AlreadyOwnedError(object, existing);
  upsert(object, ref);
}

/** The controller reference of `object` (the owner reference with `controller: true`), if any. */
export function getControllerOf(object: WithMeta): OwnerReference | undefined {
  return (object.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

/** Whether `object` has a controller reference (to anyone). */
export function hasControllerReference(object: WithMeta): boolean {
  return getControllerOf(object) !== undefined;
}

/** Whether `object` has an owner reference to `owner` (same group, kind and name). */
export function hasOwnerReference(owner: Owner, object: WithMeta): boolean {
  const { apiVersion, kind } = owner;
  const name = owner.metadata.name;
  if (!apiVersion || !kind || !name) return false;
  return (object.metadata.ownerReferences ?? []).some((r) => referSameObject(r, { apiVersion, kind, name }));
}

/** Whether `owner` is the controller of `object`. */
export function isControlledBy(object: WithMeta, owner: Owner): boolean {
  const c = getControllerOf(object);
  if (!c) return false;
  return owner.metadata.uid ? c.uid === owner.metadata.uid : hasOwnerReference(owner, { metadata: { ownerReferences: [c] } });
}

/**
 * Removes the owner reference to `owner` from `object`.
 * Errors: OwnerReferenceError when there is none (as upstream: removing what is not there is reported).
 */
export function removeOwnerReference(owner: Owner, object: WithMeta): void {
  const { apiVersion, kind } = owner;
  const name = owner.metadata.name ?? "";
  if (!apiVersion || !kind) throw new TypeError("owner reference: the owner needs apiVersion and kind");
  const refs = object.metadata.ownerReferences ?? [];
  const kept = refs.filter((r) => !referSameObject(r, { apiVersion, kind, name }));
  if (kept.length === refs.length) {
    throw new OwnerReferenceError(`${describe(object)} does not have an owner reference for ${kind} "${name}"`);
  }
  object.metadata.ownerReferences = kept;
}

/**
 * Removes the controller reference to `owner` from `object`.
 * Errors: OwnerReferenceError when `owner` is not the controller of `object`.
 */
export function removeControllerReference(owner: Owner, object: WithMeta): void {
  if (!isControlledBy(object, owner)) {
    throw new OwnerReferenceError(`${describe(object)} is not controlled by ${owner.kind ?? ""} "${owner.metadata.name ?? ""}"`);
  }
  removeOwnerReference(owner, object);
}

function describe(object: WithMeta & { kind?: unknown }): string {
  const kind = typeof object.kind === "string" ? `${object.kind} ` : "";
  const ns = object.metadata.namespace ? `${object.metadata.namespace}/` : "";
  return `${kind}${ns}${object.metadata.name ?? ""}`;
}

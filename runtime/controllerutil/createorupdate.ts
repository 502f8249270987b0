/**
 * controllerutil.CreateOrUpdate / CreateOrPatch: make an object look the way `mutate` says, creating it when
 * absent and writing it only when `mutate` changed something.
 *
 *   const cm: ConfigMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: "ns" } };
 *   const result = await createOrUpdate(client, cm, (cm) => {
 *     cm.data = { key: "value" };             // set the desired state here, not before the call
 *     setControllerReference(owner, cm);
 *   });
 *   // cm now holds the server's object; result is "created", "updated" or "unchanged"
 *
 * Contract (as upstream):
 * - `obj` needs apiVersion, kind, name (and namespace for namespaced kinds). It is read from the server into
 *   `obj` (replacing its contents), then `mutate(obj)` edits it in place. When the object does not exist,
 *   `mutate` edits the caller's `obj` as given and the result is created. So the desired state belongs in
 *   `mutate`, which must work on both a fresh and an existing object.
 * - `mutate` must not change the name or namespace: that throws `MutateKeyChangedError` and nothing is written.
 * - "unchanged" when the mutated object is deep-equal to what was read (fields set to `undefined` count as
 *   absent): no request is sent.
 * - Afterwards `obj` holds the server's response (or the read object when unchanged).
 * - No retry: a concurrent writer makes `update` fail with ConflictError (wrap the call in `retryOnConflict`);
 *   `createOrPatch` sends no resourceVersion and so does not conflict (last writer wins per field).
 */
import type { Client } from "../client/client.js";
import { isNotFound } from "../client/errors.js";
import { createMergePatch, mergePatch } from "../client/patch.js";
import { deepEqual, isPlainObject, type KubeObject } from "../core/object.js";

/** What createOrUpdate / createOrPatch did. */
export type OperationResult = "created" | "updated" | "patched" | "unchanged";

/** Edits the object in place to its desired state. */
export type MutateFn<T extends KubeObject> = (obj: T) => void | Promise<void>;

/** `mutate` changed the object's name or namespace. */
export class MutateKeyChangedError extends Error {
  readonly before: string;
  readonly after: string;

  constructor(before: string, after: string) {
    super(`MutateFn cannot mutate object name and/or object namespace (was "${before}", now "${after}")`);
    this.name = "MutateKeyChangedError";
    this.before = before;
    this.after = after;
  }
}

function keyOf(obj: KubeObject): string {
  return `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;
}

async function mutateChecked<T extends KubeObject>(obj: T, mutate: MutateFn<T>): Promise<void> {
  const before = keyOf(obj);
  await mutate(obj);
  const after = keyOf(obj);
  if (before !== after) throw new MutateKeyChangedError(before, after);
}

/** JSON view of a value: drops `undefined` fields, so that they compare as absent. */
function normalize<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Replaces the contents of `target` with a copy of `source` (the caller keeps its reference, as in Go). */
function assignInto(target: KubeObject, source: KubeObject): void {
  for (const k of Object.keys(target)) delete target[k];
  Object.assign(target, structuredClone(source));
}

/** Gets `obj` into itself; false when it does not exist. */
async function read<T extends KubeObject>(client: Client, obj: T): Promise<boolean> {
  try {
    const current = await client.get<T>(obj);
    assignInto(obj, current);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** Creates `obj` or updates it (PUT with its resourceVersion) when `mutate` changed it. See the file comment. */
export async function createOrUpdate<T extends KubeObject>(client: Client, obj: T, mutate: MutateFn<T>): Promise<OperationResult> {
  if (!(await read(client, obj))) {
    await mutateChecked(obj, mutate);
    assignInto(obj, await client.create(obj));
    return "created";
  }
  const before = normalize(obj);
  await mutateChecked(obj, mutate);
  if (deepEqual(before, normalize(obj))) return "unchanged";
  assignInto(obj, await client.update(obj));
  return "updated";
}

/**
 * Creates `obj` or patches it (JSON merge patch of what `mutate` changed) when `mutate` changed it. When the kind
 * has a status subresource, status changes go in a second patch of `…/status` (main patch first, each sent only
 * when its part changed), as upstream. Any of these writes returns "patched".
 */
export async function createOrPatch<T extends KubeObject>(client: Client, obj: T, mutate: MutateFn<T>): Promise<OperationResult> {
  if (!(await read(client, obj))) {
    await mutateChecked(obj, mutate);
    assignInto(obj, await client.create(obj));
    return "created";
  }
  const before = normalize(obj);
  await mutateChecked(obj, mutate);
  const after = normalize(obj);
  if (deepEqual(before, after)) return "unchanged";

  const mapping = await client.mapping({ apiVersion: obj.apiVersion ?? "", kind: obj.kind ?? "" });
  const statusSeparately = mapping.subresources.includes("status");
  const { status: beforeStatus, ...beforeRest } = before;
  const { status: afterStatus, ...afterRest } = after;
  const mainDiff = statusSeparately ? createMergePatch(beforeRest, afterRest) : createMergePatch(before, after);
  let latest: KubeObject | undefined;
  if (isPlainObject(mainDiff) && Object.keys(mainDiff).length > 0) {
    latest = await client.patch(obj, mergePatch(mainDiff));
  }
  if (statusSeparately && !deepEqual(beforeStatus, afterStatus)) {
    const statusDiff = createMergePatch({ status: beforeStatus ?? null }, { status: afterStatus ?? null });
    if (isPlainObject(statusDiff) && Object.keys(statusDiff).length > 0) {
      latest = await client.status().patch(obj, mergePatch(statusDiff));
    }
  }
  if (latest) assignInto(obj, latest);
  return "patched";
}

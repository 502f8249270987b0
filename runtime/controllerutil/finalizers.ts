/**
 * Finalizer list helpers (controllerutil.AddFinalizer / RemoveFinalizer / ContainsFinalizer). Pure: they change
 * `obj.metadata.finalizers` in place and report whether anything changed, so the caller knows whether to write.
 */
import type { KubeObject } from "../core/object.js";

type WithMeta = Pick<KubeObject, "metadata">;

/** Whether `obj` lists `finalizer`. */
export function containsFinalizer(obj: WithMeta, finalizer: string): boolean {
  return (obj.metadata.finalizers ?? []).includes(finalizer);
}

/** Appends `finalizer` unless present. Returns true when the list changed. */
export function addFinalizer(obj: WithMeta, finalizer: string): boolean {
  if (containsFinalizer(obj, finalizer)) return false;
  obj.metadata.finalizers = [...(obj.metadata.finalizers ?? []), finalizer];
  return true;
}

/**
 * Removes every occurrence of `finalizer` (the API server does not deduplicate finalizers). Returns true when
 * the list changed. An emptied list is left as `[]`, which a merge patch or update sends as "no finalizers".
 */
export function removeFinalizer(obj: WithMeta, finalizer: string): boolean {
  const current = obj.metadata.finalizers ?? [];
  const kept = current.filter((f) => f !== finalizer);
  if (kept.length === current.length) return false;
  obj.metadata.finalizers = kept;
  return true;
}

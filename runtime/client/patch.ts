/**
 * Patches for `client.patch` and the status / scale / subresource `patch` methods, like controller-runtime's
 * `client.Patch`: a content type plus the body computed from the object being patched.
 *
 *   await client.patch(pod, mergePatch({ metadata: { labels: { app: "x" } } }));
 *   const before = structuredClone(obj); obj.spec.replicas = 3;
 *   await client.patch(obj, mergeFrom(before, { optimisticLock: true }));
 */
import type { KubeObject } from "../core/object.js";
import { deepEqual, isPlainObject } from "../core/object.js";

export type PatchType = "merge" | "json" | "strategic";

/** The object a patch is sent for: a full object, or (for patches that do not need it) just its reference. */
export interface PatchTarget {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeObject["metadata"];
}

export interface Patch {
  readonly type: PatchType;
  /** The patch body for `target` (the object passed to `patch`). */
  data(target: PatchTarget): unknown;
}

/** RFC 6902 JSON patch operation. */
export type JsonPatchOperation =
  | { op: "add" | "replace" | "test"; path: string; value: unknown }
  | { op: "remove"; path: string }
  | { op: "move" | "copy"; from: string; path: string };

export const patchContentTypes: Readonly<Record<PatchType | "apply", string>> = {
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
};

/** A JSON merge patch (RFC 7386) given as is. */
export function mergePatch(data: Record<string, unknown>): Patch {
  return { type: "merge", data: () => data };
}

/** A strategic merge patch given as is (built-in kinds only; custom resources answer 415). */
export function strategicMergePatch(data: Record<string, unknown>): Patch {
  return { type: "strategic", data: () => data };
}

/** A JSON patch (RFC 6902). */
export function jsonPatch(ops: readonly JsonPatchOperation[]): Patch {
  return { type: "json", data: () => ops };
}

export interface MergeFromOptions {
  /**
   * Adds the original's `metadata.resourceVersion` to the patch, so that the server rejects it with a
   * ConflictError when the object changed since `original` was read.
   */
  optimisticLock?: boolean;
}

/**
 * controller-runtime's `client.MergeFrom`: a JSON merge patch from `original` to the object passed to `patch`
 * (the modified copy). Arrays are replaced whole, removed fields become `null`.
 */
export function mergeFrom(original: KubeObject, opts: MergeFromOptions = {}): Patch {
  return {
    type: "merge",
    data(target) {
      if (!target.metadata) throw new TypeError("mergeFrom: patch() needs the modified object, not a reference");
      const diff = createMergePatch(original, target);
      const out: Record<string, unknown> = isPlainObject(diff) ? diff : {};
      if (opts.optimisticLock) {
        const rv = original.metadata.resourceVersion;
        if (!rv) throw new TypeError("mergeFrom: optimisticLock needs metadata.resourceVersion on the original object");
        const meta = isPlainObject(out.metadata) ? out.metadata : {};
        out.metadata = { ...meta, resourceVersion: rv };
      }
      return out;
    },
  };
}

const unchanged = Symbol("unchanged");

function diff(original: unknown, modified: unknown): unknown {
  if (isPlainObject(original) && isPlainObject(modified)) {
    const out: Record<string, unknown> = {};
    let changed = false;
    for (const [k, v] of Object.entries(modified)) {
      if (v === undefined) continue;
      if (!Object.prototype.hasOwnProperty.call(original, k) || original[k] === undefined) {
        out[k] = v;
        changed = true;
        continue;
      }
      const d = diff(original[k], v);
      if (d !== unchanged) {
        out[k] = d;
        changed = true;
      }
    }
    for (const [k, v] of Object.entries(original)) {
      if (v === undefined) continue;
      if (!Object.prototype.hasOwnProperty.call(modified, k) || modified[k] === undefined) {
        out[k] = null;
        changed = true;
      }
    }
    return changed ? out : unchanged;
  }
  return deepEqual(original, modified) ? unchanged : modified;
}

/** The JSON merge patch (RFC 7386) that turns `original` into `modified` (`{}` when they are equal). */
export function createMergePatch(original: unknown, modified: unknown): unknown {
  const d = diff(original, modified);
  return d === unchanged ? {} : d;
}

/**
 * JSON merge patch (RFC 7386, `application/merge-patch+json`) with the behaviour of the library kube-apiserver uses
 * (gopkg.in/evanphx/json-patch.v4 MergePatch):
 *
 * - an object patch merges key by key: null deletes, objects merge recursively, anything else replaces;
 * - a value that lands where there was nothing (or where the target is not an object) has its nested null members
 *   dropped ("pruned"), recursively, also inside objects in arrays;
 * - an array patch replaces the whole document (nulls pruned inside its objects);
 * - a null or scalar patch is rejected with 400 "Invalid JSON Patch" (RFC 7386 would let it replace the document;
 *   upstream refuses, and a scalar could never decode as an object anyway).
 */
import { PatchError } from "./errors.js";
import { cloneJson, hasOwn, isObject, jsonEqual, setOwn, type JsonObject } from "./json.js";

/** evanphx/json-patch's ErrBadJSONPatch text. */
export const INVALID_MERGE_PATCH_MESSAGE = "Invalid JSON Patch";

/** Drops null members of objects, recursively (arrays keep their null elements; their objects are pruned). */
function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) {
    for (const e of v) if (e !== null) pruneNulls(e);
  } else if (isObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else pruneNulls(v[k]);
    }
  }
  return v;
}

function mergeValue(current: unknown, patch: unknown): unknown {
  if (!isObject(current)) return pruneNulls(patch);
  if (!isObject(patch)) return patch;
  mergeInto(current, patch);
  return current;
}

function mergeInto(doc: JsonObject, patch: JsonObject): void {
  for (const k of Object.keys(patch)) {
    const v = patch[k];
    if (v === null) {
      delete doc[k];
    } else if (!hasOwn(doc, k) || doc[k] === null) {
      setOwn(doc, k, pruneNulls(v));
    } else {
      setOwn(doc, k, mergeValue(doc[k], v));
    }
  }
}

/**
 * Applies a JSON merge patch and returns the new document; neither argument is modified.
 * Throws PatchError("BadRequest", "Invalid JSON Patch") for a null or scalar patch.
 */
export function applyMergePatch(original: unknown, patch: unknown): unknown {
  if (Array.isArray(patch)) return pruneNulls(cloneJson(patch));
  if (!isObject(patch)) throw new PatchError("BadRequest", INVALID_MERGE_PATCH_MESSAGE);
  const p = cloneJson(patch) as JsonObject;
  if (!isObject(original)) return pruneNulls(p);
  const doc = cloneJson(original) as JsonObject;
  mergeInto(doc, p);
  return doc;
}

function diff(original: JsonObject, modified: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(modified)) {
    const m = modified[k];
    if (!hasOwn(original, k)) {
      setOwn(out, k, cloneJson(m));
      continue;
    }
    const o = original[k];
    if (isObject(o) && isObject(m)) {
      const sub = diff(o, m);
      if (Object.keys(sub).length > 0) setOwn(out, k, sub);
    } else if (!jsonEqual(o, m)) {
      setOwn(out, k, cloneJson(m));
    }
  }
  for (const k of Object.keys(original)) {
    if (!hasOwn(modified, k)) setOwn(out, k, null);
  }
  return out;
}

/**
 * The merge patch that turns `original` into `modified` (both objects): changed and added members, removed members
 * as null, nested objects diffed recursively, arrays replaced whole. Null members of `modified` cannot be expressed
 * by a merge patch (applying one deletes the member). Throws PatchError("BadRequest") for non-object arguments.
 */
export function createMergePatch(original: unknown, modified: unknown): JsonObject {
  if (!isObject(original) || !isObject(modified)) throw new PatchError("BadRequest", "Invalid JSON Document");
  return diff(original, modified);
}

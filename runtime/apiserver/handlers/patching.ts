/** Applies a decoded patch (JSON, merge or strategic merge) to the stored object, mapping failures to API errors. */
import { newBadRequest, newInvalid } from "../../core/errors.js";
import type { KubeObject } from "../../core/object.js";
import { isPlainObject } from "../../core/object.js";
import { fieldErrors, FieldPath } from "../../core/validation.js";
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, PatchError } from "../patch/index.js";
import type { PatchMeta } from "../patch/meta.js";
import type { Store } from "../registry/store.js";

export interface PatchInput {
  type: "json" | "merge" | "strategic" | "apply";
  patch: unknown;
}

/** The patched document, or a StatusError: 400 for a malformed patch, 422 when it cannot apply to this object. */
export function patchDocument(current: unknown, p: PatchInput, meta: PatchMeta | undefined): unknown {
  try {
    switch (p.type) {
      case "json":
        return applyJsonPatch(current, p.patch);
      case "merge":
        if (!isPlainObject(p.patch)) throw newBadRequest("error decoding patch: the patch must be a JSON object");
        return applyMergePatch(current, p.patch);
      case "strategic":
        if (!isPlainObject(p.patch)) throw newBadRequest("error decoding patch: the patch must be a JSON object");
        return applyStrategicMergePatch(current, p.patch, meta ?? {});
      case "apply":
        throw newBadRequest("server-side apply is not supported yet");
    }
  } catch (err) {
    // the Status kube-apiserver sends for a failing patch (400, 413, 422 or 500, with upstream's wording)
    if (err instanceof PatchError) throw err.toStatusError();
    throw err;
  }
}

/** Patches `current` (undefined: the object does not exist → 404 from the registry before this runs). */
export function applyPatch(scope: { store: Store }, p: PatchInput, current: KubeObject | undefined, name: string): KubeObject {
  const { store } = scope;
  const out = patchDocument(current ?? {}, p, store.def.patchMeta);
  if (!isPlainObject(out)) throw newInvalid(store.gk, name, [fieldErrors.invalid(FieldPath.root(""), "", "patched object must be a JSON object")]);
  return out as KubeObject;
}

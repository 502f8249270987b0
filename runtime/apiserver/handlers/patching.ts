/** Applies a decoded patch (JSON, merge or strategic merge) to the stored object, mapping failures to API errors. */
import { newBadRequest, newInvalid } from "../../core/errors.js";
import type { KubeObject } from "../../core/object.js";
import { isPlainObject } from "../../core/object.js";
import { fieldErrors, FieldPath } from "../../core/validation.js";
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, PatchError } from "../patch/index.js";
import type { PatchMeta } from "../patch/meta.js";
import type { Store } from "../registry/store.js";
import { applyConfiguration, fieldManagerScope } from "../ssa/index.js";

export interface PatchInput {
  type: "json" | "merge" | "strategic" | "apply";
  patch: unknown;
}

/** Server-side apply parameters (PatchOptions fieldManager and force). */
export interface ApplyOptions {
  manager: string;
  force: boolean;
  subresource: "" | "status";
  now?: Date;
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

/**
 * Patches `current` (undefined: the object does not exist → 404 from the registry before this runs, except for
 * server-side apply, which creates it).
 */
export function applyPatch(scope: { store: Store }, p: PatchInput, current: KubeObject | undefined, name: string, apply?: ApplyOptions): KubeObject {
  const { store } = scope;
  if (p.type === "apply") {
    if (!apply) throw newBadRequest("server-side apply is not supported on this endpoint");
    return applyConfig(store, p.patch, current, apply);
  }
  const out = patchDocument(current ?? {}, p, store.def.patchMeta);
  if (!isPlainObject(out)) throw newInvalid(store.gk, name, [fieldErrors.invalid(FieldPath.root(""), "", "patched object must be a JSON object")]);
  return out as KubeObject;
}

/** The applied configuration checked as an object of the endpoint's kind, merged into `current` with field management. */
function applyConfig(store: Store, config: unknown, current: KubeObject | undefined, opts: ApplyOptions): KubeObject {
  if (!isPlainObject(config)) throw newBadRequest("error decoding patch: the patch must be a JSON or YAML object");
  const kind = config.kind;
  const apiVersion = config.apiVersion;
  const expected = store.def.names.kind;
  if (typeof kind !== "string" || kind === "") throw newBadRequest(`Object 'Kind' is missing in '${JSON.stringify(config)}'`);
  if (typeof apiVersion !== "string" || apiVersion === "") throw newBadRequest(`Object 'apiVersion' is missing in '${JSON.stringify(config)}'`);
  if (apiVersion !== store.apiVersion) {
    throw newBadRequest(`Incorrect version specified in apply patch. Specified patch version: ${apiVersion}, expected: ${store.apiVersion}`);
  }
  if (kind !== expected) throw newBadRequest(`${kind} in version "${store.def.version}" cannot be handled as a ${expected}: no kind "${kind}" is registered for the ${expected} endpoint`);
  if (config.metadata !== undefined && !isPlainObject(config.metadata)) throw newBadRequest("error decoding patch: metadata must be an object");
  const obj = { ...config, metadata: { ...(config.metadata ?? {}) } } as KubeObject;
  const scope = fieldManagerScope(store.def, store.apiVersion, opts.subresource, opts.now ?? new Date());
  return applyConfiguration(current, obj, opts.manager, opts.force, scope);
}

/**
 * The three patch types kube-apiserver accepts on PATCH, with upstream semantics and error classification.
 * Server-side apply (`application/apply-patch+yaml`) is not part of this package.
 */
import { PatchError } from "./errors.js";
import { applyJsonPatch } from "./jsonpatch.js";
import { applyMergePatch } from "./merge.js";
import type { PatchMeta } from "./meta.js";
import { applyStrategicMergePatch } from "./strategic.js";

export { PatchError, isPatchError, GENERIC_INVALID_MESSAGE, type PatchErrorKind } from "./errors.js";
export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from "./jsonpatch.js";
export { applyMergePatch, createMergePatch, INVALID_MERGE_PATCH_MESSAGE } from "./merge.js";
export { applyStrategicMergePatch } from "./strategic.js";
export type { PatchMeta } from "./meta.js";

export type PatchType = "json" | "merge" | "strategic";

/** The Content-Type of each patch type. */
export const PATCH_CONTENT_TYPES: Readonly<Record<PatchType, string>> = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
};

/** The patch type for a request Content-Type (parameters such as "; charset=utf-8" ignored), if it is one of them. */
export function patchTypeForContentType(contentType: string): PatchType | undefined {
  const base = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  for (const [type, ct] of Object.entries(PATCH_CONTENT_TYPES) as [PatchType, string][]) {
    if (ct === base) return type;
  }
  return undefined;
}

/**
 * Applies a decoded patch body of the given type. `meta` is required for "strategic" (kube-apiserver does not offer
 * strategic merge patch for custom resources: answer 415 for those before getting here).
 */
export function applyPatch(type: PatchType, original: unknown, patch: unknown, meta?: PatchMeta): unknown {
  switch (type) {
    case "json":
      return applyJsonPatch(original, patch);
    case "merge":
      return applyMergePatch(original, patch);
    case "strategic":
      if (!meta) throw new PatchError("InternalError", "strategic merge patch needs patch metadata");
      return applyStrategicMergePatch(original, patch, meta);
  }
}

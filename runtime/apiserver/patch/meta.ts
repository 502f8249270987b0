/**
 * Patch metadata for strategic merge patch: how each field of a kind merges (the Go struct tags
 * `patchStrategy` / `patchMergeKey`, or the OpenAPI `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key`
 * and `x-kubernetes-list-type` extensions). Absent metadata means: objects merge field by field, lists are replaced.
 */
export interface PatchMeta {
  /** Schemas of an object's named fields. */
  fields?: Record<string, PatchMeta>;
  /** Schema of every value of a map (map[string]T), used when a field is not named in `fields`. */
  values?: PatchMeta;
  /** Schema of a list's elements. */
  items?: PatchMeta;
  /**
   * For lists: "merge" merges elements (by `mergeKey` for lists of objects, as a set for lists of scalars);
   * "replace" (default) replaces the list. For objects: "retainKeys" drops fields absent from the patch
   * (combined as "merge,retainKeys" where both apply).
   */
  strategy?: "merge" | "replace" | "retainKeys" | "merge,retainKeys";
  /** For merged lists of objects: the field identifying an element (e.g. "name" for containers, "containerPort" for ports). */
  mergeKey?: string;
}

/**
 * core/v1 namespaces (pkg/registry/core/namespace): DNS-label names, the `kubernetes.io/metadata.name` label,
 * spec.finalizers ["kubernetes"] and phase Active on create, finalizers only changeable through `finalize`.
 */
import type { ResourceDefinition, Strategy } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { deepCopy } from "../../../core/object.js";
import { FieldPath, fieldErrors, isQualifiedName, nameIsDNSLabel, type FieldError } from "../../../core/validation.js";
import { age, ageColumn, col, nameColumn } from "../common/printers.js";
import { namespacePatchMeta } from "./patchmeta.js";
import { ensureObj, objOf, strListOf, strOf } from "./util.js";

export const namespaceNameLabel = "kubernetes.io/metadata.name";

const standardFinalizers = new Set(["kubernetes", "orphan", "foregroundDeletion"]);

/** validateFinalizerName for spec.finalizers. */
export function validateNamespaceFinalizers(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const path = FieldPath.of("spec", "finalizers");
  for (const f of strListOf(objOf(obj.spec).finalizers)) {
    for (const m of isQualifiedName(f)) errs.push(fieldErrors.invalid(path, f, m));
    if (!f.includes("/") && !standardFinalizers.has(f)) {
      errs.push(fieldErrors.invalid(path, f, "name is neither a standard finalizer name nor is it fully qualified"));
    }
  }
  return errs;
}

export const namespaceStrategy: Strategy = {
  default(obj) {
    const name = obj.metadata.name;
    if (name) obj.metadata.labels = { ...(obj.metadata.labels ?? {}), [namespaceNameLabel]: name };
    const status = ensureObj(obj, "status");
    if (!strOf(status.phase)) status.phase = "Active";
  },
  prepareForCreate(obj) {
    obj.status = { phase: "Active" };
    const spec = ensureObj(obj, "spec");
    const finalizers = strListOf(spec.finalizers);
    if (!finalizers.includes("kubernetes")) finalizers.push("kubernetes");
    spec.finalizers = finalizers;
  },
  prepareForUpdate(obj, old) {
    const spec = ensureObj(obj, "spec");
    const oldFinalizers = objOf(old.spec).finalizers;
    if (oldFinalizers === undefined) delete spec.finalizers;
    else spec.finalizers = deepCopy(oldFinalizers);
  },
  canonicalize(obj) {
    // the label always follows the name, even when a client tried to change or drop it
    const name = obj.metadata.name;
    if (name) obj.metadata.labels = { ...(obj.metadata.labels ?? {}), [namespaceNameLabel]: name };
  },
  validate: validateNamespaceFinalizers,
  validateUpdate: (obj) => validateNamespaceFinalizers(obj),
  // a deleted namespace stays (Terminating) until the namespace controller has emptied it and cleared spec.finalizers
  deletionBlocked: (obj) => strListOf(objOf(obj.spec).finalizers).length > 0,
  beginDeletion(obj) {
    ensureObj(obj, "status").phase = "Terminating";
  },
};

export const namespaces: ResourceDefinition = {
  group: "",
  version: "v1",
  names: { plural: "namespaces", singular: "namespace", kind: "Namespace", listKind: "NamespaceList", shortNames: ["ns"] },
  namespaced: false,
  nameValidator: nameIsDNSLabel,
  statusSubresource: true,
  strategy: namespaceStrategy,
  table: {
    columns: [nameColumn, col("Status", "The status of the namespace"), ageColumn],
    cells: (obj, now) => [obj.metadata.name ?? "", strOf(objOf(obj.status).phase), age(obj, now)],
  },
  selectableFields: (obj) => ({ "status.phase": strOf(objOf(obj.status).phase) }),
  patchMeta: namespacePatchMeta,
  returnDeletedObject: true,
};

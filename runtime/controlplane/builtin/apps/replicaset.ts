/** apps/v1 ReplicaSet (pkg/registry/apps/replicaset, pkg/apis/apps/validation). */
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { fieldErrors, type FieldError } from "../../../core/validation.js";
import { asNumber, asRecord, ensureRecord, validateImmutableField, validateNonnegativeField } from "../common/apps-shared.js";
import { defaultPodTemplateSpec } from "../common/podtemplate.js";
import { replicaSetPatchMeta } from "./patchmeta.js";
import { scaleSelector } from "./scale.js";
import { replicaSetTable } from "./tables.js";
import { specPath, validatePodTemplateSpecForReplicaSet, validateRequiredSelector, validateStatusCounters } from "./validation.js";

/** SetDefaults_ReplicaSet (+ pod template defaults). */
export function defaultReplicaSet(obj: KubeObject): void {
  const spec = ensureRecord(obj, "spec");
  if (spec["replicas"] === undefined || spec["replicas"] === null) spec["replicas"] = 1;
  defaultPodTemplateSpec(ensureRecord(spec, "template"));
}

/** ValidateReplicaSetSpec (upstream's empty-selector message says "deployment" here too). */
export function validateReplicaSetSpec(obj: KubeObject): FieldError[] {
  const spec = asRecord(obj["spec"]) ?? {};
  const errs = [
    ...validateNonnegativeField(spec["replicas"], specPath.child("replicas")),
    ...validateNonnegativeField(spec["minReadySeconds"], specPath.child("minReadySeconds")),
  ];
  const { errs: selErrs, selector } = validateRequiredSelector(spec, "deployment");
  errs.push(...selErrs);
  if (!selector) errs.push(fieldErrors.invalid(specPath.child("selector"), spec["selector"], "invalid label selector"));
  else errs.push(...validatePodTemplateSpecForReplicaSet(asRecord(spec["template"]) ?? {}, selector, specPath.child("template")));
  return errs;
}

/** ValidateReplicaSetUpdate plus apps/v1's immutable selector. */
export function validateReplicaSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [
    ...validateReplicaSetSpec(obj),
    ...validateImmutableField(asRecord(obj["spec"])?.["selector"], asRecord(old["spec"])?.["selector"], specPath.child("selector")),
  ];
}

/** ValidateReplicaSetStatusUpdate (for the status subresource). */
export function validateReplicaSetStatusUpdate(obj: KubeObject): FieldError[] {
  const msg = "cannot be greater than status.replicas";
  return validateStatusCounters(
    asRecord(obj["status"]) ?? {},
    ["replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration"],
    [
      ["fullyLabeledReplicas", "replicas", msg],
      ["readyReplicas", "replicas", msg],
      ["availableReplicas", "replicas", msg],
      ["availableReplicas", "readyReplicas", "cannot be greater than readyReplicas"],
    ],
  );
}

/** ReplicaSetToSelectableFields: status.replicas besides the metadata fields. */
export function replicaSetSelectableFields(obj: KubeObject): Record<string, string> {
  return { "status.replicas": String(asNumber(asRecord(obj["status"])?.["replicas"]) ?? 0) };
}

export const replicaSetResource: ResourceDefinition = {
  group: "apps",
  version: "v1",
  names: { plural: "replicasets", singular: "replicaset", kind: "ReplicaSet", listKind: "ReplicaSetList", shortNames: ["rs"], categories: ["all"] },
  namespaced: true,
  generation: true,
  statusSubresource: true,
  scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", selector: scaleSelector },
  strategy: {
    default: defaultReplicaSet,
    validate: validateReplicaSetSpec,
    validateUpdate: validateReplicaSetUpdate,
    validateStatusUpdate: validateReplicaSetStatusUpdate,
  },
  table: replicaSetTable,
  selectableFields: replicaSetSelectableFields,
  patchMeta: replicaSetPatchMeta,
};

/**
 * apps/v1 Deployment (pkg/registry/apps/deployment, pkg/apis/apps/v1/defaults.go, pkg/apis/apps/validation).
 */
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { FieldPath, fieldErrors, type FieldError } from "../../../core/validation.js";
import { asNumber, asRecord, ensureRecord, semanticEqual, validateImmutableField, validateNonnegativeField, type JsonRecord } from "../common/apps-shared.js";
import { defaultPodTemplateSpec } from "../common/podtemplate.js";
import { deploymentPatchMeta } from "./patchmeta.js";
import { scaleSelector } from "./scale.js";
import { deploymentTable } from "./tables.js";
import {
  intOrPercentValue,
  isNotMoreThan100Percent,
  specPath,
  validateCollisionCount,
  validatePodTemplateSpecForReplicaSet,
  validatePositiveIntOrPercent,
  validateRequiredSelector,
  validateStatusCounters,
} from "./validation.js";

/** SetDefaults_Deployment (+ pod template defaults). */
export function defaultDeployment(obj: KubeObject): void {
  const spec = ensureRecord(obj, "spec");
  if (spec["replicas"] === undefined || spec["replicas"] === null) spec["replicas"] = 1;
  const strategy = ensureRecord(spec, "strategy");
  if (strategy["type"] === undefined || strategy["type"] === null || strategy["type"] === "") strategy["type"] = "RollingUpdate";
  if (strategy["type"] === "RollingUpdate") {
    const ru = ensureRecord(strategy, "rollingUpdate");
    if (ru["maxUnavailable"] === undefined || ru["maxUnavailable"] === null) ru["maxUnavailable"] = "25%";
    if (ru["maxSurge"] === undefined || ru["maxSurge"] === null) ru["maxSurge"] = "25%";
  }
  if (spec["revisionHistoryLimit"] === undefined || spec["revisionHistoryLimit"] === null) spec["revisionHistoryLimit"] = 10;
  if (spec["progressDeadlineSeconds"] === undefined || spec["progressDeadlineSeconds"] === null) spec["progressDeadlineSeconds"] = 600;
  defaultPodTemplateSpec(ensureRecord(spec, "template"));
}

/** ValidateRollingUpdateDeployment. */
function validateRollingUpdateDeployment(ru: JsonRecord, path: FieldPath): FieldError[] {
  const errs = [
    ...validatePositiveIntOrPercent(ru["maxUnavailable"], path.child("maxUnavailable")),
    ...validatePositiveIntOrPercent(ru["maxSurge"], path.child("maxSurge")),
  ];
  if (intOrPercentValue(ru["maxUnavailable"]) === 0 && intOrPercentValue(ru["maxSurge"]) === 0) {
    errs.push(fieldErrors.invalid(path.child("maxUnavailable"), ru["maxUnavailable"] ?? 0, "may not be 0 when `maxSurge` is 0"));
  }
  errs.push(...isNotMoreThan100Percent(ru["maxUnavailable"], path.child("maxUnavailable")));
  return errs;
}

/** ValidateDeploymentStrategy. */
function validateDeploymentStrategy(strategy: JsonRecord, path: FieldPath): FieldError[] {
  const ru = strategy["rollingUpdate"];
  switch (strategy["type"]) {
    case "Recreate":
      return ru !== undefined && ru !== null ? [fieldErrors.forbidden(path.child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'")] : [];
    case "RollingUpdate":
      if (ru === undefined || ru === null) return [fieldErrors.required(path.child("rollingUpdate"), "this should be defaulted and never be nil")];
      return validateRollingUpdateDeployment(asRecord(ru) ?? {}, path.child("rollingUpdate"));
    default:
      return [fieldErrors.notSupported(path, strategy, ["Recreate", "RollingUpdate"])];
  }
}

/** ValidateDeploymentSpec. */
export function validateDeploymentSpec(obj: KubeObject): FieldError[] {
  const spec = asRecord(obj["spec"]) ?? {};
  const errs = validateNonnegativeField(spec["replicas"], specPath.child("replicas"));
  const { errs: selErrs, selector } = validateRequiredSelector(spec, "deployment");
  errs.push(...selErrs);
  if (!selector) errs.push(fieldErrors.invalid(specPath.child("selector"), spec["selector"], "invalid label selector"));
  else errs.push(...validatePodTemplateSpecForReplicaSet(asRecord(spec["template"]) ?? {}, selector, specPath.child("template")));
  errs.push(...validateDeploymentStrategy(asRecord(spec["strategy"]) ?? {}, specPath.child("strategy")));
  const minReadySeconds = asNumber(spec["minReadySeconds"]) ?? 0;
  errs.push(...validateNonnegativeField(minReadySeconds, specPath.child("minReadySeconds")));
  errs.push(...validateNonnegativeField(spec["revisionHistoryLimit"], specPath.child("revisionHistoryLimit")));
  const pds = spec["progressDeadlineSeconds"];
  if (typeof pds === "number") {
    errs.push(...validateNonnegativeField(pds, specPath.child("progressDeadlineSeconds")));
    if (pds <= minReadySeconds) errs.push(fieldErrors.invalid(specPath.child("progressDeadlineSeconds"), pds, "must be greater than minReadySeconds"));
  }
  return errs;
}

/** ValidateDeploymentUpdate plus apps/v1's immutable selector. */
export function validateDeploymentUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [
    ...validateDeploymentSpec(obj),
    ...validateImmutableField(asRecord(obj["spec"])?.["selector"], asRecord(old["spec"])?.["selector"], specPath.child("selector")),
  ];
}

/** ValidateDeploymentStatusUpdate (for the status subresource). */
export function validateDeploymentStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const status = asRecord(obj["status"]) ?? {};
  const msg = "cannot be greater than status.replicas";
  return [
    ...validateStatusCounters(
      status,
      ["observedGeneration", "replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas", "collisionCount"],
      [
        ["updatedReplicas", "replicas", msg],
        ["readyReplicas", "replicas", msg],
        ["availableReplicas", "replicas", msg],
        ["availableReplicas", "readyReplicas", "cannot be greater than readyReplicas"],
      ],
    ),
    ...validateCollisionCount(obj, old),
  ];
}

/**
 * Upstream also bumps the generation when only annotations change (they are copied to the ReplicaSets), which the
 * registry's generic rule (changes outside metadata and status) does not cover.
 */
function prepareDeploymentForUpdate(obj: KubeObject, old: KubeObject): void {
  const specSame = semanticEqual(obj["spec"], old["spec"]);
  if (specSame && !semanticEqual(obj.metadata.annotations, old.metadata.annotations)) {
    obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
  }
}

export const deploymentResource: ResourceDefinition = {
  group: "apps",
  version: "v1",
  names: { plural: "deployments", singular: "deployment", kind: "Deployment", listKind: "DeploymentList", shortNames: ["deploy"], categories: ["all"] },
  namespaced: true,
  generation: true,
  statusSubresource: true,
  scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", selector: scaleSelector },
  strategy: {
    default: defaultDeployment,
    prepareForUpdate: prepareDeploymentForUpdate,
    validate: validateDeploymentSpec,
    validateUpdate: validateDeploymentUpdate,
    validateStatusUpdate: validateDeploymentStatusUpdate,
  },
  table: deploymentTable,
  patchMeta: deploymentPatchMeta,
};

/**
 * apps/v1 DaemonSet (pkg/registry/apps/daemonset, pkg/apis/apps/v1/defaults.go, pkg/apis/apps/validation).
 * The internal spec.templateGeneration travels in apps/v1 as the `deprecated.daemonset.template.generation`
 * annotation: 1 on create, +1 whenever the pod template changes.
 */
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { FieldPath, fieldErrors, type FieldError } from "../../../core/validation.js";
import { asRecord, ensureRecord, semanticEqual, validateImmutableField, validateNonnegativeField, type JsonRecord } from "../common/apps-shared.js";
import { defaultPodTemplateSpec, validatePodTemplateSpec } from "../common/podtemplate.js";
import { validateLabelSelector, type LabelSelector } from "../../../core/labels.js";
import { daemonSetPatchMeta } from "./patchmeta.js";
import { daemonSetTable } from "./tables.js";
import {
  intOrPercentValue,
  isNotMoreThan100Percent,
  selectorOf,
  specPath,
  validateCollisionCount,
  validatePositiveIntOrPercent,
  validateStatusCounters,
  validateWorkloadPodSpec,
} from "./validation.js";

export const templateGenerationAnnotation = "deprecated.daemonset.template.generation";

/** SetDefaults_DaemonSet (+ pod template defaults). */
export function defaultDaemonSet(obj: KubeObject): void {
  const spec = ensureRecord(obj, "spec");
  const us = ensureRecord(spec, "updateStrategy");
  if (us["type"] === undefined || us["type"] === null || us["type"] === "") us["type"] = "RollingUpdate";
  if (us["type"] === "RollingUpdate") {
    const ru = ensureRecord(us, "rollingUpdate");
    if (ru["maxUnavailable"] === undefined || ru["maxUnavailable"] === null) ru["maxUnavailable"] = 1;
    if (ru["maxSurge"] === undefined || ru["maxSurge"] === null) ru["maxSurge"] = 0;
  }
  if (spec["revisionHistoryLimit"] === undefined || spec["revisionHistoryLimit"] === null) spec["revisionHistoryLimit"] = 10;
  defaultPodTemplateSpec(ensureRecord(spec, "template"));
}

function templateGeneration(obj: KubeObject): number {
  const v = obj.metadata.annotations?.[templateGenerationAnnotation];
  if (v === undefined || !/^-?[0-9]+$/.test(v)) return 0;
  return Number(v);
}

function setTemplateGeneration(obj: KubeObject, gen: number): void {
  obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [templateGenerationAnnotation]: String(gen) };
}

/** PrepareForCreate: templateGeneration starts at 1. */
function prepareDaemonSetForCreate(obj: KubeObject): void {
  if (templateGeneration(obj) < 1) setTemplateGeneration(obj, 1);
}

/** PrepareForUpdate: templateGeneration is the stored one, bumped (with the generation) when the template changes. */
function prepareDaemonSetForUpdate(obj: KubeObject, old: KubeObject): void {
  const oldGen = templateGeneration(old);
  const templateChanged = !semanticEqual(asRecord(obj["spec"])?.["template"], asRecord(old["spec"])?.["template"]);
  setTemplateGeneration(obj, templateChanged ? oldGen + 1 : oldGen);
}

/** ValidateRollingUpdateDaemonSet: exactly one of maxSurge / maxUnavailable is non-zero. */
function validateRollingUpdateDaemonSet(ru: JsonRecord, path: FieldPath): FieldError[] {
  const mu = ru["maxUnavailable"];
  const ms = ru["maxSurge"];
  const errs = [
    ...validatePositiveIntOrPercent(mu, path.child("maxUnavailable")),
    ...validatePositiveIntOrPercent(ms, path.child("maxSurge")),
    ...isNotMoreThan100Percent(mu, path.child("maxUnavailable")),
    ...isNotMoreThan100Percent(ms, path.child("maxSurge")),
  ];
  const hasUnavailable = intOrPercentValue(mu) !== 0;
  const hasSurge = intOrPercentValue(ms) !== 0;
  if (hasUnavailable && hasSurge) errs.push(fieldErrors.invalid(path.child("maxSurge"), ms, "may not be set when maxUnavailable is non-zero"));
  else if (!hasUnavailable && !hasSurge) errs.push(fieldErrors.required(path.child("maxUnavailable"), "cannot be 0 when maxSurge is 0"));
  return errs;
}

/** ValidateDaemonSetUpdateStrategy. */
function validateDaemonSetUpdateStrategy(strategy: JsonRecord, path: FieldPath): FieldError[] {
  switch (strategy["type"]) {
    case "OnDelete":
      return [];
    case "RollingUpdate": {
      const ru = strategy["rollingUpdate"];
      if (ru === undefined || ru === null) return [fieldErrors.required(path.child("rollingUpdate"))];
      return validateRollingUpdateDaemonSet(asRecord(ru) ?? {}, path.child("rollingUpdate"));
    }
    default:
      return [fieldErrors.notSupported(path, strategy, ["RollingUpdate", "OnDelete"])];
  }
}

/** ValidateDaemonSetSpec (no `Required` for a missing selector: upstream only reports the template mismatch). */
export function validateDaemonSetSpec(obj: KubeObject): FieldError[] {
  const spec = asRecord(obj["spec"]) ?? {};
  const template = asRecord(spec["template"]) ?? {};
  const templatePath = specPath.child("template");
  const raw = spec["selector"];
  const errs = raw === undefined || raw === null ? [] : validateLabelSelector((asRecord(raw) ?? {}) as LabelSelector, specPath.child("selector"));
  const selector = selectorOf(raw);
  const labels = asRecord(template["metadata"])?.["labels"];
  if (selector && !selector.matches((asRecord(labels) ?? {}) as Record<string, string>)) {
    errs.push(fieldErrors.invalid(templatePath.child("metadata", "labels"), labels ?? null, "`selector` does not match template `labels`"));
  }
  const sel = asRecord(raw);
  if (sel && Object.keys(asRecord(sel["matchLabels"]) ?? {}).length + (Array.isArray(sel["matchExpressions"]) ? sel["matchExpressions"].length : 0) === 0) {
    errs.push(fieldErrors.invalid(specPath.child("selector"), raw, "empty selector is invalid for daemonset"));
  }
  errs.push(...validatePodTemplateSpec(template, templatePath));
  errs.push(...validateWorkloadPodSpec(template, templatePath, "DaemonSet"));
  errs.push(...validateNonnegativeField(spec["minReadySeconds"], specPath.child("minReadySeconds")));
  errs.push(...validateDaemonSetUpdateStrategy(asRecord(spec["updateStrategy"]) ?? {}, specPath.child("updateStrategy")));
  errs.push(...validateNonnegativeField(spec["revisionHistoryLimit"], specPath.child("revisionHistoryLimit")));
  return errs;
}

/** ValidateDaemonSetUpdate plus apps/v1's immutable selector. */
export function validateDaemonSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [
    ...validateDaemonSetSpec(obj),
    ...validateImmutableField(asRecord(obj["spec"])?.["selector"], asRecord(old["spec"])?.["selector"], specPath.child("selector")),
  ];
}

/** ValidateDaemonSetStatusUpdate (for the status subresource). */
export function validateDaemonSetStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [
    ...validateStatusCounters(
      asRecord(obj["status"]) ?? {},
      [
        "currentNumberScheduled",
        "numberMisscheduled",
        "desiredNumberScheduled",
        "numberReady",
        "observedGeneration",
        "updatedNumberScheduled",
        "numberAvailable",
        "numberUnavailable",
        "collisionCount",
      ],
      [],
    ),
    ...validateCollisionCount(obj, old),
  ];
}

export const daemonSetResource: ResourceDefinition = {
  group: "apps",
  version: "v1",
  names: { plural: "daemonsets", singular: "daemonset", kind: "DaemonSet", listKind: "DaemonSetList", shortNames: ["ds"], categories: ["all"] },
  namespaced: true,
  generation: true,
  statusSubresource: true,
  strategy: {
    default: defaultDaemonSet,
    prepareForCreate: prepareDaemonSetForCreate,
    prepareForUpdate: prepareDaemonSetForUpdate,
    validate: validateDaemonSetSpec,
    validateUpdate: validateDaemonSetUpdate,
    validateStatusUpdate: validateDaemonSetStatusUpdate,
  },
  table: daemonSetTable,
  patchMeta: daemonSetPatchMeta,
};

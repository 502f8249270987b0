/**
 * Validation shared by the apps/v1 kinds (k8s.io/kubernetes/pkg/apis/apps/validation), with upstream's messages:
 * selectors, pod templates of workload controllers, int-or-percent fields and status counters.
 */
import { labelSelectorAsSelector, validateLabelSelector, type LabelSelector, type Selector } from "../../../core/labels.js";
import { isNotMoreThan100Percent as coreIsNotMoreThan100Percent, isValidPercent } from "../../../core/intstr.js";
import type { KubeObject } from "../../../core/object.js";
import { FieldPath, fieldErrors, type FieldError } from "../../../core/validation.js";
import { asNumber, asRecord, asStringMap, validateNonnegativeField, type JsonRecord } from "../common/apps-shared.js";
import { validatePodTemplateSpec } from "../common/podtemplate.js";

export const specPath = FieldPath.of("spec");

// ---- int or percent (intstr.IntOrString) ----

const percentRe = /^[0-9]+%$/;

/** ValidatePositiveIntOrPercent: a non-negative integer or a percent string. */
export function validatePositiveIntOrPercent(v: unknown, path: FieldPath): FieldError[] {
  if (typeof v === "string") return isValidPercent(v).map((m) => fieldErrors.invalid(path, v, m));
  if (typeof v === "number") return validateNonnegativeField(v, path);
  if (v === undefined || v === null) return [];
  return [fieldErrors.invalid(path, v, "must be an integer or percentage (e.g '5%%')")];
}

/** getIntOrPercentValue: the percent number, the integer, or (Atoi of a non-percent string) 0. */
export function intOrPercentValue(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    if (percentRe.test(v)) return Number(v.slice(0, -1));
    return /^[+-]?[0-9]+$/.test(v) ? Number(v) : 0;
  }
  return 0;
}

/** IsNotMoreThan100Percent. */
export function isNotMoreThan100Percent(v: unknown, path: FieldPath): FieldError[] {
  return typeof v === "string" ? coreIsNotMoreThan100Percent(v, path) : [];
}

// ---- selectors and templates ----

/** metav1.LabelSelectorAsSelector, undefined when the selector does not convert. */
export function selectorOf(sel: unknown): Selector | undefined {
  try {
    return labelSelectorAsSelector((asRecord(sel) ?? (sel === undefined || sel === null ? null : {})) as LabelSelector | null);
  } catch {
    return undefined;
  }
}

/**
 * The `spec.selector` checks of Deployment, ReplicaSet and StatefulSet: required, valid, not empty
 * (`empty selector is invalid for <what>`). Returns the converted selector (undefined when it does not convert).
 */
export function validateRequiredSelector(spec: JsonRecord, what: string, path: FieldPath = specPath): { errs: FieldError[]; selector: Selector | undefined } {
  const errs: FieldError[] = [];
  const raw = spec["selector"];
  const selPath = path.child("selector");
  if (raw === undefined || raw === null) {
    errs.push(fieldErrors.required(selPath));
  } else {
    const sel = (asRecord(raw) ?? {}) as LabelSelector;
    errs.push(...validateLabelSelector(sel, selPath));
    if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0) {
      errs.push(fieldErrors.invalid(selPath, raw, `empty selector is invalid for ${what}`));
    }
  }
  return { errs, selector: selectorOf(raw) };
}

const selectorMismatch = "`selector` does not match template `labels`";

/** The template's labels must match a non-empty selector (error at template.metadata.labels). */
export function validateSelectorMatchesTemplate(selector: Selector, template: JsonRecord, templatePath: FieldPath): FieldError[] {
  const labels = asStringMap(asRecord(template["metadata"])?.["labels"]);
  if (!selector.empty() && !selector.matches(labels)) {
    return [fieldErrors.invalid(templatePath.child("metadata", "labels"), asRecord(template["metadata"])?.["labels"] ?? null, selectorMismatch)];
  }
  return [];
}

/** restartPolicy must be Always; activeDeadlineSeconds is forbidden (`activeDeadlineSeconds in <Kind> is not Supported`). */
export function validateWorkloadPodSpec(template: JsonRecord, templatePath: FieldPath, kind: string): FieldError[] {
  const errs: FieldError[] = [];
  const podSpec = asRecord(template["spec"]) ?? {};
  const restartPolicy = podSpec["restartPolicy"];
  if (restartPolicy !== "Always") {
    errs.push(fieldErrors.notSupported(templatePath.child("spec", "restartPolicy"), restartPolicy ?? "", ["Always"]));
  }
  if (podSpec["activeDeadlineSeconds"] !== undefined && podSpec["activeDeadlineSeconds"] !== null) {
    errs.push(fieldErrors.forbidden(templatePath.child("spec", "activeDeadlineSeconds"), `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return errs;
}

/** ValidatePodTemplateSpecForReplicaSet (Deployment and ReplicaSet). */
export function validatePodTemplateSpecForReplicaSet(template: JsonRecord, selector: Selector, templatePath: FieldPath): FieldError[] {
  return [
    ...validateSelectorMatchesTemplate(selector, template, templatePath),
    ...validatePodTemplateSpec(template, templatePath),
    ...validateWorkloadPodSpec(template, templatePath, "ReplicaSet"),
  ];
}

// ---- status ----

/** Non-negative status counters and `cannot be greater than status.replicas`-style bounds. */
export function validateStatusCounters(
  status: JsonRecord,
  counters: readonly string[],
  bounds: ReadonlyArray<readonly [field: string, bound: string, message: string]>,
  path: FieldPath = FieldPath.of("status"),
): FieldError[] {
  const errs: FieldError[] = [];
  for (const c of counters) errs.push(...validateNonnegativeField(status[c], path.child(c)));
  for (const [field, bound, message] of bounds) {
    const v = asNumber(status[field]) ?? 0;
    if (v > (asNumber(status[bound]) ?? 0)) errs.push(fieldErrors.invalid(path.child(field), v, message));
  }
  return errs;
}

/** status.collisionCount cannot be decremented (IsDecremented). */
export function validateCollisionCount(obj: KubeObject, old: KubeObject): FieldError[] {
  const cur = asNumber(asRecord(obj["status"])?.["collisionCount"]);
  const prev = asNumber(asRecord(old["status"])?.["collisionCount"]);
  if (prev === undefined) return [];
  if (cur === undefined || cur < prev) return [fieldErrors.invalid(FieldPath.of("status", "collisionCount"), cur ?? 0, "cannot be decremented")];
  return [];
}

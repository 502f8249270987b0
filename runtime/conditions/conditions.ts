/**
 * metav1.Condition helpers (k8s.io/apimachinery/pkg/api/meta/conditions.go) and the condition validation of
 * k8s.io/apimachinery/pkg/apis/meta/v1/validation (ValidateConditions / ValidateCondition).
 *
 * Transition semantics of `setStatusCondition` (as upstream):
 * - a new type is appended; its lastTransitionTime is the given one or `now`;
 * - for an existing type, lastTransitionTime changes only when `status` changes (to the given time, or `now`);
 *   reason, message and observedGeneration are copied whenever they differ;
 * - the return value says whether anything changed, so that callers write status only when needed.
 */
import { FieldPath, fieldErrors, isQualifiedName, type FieldError } from "../core/validation.js";
import { rfc3339 } from "../core/object.js";

export type ConditionStatus = "True" | "False" | "Unknown";

/** metav1.Condition. */
export interface Condition {
  /** CamelCase or foo.example.com/CamelCase. */
  type: string;
  status: ConditionStatus;
  /** The .metadata.generation the condition was set for (0 / absent = unknown). */
  observedGeneration?: number;
  /** RFC 3339, second precision: when `status` last changed. */
  lastTransitionTime: string;
  /** CamelCase machine-readable reason. */
  reason: string;
  message: string;
}

/** A condition to set: lastTransitionTime is filled in when absent; message defaults to "". */
export interface ConditionInput {
  type: string;
  status: ConditionStatus;
  observedGeneration?: number;
  lastTransitionTime?: string;
  reason: string;
  message?: string;
}

/** A time source for lastTransitionTime: a fixed Date or a function (default `new Date()`). */
export type Now = Date | (() => Date);

function timeOf(now: Now | undefined): string {
  const d = now === undefined ? new Date() : typeof now === "function" ? now() : now;
  return rfc3339(d);
}

/**
 * Sets `cond` in `conditions` (in place) with the transition semantics above. Returns whether `conditions`
 * changed.
 */
export function setStatusCondition(conditions: Condition[], cond: ConditionInput, now?: Now): boolean {
  const existing = conditions.find((c) => c.type === cond.type);
  if (!existing) {
    const added: Condition = {
      type: cond.type,
      status: cond.status,
      lastTransitionTime: cond.lastTransitionTime || timeOf(now),
      reason: cond.reason,
      message: cond.message ?? "",
    };
    if (cond.observedGeneration !== undefined) added.observedGeneration = cond.observedGeneration;
    conditions.push(added);
    return true;
  }
  let changed = false;
  if (existing.status !== cond.status) {
    existing.status = cond.status;
    existing.lastTransitionTime = cond.lastTransitionTime || timeOf(now);
    changed = true;
  }
  if (existing.reason !== cond.reason) {
    existing.reason = cond.reason;
    changed = true;
  }
  const message = cond.message ?? "";
  if (existing.message !== message) {
    existing.message = message;
    changed = true;
  }
  if ((existing.observedGeneration ?? 0) !== (cond.observedGeneration ?? 0)) {
    if (cond.observedGeneration === undefined) delete existing.observedGeneration;
    else existing.observedGeneration = cond.observedGeneration;
    changed = true;
  }
  return changed;
}

/** Removes the condition of `type` (in place). Returns whether one was removed. */
export function removeStatusCondition(conditions: Condition[], type: string): boolean {
  const i = conditions.findIndex((c) => c.type === type);
  if (i < 0) return false;
  conditions.splice(i, 1);
  return true;
}

/** The condition of `type`, if present. */
export function findStatusCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return (conditions ?? []).find((c) => c.type === type);
}

/** Whether the condition of `type` is present with `status`. */
export function isStatusConditionPresentAndEqual(conditions: readonly Condition[] | undefined, type: string, status: ConditionStatus): boolean {
  return findStatusCondition(conditions, type)?.status === status;
}

/** Whether the condition of `type` is present and "True". */
export function isStatusConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return isStatusConditionPresentAndEqual(conditions, type, "True");
}

/** Whether the condition of `type` is present and "False". */
export function isStatusConditionFalse(conditions: readonly Condition[] | undefined, type: string): boolean {
  return isStatusConditionPresentAndEqual(conditions, type, "False");
}

// ---- validation ----

const conditionReasonFmt = "[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?";
const conditionReasonRe = new RegExp(`^${conditionReasonFmt}$`);
const conditionReasonErrMsg =
  "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_'";
/** Longest reason (bytes). */
export const maxConditionReasonLength = 1024;
/** Longest message (bytes). */
export const maxConditionMessageLength = 32 * 1024;
const validStatuses: readonly ConditionStatus[] = ["False", "True", "Unknown"];

/**
 * Field errors of one condition at `path` (default `status.conditions`): type a qualified name, status one of
 * True/False/Unknown, observedGeneration ≥ 0, lastTransitionTime set, reason set and matching
 * `[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?` within 1024 bytes, message within 32 KiB.
 */
export function validateCondition(cond: Condition | ConditionInput, path: FieldPath = FieldPath.of("status", "conditions")): FieldError[] {
  const errs: FieldError[] = [];
  const typePath = path.child("type");
  for (const m of isQualifiedName(cond.type)) errs.push(fieldErrors.invalid(typePath, cond.type, m));
  if (!validStatuses.includes(cond.status)) errs.push(fieldErrors.notSupported(path.child("status"), cond.status, validStatuses));
  if (cond.observedGeneration !== undefined && cond.observedGeneration < 0) {
    errs.push(fieldErrors.invalid(path.child("observedGeneration"), cond.observedGeneration, "must be greater than or equal to zero"));
  }
  const ltt = cond.lastTransitionTime;
  if (!ltt || Number.isNaN(Date.parse(ltt)) || Date.parse(ltt) === Date.parse("0001-01-01T00:00:00Z")) {
    errs.push(fieldErrors.required(path.child("lastTransitionTime"), "must be set"));
  }
  const reasonPath = path.child("reason");
  if (!cond.reason) {
    errs.push(fieldErrors.required(reasonPath, "must be set"));
  } else {
    if (!conditionReasonRe.test(cond.reason)) errs.push(fieldErrors.invalid(reasonPath, cond.reason, conditionReasonErrMsg));
    if (Buffer.byteLength(cond.reason, "utf8") > maxConditionReasonLength) errs.push(fieldErrors.tooLong(reasonPath, cond.reason, maxConditionReasonLength));
  }
  const message = cond.message ?? "";
  if (Buffer.byteLength(message, "utf8") > maxConditionMessageLength) {
    errs.push(fieldErrors.tooLong(path.child("message"), message, maxConditionMessageLength));
  }
  return errs;
}

/** Field errors of a condition list: each condition (at `path[i]`), plus duplicate types. */
export function validateConditions(conditions: readonly (Condition | ConditionInput)[], path: FieldPath = FieldPath.of("status", "conditions")): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  conditions.forEach((c, i) => {
    const p = path.index(i);
    errs.push(...validateCondition(c, p));
    if (seen.has(c.type)) errs.push(fieldErrors.duplicate(p.child("type"), c.type));
    else seen.add(c.type);
  });
  return errs;
}

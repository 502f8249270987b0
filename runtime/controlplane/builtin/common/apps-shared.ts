/**
 * Small helpers shared by the apps, coordination, events and rbac built-in resources: typed access to the
 * free-form fields of a `KubeObject`, upstream's common validation messages and Go's "semantic" equality.
 * (Cell formatting lives in ./printers.ts.)
 */
import { deepEqual, isPlainObject } from "../../../core/object.js";
import type { TableColumn } from "../../../apiserver/resource.js";
import { fieldErrors, type FieldError, type FieldPath } from "../../../core/validation.js";

export type JsonRecord = Record<string, unknown>;

/** `v` when it is a JSON object, else undefined. */
export function asRecord(v: unknown): JsonRecord | undefined {
  return isPlainObject(v) ? v : undefined;
}

/** `parent[key]` as an object, created (and stored) when absent or not an object. */
export function ensureRecord(parent: JsonRecord, key: string): JsonRecord {
  const cur = parent[key];
  if (isPlainObject(cur)) return cur;
  const fresh: JsonRecord = {};
  parent[key] = fresh;
  return fresh;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** A number field, or undefined when absent / not a number. */
export function asNumber(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** A string map (labels, nodeSelector, ...), non-string values dropped. */
export function asStringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const r = asRecord(v);
  if (!r) return out;
  for (const [k, val] of Object.entries(r)) if (typeof val === "string") out[k] = val;
  return out;
}

function isScalarZero(v: unknown): boolean {
  return v === undefined || v === null || v === "" || v === 0 || v === false || (Array.isArray(v) && v.length === 0);
}

/**
 * apimachinery's `equality.Semantic.DeepEqual` on JSON values: like deep equality, except that absent, null and
 * zero values (0, false, "", empty slices and maps) compare equal, as Go decodes them all to the same zero value.
 * (This conflates an absent pointer with a pointer to zero; defaulting sets the pointers that matter.)
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (deepEqual(a, b)) return true;
  const az = isScalarZero(a);
  const bz = isScalarZero(b);
  if (az && bz) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    return a.every((x, i) => semanticEqual(x, b[i]));
  }
  const ao = asRecord(a) ?? (az ? {} : undefined);
  const bo = asRecord(b) ?? (bz ? {} : undefined);
  if (!ao || !bo) return false;
  for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) {
    if (!semanticEqual(ao[k], bo[k])) return false;
  }
  return true;
}

// ---- common validation (k8s.io/kubernetes/pkg/apis/core/validation) ----

export const isNegativeErrorMsg = "must be greater than or equal to 0";
export const fieldImmutableErrorMsg = "field is immutable";

/** ValidateNonnegativeField: an absent value is 0 (valid). */
export function validateNonnegativeField(value: unknown, path: FieldPath | string): FieldError[] {
  if (typeof value === "number" && value < 0) return [fieldErrors.invalid(path, value, isNegativeErrorMsg)];
  return [];
}

/** ValidateImmutableField. */
export function validateImmutableField(value: unknown, old: unknown, path: FieldPath | string): FieldError[] {
  return semanticEqual(value, old) ? [] : [fieldErrors.invalid(path, value ?? null, fieldImmutableErrorMsg)];
}

// ---- table columns shared by the workload kinds ----

export const containersColumn: TableColumn = { name: "Containers", type: "string", description: "Names of each container in the template.", priority: 1 };
export const imagesColumn: TableColumn = { name: "Images", type: "string", description: "Images referenced by each container in the template.", priority: 1 };

/**
 * Deep equality of JSON values, as their serialized forms would compare: properties whose value is undefined
 * count as absent; key order is irrelevant.
 */
import type { KubeObject } from "../core/object.js";

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    // NaN never reaches JSON; numbers and strings compare by value above.
    return false;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  return objectsEqual(a as Record<string, unknown>, b as Record<string, unknown>);
}

function objectsEqual(a: Record<string, unknown>, b: Record<string, unknown>, skip?: string): boolean {
  let na = 0;
  for (const k in a) {
    if (k === skip) continue;
    const v = a[k];
    if (v === undefined) continue;
    na++;
    if (!Object.prototype.hasOwnProperty.call(b, k) || !jsonEqual(v, b[k])) return false;
  }
  let nb = 0;
  for (const k in b) {
    if (k !== skip && b[k] !== undefined) nb++;
  }
  return na === nb;
}

/** Whether two objects are equal apart from metadata.resourceVersion (a no-op update). */
export function equalIgnoringResourceVersion(a: KubeObject, b: KubeObject): boolean {
  const am = (a.metadata ?? {}) as Record<string, unknown>;
  const bm = (b.metadata ?? {}) as Record<string, unknown>;
  return objectsEqual(a, b, "metadata") && objectsEqual(am, bm, "resourceVersion");
}

/**
 * Resource quantities as the strategies need them: exact parsing into nano-units (so sums and comparisons are
 * exact), the resource-name rules for containers, and QoS classification (pkg/apis/core/helper/qos).
 */
import { FieldPath, fieldErrors, isQualifiedName, type FieldError } from "../../../core/validation.js";
import { objItems, objOf, type Obj } from "./util.js";

export const quantityRegexMessage = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const quantityRe = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const binarySuffix: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const decimalExp: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** The quantity in nano-units (rounded up, as upstream rounds to its precision), or undefined when not a quantity. */
export function quantityNano(v: unknown): bigint | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return quantityNano(String(v));
  if (typeof v !== "string") return undefined;
  const m = quantityRe.exec(v.trim() === v ? v : "");
  if (!m) return undefined;
  let num = m[1] ?? "";
  const suffix = m[2] ?? "";
  let sign = 1n;
  if (num.startsWith("+") || num.startsWith("-")) {
    if (num.startsWith("-")) sign = -1n;
    num = num.slice(1);
  }
  const parts = num.split(".");
  if (parts.length > 2) return undefined;
  const intPart = parts[0] ?? "";
  const frac = parts[1] ?? "";
  if (intPart === "" && frac === "") return undefined;
  const digits = BigInt(`${intPart}${frac}` || "0");
  // value = digits * 10^-frac.length * multiplier
  let exp10 = -frac.length;
  let mult = 1n;
  if (suffix in binarySuffix) {
    mult = binarySuffix[suffix] ?? 1n;
  } else if (suffix in decimalExp) {
    exp10 += decimalExp[suffix] ?? 0;
  } else {
    const em = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
    if (!em) return undefined;
    exp10 += Number(em[1]);
    if (Math.abs(exp10) > 400) return undefined;
  }
  // nano-units: value * 10^9
  const e = exp10 + 9;
  let out: bigint;
  if (e >= 0) out = digits * mult * pow10(e);
  else {
    const d = pow10(-e);
    const n = digits * mult;
    out = n / d + (n % d === 0n ? 0n : 1n);
  }
  return sign * out;
}

/** Whether the string is a valid quantity. */
export function isQuantity(v: unknown): boolean {
  return quantityNano(v) !== undefined;
}

const standardContainerResources = new Set(["cpu", "memory", "ephemeral-storage"]);

/** Whether a resource name is a hugepages resource ("hugepages-2Mi"). */
export function isHugePageResourceName(name: string): boolean {
  return name.startsWith("hugepages-");
}

/** Whether a resource name is an extended resource: fully qualified, outside *kubernetes.io, not "requests." prefixed. */
export function isExtendedResourceName(name: string): boolean {
  if (!name.includes("/")) return false;
  const domain = name.slice(0, name.indexOf("/"));
  if (domain === "kubernetes.io" || domain.endsWith(".kubernetes.io")) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const m of isQualifiedName(name)) errs.push(fieldErrors.invalid(path, name, m));
  if (errs.length > 0) return errs;
  if (!name.includes("/")) {
    if (!standardContainerResources.has(name) && !isHugePageResourceName(name)) {
      errs.push(fieldErrors.invalid(path, name, "must be a standard resource for containers"));
    }
  } else if (!isExtendedResourceName(name)) {
    const domain = name.slice(0, name.indexOf("/"));
    if (!(domain === "kubernetes.io" || domain.endsWith(".kubernetes.io"))) {
      errs.push(fieldErrors.invalid(path, name, "must be a standard resource for containers"));
    }
  }
  return errs;
}

/** ValidateResourceRequirements for a container's `resources` (requests, limits, requests ≤ limits). */
export function validateResourceRequirements(resources: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const r = objOf(resources);
  const limits = objOf(r.limits);
  const requests = objOf(r.requests);
  const limPath = path.child("limits");
  const reqPath = path.child("requests");
  const limVals = new Map<string, bigint>();
  for (const [name, q] of Object.entries(limits)) {
    const fp = limPath.key(name);
    errs.push(...validateContainerResourceName(name, fp));
    const v = quantityNano(q);
    if (v === undefined) {
      errs.push(fieldErrors.invalid(fp, q, quantityRegexMessage));
      continue;
    }
    if (v < 0n) errs.push(fieldErrors.invalid(fp, q, "must be greater than or equal to 0"));
    if (isIntegerResource(name) && v % 1_000_000_000n !== 0n) errs.push(fieldErrors.invalid(fp, q, "must be an integer"));
    limVals.set(name, v);
  }
  for (const [name, q] of Object.entries(requests)) {
    const fp = reqPath.key(name);
    errs.push(...validateContainerResourceName(name, fp));
    const v = quantityNano(q);
    if (v === undefined) {
      errs.push(fieldErrors.invalid(fp, q, quantityRegexMessage));
      continue;
    }
    if (v < 0n) errs.push(fieldErrors.invalid(fp, q, "must be greater than or equal to 0"));
    if (isIntegerResource(name) && v % 1_000_000_000n !== 0n) errs.push(fieldErrors.invalid(fp, q, "must be an integer"));
    const lim = limVals.get(name);
    const overcommit = !isExtendedResourceName(name) && !isHugePageResourceName(name);
    if (lim !== undefined) {
      if (v !== lim && !overcommit) {
        errs.push(fieldErrors.invalid(fp, q, `must be equal to ${name} limit of ${String(limits[name])}`));
      } else if (v > lim) {
        errs.push(fieldErrors.invalid(fp, q, `must be less than or equal to ${name} limit of ${String(limits[name])}`));
      }
    } else if (!overcommit) {
      errs.push(fieldErrors.required(limPath, "Limit must be set for non overcommitable resources"));
    }
  }
  return errs;
}

function isIntegerResource(name: string): boolean {
  return isExtendedResourceName(name);
}

export type QOSClass = "Guaranteed" | "Burstable" | "BestEffort";

/** GetPodQOS: the pod's quality of service class from its containers' cpu/memory requests and limits. */
export function podQOSClass(spec: Obj): QOSClass {
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  const all = [...objItems(spec.containers), ...objItems(spec.initContainers)];
  for (const [, c] of all) {
    const res = objOf(c.resources);
    for (const [name, q] of Object.entries(objOf(res.requests))) {
      if (name !== "cpu" && name !== "memory") continue;
      const v = quantityNano(q);
      if (v !== undefined && v > 0n) requests.set(name, (requests.get(name) ?? 0n) + v);
    }
    const found = new Set<string>();
    for (const [name, q] of Object.entries(objOf(res.limits))) {
      if (name !== "cpu" && name !== "memory") continue;
      const v = quantityNano(q);
      if (v !== undefined && v > 0n) {
        found.add(name);
        limits.set(name, (limits.get(name) ?? 0n) + v);
      }
    }
    if (!found.has("cpu") || !found.has("memory")) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return "BestEffort";
  if (guaranteed) {
    for (const [name, req] of requests) {
      if (limits.get(name) !== req) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? "Guaranteed" : "Burstable";
}

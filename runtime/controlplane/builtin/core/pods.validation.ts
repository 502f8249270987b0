/**
 * Pod validation beyond the spec (ValidatePodCreate, ValidatePodUpdate, ValidatePodStatusUpdate): ephemeral
 * containers on create, the immutable pod spec with its few updatable fields, and status IPs.
 */
import type { KubeObject } from "../../../core/object.js";
import { deepEqual, deepCopy } from "../../../core/object.js";
import { FieldPath, fieldErrors, type FieldError } from "../../../core/validation.js";
import { dns1123Subdomain } from "./podspec.containers.js";
import { validatePodSpec, validateTolerations } from "./podspec.validation.js";
import { inclusiveRangeError, isValidIPMessages, numOf, objItems, objOf, strOf, type Obj } from "./util.js";

const spec = FieldPath.of("spec");
const maxInt32 = 2147483647;

export const podUpdatableFieldsMessage =
  "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/** ValidatePodCreate (spec part; metadata is validated by the registry). */
export function validatePodCreate(pod: KubeObject): FieldError[] {
  const s = objOf(pod.spec);
  const errs = validatePodSpec(s, spec, { isPod: true });
  if (objItems(s.ephemeralContainers).length > 0) errs.push(fieldErrors.forbidden(spec.child("ephemeralContainers"), "cannot be set on create"));
  errs.push(...validatePodStatusIPs(objOf(pod.status)));
  return errs;
}

function validatePodStatusIPs(status: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const path = FieldPath.of("status");
  for (const [list, p] of [["podIPs", path.child("podIPs")], ["hostIPs", path.child("hostIPs")]] as const) {
    const seen = new Set<string>();
    for (const [i, e] of objItems(status[list])) {
      const ip = strOf(e.ip);
      const ipPath = p.index(i).child("ip");
      for (const m of isValidIPMessages(ip)) errs.push(fieldErrors.invalid(ipPath, ip, m));
      if (seen.has(ip)) errs.push(fieldErrors.duplicate(ipPath, ip));
      seen.add(ip);
    }
  }
  const nominated = strOf(status.nominatedNodeName);
  if (nominated) errs.push(...dns1123Subdomain(nominated, path.child("nominatedNodeName")));
  return errs;
}

function validateContainerUpdates(next: unknown, old: unknown, path: FieldPath): { errs: FieldError[]; stop: boolean } {
  const n = objItems(next);
  const o = objItems(old);
  if (n.length !== o.length) return { errs: [fieldErrors.forbidden(path, "pod updates may not add or remove containers")], stop: true };
  const errs: FieldError[] = [];
  for (const [i, c] of n) {
    const image = strOf(c.image);
    if (!image) errs.push(fieldErrors.required(path.index(i).child("image")));
    if (image.length !== image.trim().length) errs.push(fieldErrors.invalid(path.index(i).child("image"), image, "must not have leading or trailing whitespace"));
  }
  return { errs, stop: false };
}

function tolerationWithoutSeconds(t: Obj): Obj {
  const c = { ...t };
  delete c.tolerationSeconds;
  return c;
}

/** validateOnlyAddedTolerations. */
function validateOnlyAddedTolerations(next: unknown, old: unknown, path: FieldPath): FieldError[] {
  const n = objItems(next).map(([, t]) => tolerationWithoutSeconds(t));
  for (const [, t] of objItems(old)) {
    const base = tolerationWithoutSeconds(t);
    if (!n.some((x) => deepEqual(x, base))) return [fieldErrors.forbidden(path, "existing toleration can not be modified except its tolerationSeconds")];
  }
  return validateTolerations(next, path);
}

function validateOnlyDeletedSchedulingGates(next: unknown, old: unknown, path: FieldPath): FieldError[] {
  const oldNames = new Set(objItems(old).map(([, g]) => strOf(g.name)));
  const errs: FieldError[] = [];
  for (const [i, g] of objItems(next)) {
    const name = strOf(g.name);
    if (!oldNames.has(name)) errs.push(fieldErrors.forbidden(path.index(i).child("name"), `only deletion is allowed, but found new scheduling gate '${name}'`));
  }
  return errs;
}

/** ValidatePodUpdate (spec part): the new pod is valid and only the updatable fields changed. */
export function validatePodUpdate(pod: KubeObject, old: KubeObject): FieldError[] {
  const ns = objOf(pod.spec);
  const os = objOf(old.spec);
  const errs = validatePodSpec(ns, spec, { isPod: true });
  errs.push(...validatePodStatusIPs(objOf(pod.status)));
  const c = validateContainerUpdates(ns.containers, os.containers, spec.child("containers"));
  errs.push(...c.errs);
  if (c.stop) return errs;
  const ic = validateContainerUpdates(ns.initContainers, os.initContainers, spec.child("initContainers"));
  errs.push(...ic.errs);
  if (ic.stop) return errs;

  const nads = numOf(ns.activeDeadlineSeconds);
  const oads = numOf(os.activeDeadlineSeconds);
  if (nads !== undefined) {
    if (nads < 0 || nads > maxInt32) {
      errs.push(fieldErrors.invalid(spec.child("activeDeadlineSeconds"), nads, inclusiveRangeError(0, maxInt32)));
      return errs;
    }
    if (oads !== undefined && oads < nads) {
      errs.push(fieldErrors.invalid(spec.child("activeDeadlineSeconds"), nads, "must be less than or equal to previous value"));
      return errs;
    }
  } else if (oads !== undefined) {
    errs.push(fieldErrors.invalid(spec.child("activeDeadlineSeconds"), null, "must not update from a positive integer to nil value"));
  }
  errs.push(...validateOnlyAddedTolerations(ns.tolerations, os.tolerations, spec.child("tolerations")));
  errs.push(...validateOnlyDeletedSchedulingGates(ns.schedulingGates, os.schedulingGates, spec.child("schedulingGates")));

  if (deepEqual(ns, os)) return errs;
  const munged = deepCopy(ns);
  const oldContainers = objItems(os.containers);
  objItems(munged.containers).forEach(([i, ctr]) => {
    ctr.image = oldContainers[i]?.[1].image;
  });
  const oldInits = objItems(os.initContainers);
  objItems(munged.initContainers).forEach(([i, ctr]) => {
    ctr.image = oldInits[i]?.[1].image;
  });
  restore(munged, os, "activeDeadlineSeconds");
  restore(munged, os, "schedulingGates");
  restore(munged, os, "tolerations");
  const oldGrace = numOf(os.terminationGracePeriodSeconds);
  if (oldGrace !== undefined && oldGrace < 0 && numOf(munged.terminationGracePeriodSeconds) === 1) munged.terminationGracePeriodSeconds = oldGrace;
  if (objItems(os.schedulingGates).length > 0) {
    // gated pods may gain node selector entries and node affinity terms
    const oldSel = objOf(os.nodeSelector);
    const newSel = objOf(munged.nodeSelector);
    if (Object.entries(oldSel).every(([k, v]) => newSel[k] === v)) restore(munged, os, "nodeSelector");
    restore(munged, os, "affinity");
  }
  if (!deepEqual(munged, os)) {
    errs.push(fieldErrors.forbidden(spec, `${podUpdatableFieldsMessage}\n${specDiff(os, munged)}`));
  }
  return errs;
}

function restore(target: Obj, source: Obj, key: string): void {
  if (source[key] === undefined) delete target[key];
  else target[key] = deepCopy(source[key]);
}

/** A compact description of what differs between two specs (upstream prints a cmp.Diff here). */
function specDiff(old: unknown, next: unknown, path = "", out: string[] = []): string {
  if (deepEqual(old, next)) return out.join("\n");
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
  if (isObj(old) && isObj(next) && Array.isArray(old) === Array.isArray(next)) {
    const keys = new Set([...Object.keys(old), ...Object.keys(next)]);
    for (const k of keys) {
      const sub = Array.isArray(old) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
      specDiff(old[k], next[k], sub, out);
    }
    return out.join("\n");
  }
  out.push(`  ${path}: ${JSON.stringify(old) ?? "null"} -> ${JSON.stringify(next) ?? "null"}`);
  return out.join("\n");
}

/** Query parameters of resource requests, parsed and validated like metav1 ListOptions / CreateOptions / DeleteOptions. */
import { newBadRequest, newInvalid } from "../../core/errors.js";
import { FieldPath, fieldErrors, type FieldError } from "../../core/validation.js";
import type { ResourceVersionMatch } from "../../storage/interface.js";
import type { DeleteOptions, ListParams, PropagationPolicy, WatchParams } from "../registry/store.js";
import type { IncludeObject } from "../table.js";

function bool(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (v === "true" || v === "1" || v === "") return true;
  if (v === "false" || v === "0") return false;
  throw newBadRequest(`invalid boolean value for ${name}: "${v}"`);
}

function int(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === "") return undefined;
  if (!/^-?\d+$/.test(v)) throw newBadRequest(`invalid value for ${name}: "${v}": must be an integer`);
  return Number(v);
}

const listOptionsKind = { group: "meta.k8s.io", kind: "ListOptions" };

export interface ListQuery extends ListParams, WatchParams {
  watch: boolean;
  timeoutSeconds?: number;
  includeObject: IncludeObject;
}

/** ListOptions with upstream's validation (resourceVersionMatch and sendInitialEvents rules). */
export function parseListQuery(q: URLSearchParams, isWatch: boolean): ListQuery {
  const out: ListQuery = { watch: isWatch, includeObject: "Metadata" };
  const ls = q.get("labelSelector");
  if (ls) out.labelSelector = ls;
  const fs = q.get("fieldSelector");
  if (fs) out.fieldSelector = fs;
  const rv = q.get("resourceVersion");
  if (rv !== null) out.resourceVersion = rv;
  const rvm = q.get("resourceVersionMatch");
  const limit = int(q, "limit");
  if (limit !== undefined && limit > 0) out.limit = limit;
  const cont = q.get("continue");
  if (cont) out.continue = cont;
  const timeout = int(q, "timeoutSeconds");
  if (timeout !== undefined) out.timeoutSeconds = timeout;
  const bm = bool(q, "allowWatchBookmarks");
  if (bm) out.allowWatchBookmarks = true;
  const sie = bool(q, "sendInitialEvents");
  if (sie !== undefined) out.sendInitialEvents = sie;
  const inc = q.get("includeObject");
  if (inc) {
    if (inc !== "None" && inc !== "Metadata" && inc !== "Object") {
      throw newBadRequest(`includeObject: Unsupported value: "${inc}": supported values: "None", "Metadata", "Object"`);
    }
    out.includeObject = inc;
  }

  const errs: FieldError[] = [];
  if (rvm) {
    if (rvm !== "NotOlderThan" && rvm !== "Exact") {
      errs.push(fieldErrors.notSupported(FieldPath.of("resourceVersionMatch"), rvm, ["Exact", "NotOlderThan", ""]));
    } else if (!isWatch) {
      if (!rv) errs.push(fieldErrors.forbidden(FieldPath.of("resourceVersionMatch"), "resourceVersionMatch is forbidden unless resourceVersion is provided"));
      if (cont) errs.push(fieldErrors.forbidden(FieldPath.of("resourceVersionMatch"), "resourceVersionMatch is forbidden when continue is provided"));
      if (rvm === "Exact" && rv === "0") errs.push(fieldErrors.forbidden(FieldPath.of("resourceVersionMatch"), 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
    }
    out.resourceVersionMatch = rvm as ResourceVersionMatch;
  }
  if (sie !== undefined) {
    if (!isWatch) errs.push(fieldErrors.forbidden(FieldPath.of("sendInitialEvents"), "sendInitialEvents is forbidden for list"));
    else {
      if (rvm !== "NotOlderThan") errs.push(fieldErrors.forbidden(FieldPath.of("resourceVersionMatch"), "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
      if (sie && !bm) errs.push(fieldErrors.forbidden(FieldPath.of("allowWatchBookmarks"), "sendInitialEvents requires setting allowWatchBookmarks to true"));
    }
  } else if (isWatch && rvm) {
    errs.push(fieldErrors.forbidden(FieldPath.of("resourceVersionMatch"), "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
  }
  if (errs.length > 0) throw newInvalid(listOptionsKind, "", errs);
  if (cont && rv && rv !== "0" && !isWatch) throw newBadRequest("specifying resource version is not allowed when using continue");
  return out;
}

export interface WriteQuery {
  dryRun: boolean;
  fieldManager?: string;
  fieldValidation: "Strict" | "Warn" | "Ignore";
  force: boolean;
}

/** dryRun, fieldManager, fieldValidation and force (Create/Update/PatchOptions). */
export function parseWriteQuery(q: URLSearchParams, kind: "CreateOptions" | "UpdateOptions" | "PatchOptions" | "DeleteOptions"): WriteQuery {
  const errs: FieldError[] = [];
  const dry = q.getAll("dryRun");
  for (const d of dry) if (d !== "All") errs.push(fieldErrors.notSupported(FieldPath.of("dryRun"), d, ["All"]));
  const fv = q.get("fieldValidation") ?? "";
  let fieldValidation: WriteQuery["fieldValidation"] = "Warn";
  if (fv === "Strict" || fv === "Warn" || fv === "Ignore") fieldValidation = fv;
  else if (fv !== "") errs.push(fieldErrors.notSupported(FieldPath.of("fieldValidation"), fv, ["Ignore", "Strict", "Warn"]));
  const fm = q.get("fieldManager") ?? undefined;
  if (fm !== undefined && fm.length > 128) errs.push(fieldErrors.tooLong(FieldPath.of("fieldManager"), "", 128));
  const force = bool(q, "force") ?? false;
  if (errs.length > 0) throw newInvalid({ group: "meta.k8s.io", kind }, "", errs);
  const out: WriteQuery = { dryRun: dry.length > 0, fieldValidation, force };
  if (fm !== undefined) out.fieldManager = fm;
  return out;
}

/** DeleteOptions from the body (if any) overlaid with query parameters. */
export function parseDeleteOptions(q: URLSearchParams, body: unknown): DeleteOptions & { dryRun: boolean } {
  const out: DeleteOptions & { dryRun: boolean } = { dryRun: false };
  if (body && typeof body === "object" && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    if (typeof b.gracePeriodSeconds === "number") out.gracePeriodSeconds = b.gracePeriodSeconds;
    if (typeof b.propagationPolicy === "string") out.propagationPolicy = b.propagationPolicy as PropagationPolicy;
    if (typeof b.orphanDependents === "boolean") out.orphanDependents = b.orphanDependents;
    if (Array.isArray(b.dryRun) && b.dryRun.length > 0) out.dryRun = true;
    if (b.preconditions && typeof b.preconditions === "object") {
      const p = b.preconditions as Record<string, unknown>;
      out.preconditions = {};
      if (typeof p.uid === "string") out.preconditions.uid = p.uid;
      if (typeof p.resourceVersion === "string") out.preconditions.resourceVersion = p.resourceVersion;
    }
  }
  const grace = int(q, "gracePeriodSeconds");
  if (grace !== undefined) out.gracePeriodSeconds = grace;
  const pp = q.get("propagationPolicy");
  if (pp) out.propagationPolicy = pp as PropagationPolicy;
  const od = bool(q, "orphanDependents");
  if (od !== undefined) out.orphanDependents = od;
  if (q.getAll("dryRun").length > 0) out.dryRun = parseWriteQuery(q, "DeleteOptions").dryRun;
  if (out.propagationPolicy && !["Orphan", "Background", "Foreground"].includes(out.propagationPolicy)) {
    throw newInvalid({ group: "meta.k8s.io", kind: "DeleteOptions" }, "", [
      fieldErrors.notSupported(FieldPath.of("propagationPolicy"), out.propagationPolicy, ["Foreground", "Background", "Orphan", "nil"]),
    ]);
  }
  if (out.gracePeriodSeconds !== undefined && out.gracePeriodSeconds < 0) out.gracePeriodSeconds = 1;
  return out;
}

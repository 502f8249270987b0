/**
 * APIService validation as kube-aggregator does it (pkg/apis/apiregistration/validation): the name must be
 * `<version>.<group>`, priorities within their ranges, no caBundle or insecureSkipTLSVerify for local APIServices,
 * a service needs its namespace and name, and caBundle and insecureSkipTLSVerify exclude each other. Status
 * writes only check the conditions' statuses.
 */
import type { KubeObject } from "../../../core/object.js";
import { isPlainObject } from "../../../core/object.js";
import { FieldPath, fieldErrors, isDNS1035Label, isDNS1123Subdomain, nameIsPathSegment, type FieldError } from "../../../core/validation.js";
import { asAPIService } from "./types.js";

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const int = (v: unknown): number => (typeof v === "number" ? v : 0);

/** Length in bytes of the decoded caBundle ([]byte on the Go side). */
export function caBundleLength(caBundle: unknown): number {
  return typeof caBundle === "string" && caBundle !== "" ? Buffer.from(caBundle, "base64").length : 0;
}

/** ValidateAPIService (the object-meta checks other than the name rule run in the registry). */
export function validateAPIService(obj: KubeObject): FieldError[] {
  const svc = asAPIService(obj);
  const spec = isPlainObject(svc.spec) ? svc.spec : {};
  const group = str(spec.group);
  const version = str(spec.version);
  const errs: FieldError[] = [];
  const name = obj.metadata.name ?? "";
  const requiredName = `${version}.${group}`;
  // the path-segment failures are reported by the registry's name validation; only then does the name rule apply
  if (name !== "" && nameIsPathSegment(name, false).length === 0 && name !== requiredName) {
    errs.push(fieldErrors.invalid(FieldPath.of("metadata", "name"), name, `must be \`spec.version+"."+spec.group\`: ${JSON.stringify(requiredName)}`));
  }
  // only the legacy core group v1 may have an empty group
  if (group === "" && version !== "v1") errs.push(fieldErrors.required(FieldPath.of("spec", "group"), "only v1 may have an empty group and it better be legacy kube"));
  if (group !== "") for (const m of isDNS1123Subdomain(group)) errs.push(fieldErrors.invalid(FieldPath.of("spec", "group"), group, m));
  for (const m of isDNS1035Label(version)) errs.push(fieldErrors.invalid(FieldPath.of("spec", "version"), version, m));
  const gpm = int(spec.groupPriorityMinimum);
  if (gpm <= 0 || gpm > 20000) errs.push(fieldErrors.invalid(FieldPath.of("spec", "groupPriorityMinimum"), gpm, "must be positive and less than 20000"));
  const vp = int(spec.versionPriority);
  if (vp <= 0 || vp > 1000) errs.push(fieldErrors.invalid(FieldPath.of("spec", "versionPriority"), vp, "must be positive and less than 1000"));

  const caLen = caBundleLength(spec.caBundle);
  const insecure = spec.insecureSkipTLSVerify === true;
  if (!isPlainObject(spec.service)) {
    if (caLen !== 0) errs.push(fieldErrors.invalid(FieldPath.of("spec", "caBundle"), `${caLen} bytes`, "local APIServices may not have a caBundle"));
    if (insecure) errs.push(fieldErrors.invalid(FieldPath.of("spec", "insecureSkipTLSVerify"), true, "local APIServices may not have insecureSkipTLSVerify"));
    return errs;
  }
  if (str(spec.service.namespace) === "") errs.push(fieldErrors.required(FieldPath.of("spec", "service", "namespace")));
  if (str(spec.service.name) === "") errs.push(fieldErrors.required(FieldPath.of("spec", "service", "name")));
  if (insecure && caLen > 0) errs.push(fieldErrors.invalid(FieldPath.of("spec", "insecureSkipTLSVerify"), true, "may not be true if caBundle is present"));
  return errs;
}

const conditionStatuses = ["True", "False", "Unknown"];

/** ValidateAPIServiceStatus: every condition's status is True, False or Unknown. */
export function validateAPIServiceStatus(obj: KubeObject): FieldError[] {
  const conditions = asAPIService(obj).status?.conditions;
  if (!Array.isArray(conditions)) return [];
  const errs: FieldError[] = [];
  conditions.forEach((c, i) => {
    const status = isPlainObject(c) ? c.status : undefined;
    if (typeof status !== "string" || !conditionStatuses.includes(status)) {
      errs.push(fieldErrors.notSupported(FieldPath.of("status", "conditions").index(i).child("status"), status ?? "", conditionStatuses));
    }
  });
  return errs;
}

/**
 * rbac.authorization.k8s.io validation (k8s.io/kubernetes/pkg/apis/rbac/validation), with upstream's messages.
 */
import { validateLabelSelector, type LabelSelector } from "../../../core/labels.js";
import type { KubeObject } from "../../../core/object.js";
import { FieldPath, fieldErrors, isDNS1123Subdomain, nameIsPathSegment, type FieldError } from "../../../core/validation.js";
import { asArray, asRecord, asString, semanticEqual, type JsonRecord } from "../common/apps-shared.js";

export const rbacGroupName = "rbac.authorization.k8s.io";

/** validatePolicyRule: verbs required; resource rules need apiGroups and resources; nonResourceURLs only cluster-wide. */
export function validatePolicyRule(rule: unknown, isNamespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const r = asRecord(rule) ?? {};
  const verbs = asArray(r["verbs"]);
  const apiGroups = asArray(r["apiGroups"]);
  const resources = asArray(r["resources"]);
  const resourceNames = asArray(r["resourceNames"]);
  const nonResourceURLs = asArray(r["nonResourceURLs"]);
  if (verbs.length === 0) errs.push(fieldErrors.required(path.child("verbs"), "verbs must contain at least one value"));

  if (nonResourceURLs.length > 0) {
    if (isNamespaced) {
      errs.push(fieldErrors.invalid(path.child("nonResourceURLs"), nonResourceURLs, "namespaced rules cannot apply to non-resource URLs"));
    }
    if (apiGroups.length > 0 || resources.length > 0 || resourceNames.length > 0) {
      errs.push(fieldErrors.invalid(path.child("nonResourceURLs"), nonResourceURLs, "rules cannot apply to both regular resources and non-resource URLs"));
    }
    return errs;
  }
  if (apiGroups.length === 0) errs.push(fieldErrors.required(path.child("apiGroups"), "resource rules must supply at least one api group"));
  if (resources.length === 0) errs.push(fieldErrors.required(path.child("resources"), "resource rules must supply at least one resource"));
  if (resourceNames.length > 0 && resources.length > 1) {
    errs.push(fieldErrors.required(path.child("resourceNames"), "resource names cannot apply to multiple resources"));
  }
  return errs;
}

function validateRules(obj: KubeObject, isNamespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  asArray(obj["rules"]).forEach((rule, i) => errs.push(...validatePolicyRule(rule, isNamespaced, FieldPath.of("rules").index(i))));
  return errs;
}

/** ValidateRole (metadata is checked by the registry). */
export function validateRole(obj: KubeObject): FieldError[] {
  return validateRules(obj, true);
}

/** ValidateClusterRole: rules (non-resource URLs allowed) and the aggregation rule's selectors. */
export function validateClusterRole(obj: KubeObject): FieldError[] {
  const errs = validateRules(obj, false);
  const agg = obj["aggregationRule"];
  if (agg !== undefined && agg !== null) {
    const selectorsPath = FieldPath.of("aggregationRule", "clusterRoleSelectors");
    const selectors = asArray(asRecord(agg)?.["clusterRoleSelectors"]);
    if (selectors.length === 0) {
      errs.push(fieldErrors.required(selectorsPath, "at least one clusterRoleSelector required if aggregationRule is non-nil"));
    }
    selectors.forEach((sel, i) => errs.push(...validateLabelSelector(sel as LabelSelector, selectorsPath.index(i))));
  }
  return errs;
}

function validateRoleRef(roleRef: JsonRecord, allowedKinds: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  const apiGroup = asString(roleRef["apiGroup"]);
  if (apiGroup !== rbacGroupName) errs.push(fieldErrors.notSupported(FieldPath.of("roleRef", "apiGroup"), apiGroup, [rbacGroupName]));
  const kind = asString(roleRef["kind"]);
  if (!allowedKinds.includes(kind)) errs.push(fieldErrors.notSupported(FieldPath.of("roleRef", "kind"), kind, allowedKinds));
  const name = asString(roleRef["name"]);
  if (name.length === 0) errs.push(fieldErrors.required(FieldPath.of("roleRef", "name")));
  else for (const m of nameIsPathSegment(name, false)) errs.push(fieldErrors.invalid(FieldPath.of("roleRef", "name"), name, m));
  return errs;
}

/** validateRoleBindingSubject. */
export function validateSubject(subject: unknown, isNamespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const s = asRecord(subject) ?? {};
  const name = asString(s["name"]);
  const kind = asString(s["kind"]);
  const apiGroup = asString(s["apiGroup"]);
  if (name.length === 0) errs.push(fieldErrors.required(path.child("name")));
  switch (kind) {
    case "ServiceAccount":
      if (name.length > 0) for (const m of isDNS1123Subdomain(name)) errs.push(fieldErrors.invalid(path.child("name"), name, m));
      if (apiGroup.length > 0) errs.push(fieldErrors.notSupported(path.child("apiGroup"), apiGroup, [""]));
      if (!isNamespaced && asString(s["namespace"]).length === 0) errs.push(fieldErrors.required(path.child("namespace")));
      break;
    case "User":
      if (name.length === 0) errs.push(fieldErrors.invalid(path.child("name"), name, "user name cannot be empty"));
      if (apiGroup !== rbacGroupName) errs.push(fieldErrors.notSupported(path.child("apiGroup"), apiGroup, [rbacGroupName]));
      break;
    case "Group":
      if (name.length === 0) errs.push(fieldErrors.invalid(path.child("name"), name, "group name cannot be empty"));
      if (apiGroup !== rbacGroupName) errs.push(fieldErrors.notSupported(path.child("apiGroup"), apiGroup, [rbacGroupName]));
      break;
    default:
      errs.push(fieldErrors.notSupported(path.child("kind"), kind, ["ServiceAccount", "User", "Group"]));
  }
  return errs;
}

function validateBinding(obj: KubeObject, isNamespaced: boolean): FieldError[] {
  const errs = validateRoleRef(asRecord(obj["roleRef"]) ?? {}, isNamespaced ? ["Role", "ClusterRole"] : ["ClusterRole"]);
  asArray(obj["subjects"]).forEach((s, i) => errs.push(...validateSubject(s, isNamespaced, FieldPath.of("subjects").index(i))));
  return errs;
}

/** ValidateRoleBinding: roleRef to a Role or ClusterRole; subjects. */
export function validateRoleBinding(obj: KubeObject): FieldError[] {
  return validateBinding(obj, true);
}

/** ValidateClusterRoleBinding: roleRef to a ClusterRole; ServiceAccount subjects need a namespace. */
export function validateClusterRoleBinding(obj: KubeObject): FieldError[] {
  return validateBinding(obj, false);
}

/** The roleRef of a binding cannot change (`cannot change roleRef`). */
export function validateRoleRefUnchanged(obj: KubeObject, old: KubeObject): FieldError[] {
  const ref = asRecord(obj["roleRef"]) ?? {};
  const oldRef = asRecord(old["roleRef"]) ?? {};
  const same = ["apiGroup", "kind", "name"].every((k) => semanticEqual(ref[k], oldRef[k]));
  return same ? [] : [fieldErrors.invalid(FieldPath.of("roleRef"), obj["roleRef"] ?? null, "cannot change roleRef")];
}

/** SetDefaults_Subject: User and Group subjects default apiGroup to rbac.authorization.k8s.io (ServiceAccount: ""). */
export function defaultSubjects(obj: KubeObject): void {
  for (const s of asArray(obj["subjects"])) {
    const r = asRecord(s);
    if (!r || asString(r["apiGroup"]).length > 0) continue;
    const kind = r["kind"];
    if (kind === "User" || kind === "Group") r["apiGroup"] = rbacGroupName;
  }
}

/** SetDefaults_RoleBinding / ClusterRoleBinding: roleRef.apiGroup defaults to rbac.authorization.k8s.io. */
export function defaultRoleRef(obj: KubeObject): void {
  let ref = asRecord(obj["roleRef"]);
  if (!ref) {
    ref = {};
    obj["roleRef"] = ref;
  }
  if (asString(ref["apiGroup"]).length === 0) ref["apiGroup"] = rbacGroupName;
}

/**
 * Validation of webhook configurations as kube-apiserver does it for admissionregistration.k8s.io/v1
 * (pkg/apis/admissionregistration/validation, with the v1 requirements: sideEffects None/NoneOnDryRun, a
 * recognised admissionReviewVersion and unique webhook names).
 */
import type { KubeObject } from "../../../core/object.js";
import { isPlainObject } from "../../../core/object.js";
import { validateLabelSelector, type LabelSelector } from "../../../core/labels.js";
import { fieldErrors, FieldPath, isDNS1123Subdomain, type FieldError } from "../../../core/validation.js";
import { validateReviewVersions, validateWebhookClientConfig } from "../../../apiextensions/webhookclientconfig.js";
import { acceptedAdmissionReviewVersions, asWebhookConfiguration, type RuleWithOperations, type Webhook } from "./types.js";

const supportedOperations = ["*", "CONNECT", "CREATE", "DELETE", "UPDATE"];
const supportedScopes = ["*", "Cluster", "Namespaced"];
const supportedFailurePolicies = ["Fail", "Ignore"];
const supportedMatchPolicies = ["Equivalent", "Exact"];
const noSideEffectClasses = ["None", "NoneOnDryRun"];
const supportedReinvocationPolicies = ["IfNeeded", "Never"];

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => (typeof x === "string" ? x : String(x))) : []);

/** utilvalidation.IsFullyQualifiedName. */
export function validateFullyQualifiedName(name: string, path: FieldPath): FieldError[] {
  if (!name) return [fieldErrors.required(path, "")];
  const errs = isDNS1123Subdomain(name);
  if (errs.length > 0) return [fieldErrors.invalid(path, name, errs.join(","))];
  if (name.split(".").length < 3) return [fieldErrors.invalid(path, name, "should be a domain with at least three segments separated by dots")];
  return [];
}

function validateResources(resources: string[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (resources.length === 0) errs.push(fieldErrors.required(path, ""));
  const resWithWildcardSub = new Set<string>();
  const subWithWildcardRes = new Set<string>();
  let doubleWildcard = false;
  let singleWildcard = false;
  let withoutSub = false;
  resources.forEach((resSub, i) => {
    if (resSub === "") {
      errs.push(fieldErrors.required(path.index(i), ""));
      return;
    }
    if (resSub === "*/*") doubleWildcard = true;
    if (resSub === "*") singleWildcard = true;
    const slash = resSub.indexOf("/");
    if (slash < 0) {
      withoutSub = resSub !== "*";
      return;
    }
    const res = resSub.slice(0, slash);
    const sub = resSub.slice(slash + 1);
    if (resWithWildcardSub.has(res)) errs.push(fieldErrors.invalid(path.index(i), resSub, `if '${res}/*' is present, must not specify ${resSub}`));
    if (subWithWildcardRes.has(sub)) errs.push(fieldErrors.invalid(path.index(i), resSub, `if '*/${sub}' is present, must not specify ${resSub}`));
    if (sub === "*") resWithWildcardSub.add(res);
    if (res === "*") subWithWildcardRes.add(sub);
  });
  if (resources.length > 1 && doubleWildcard) errs.push(fieldErrors.invalid(path, resources, "if '*/*' is present, must not specify other resources"));
  if (singleWildcard && withoutSub) errs.push(fieldErrors.invalid(path, resources, "if '*' is present, must not specify other resources without subresources"));
  return errs;
}

function validateRuleWithOperations(rule: RuleWithOperations, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ops = strings(rule.operations);
  if (ops.length === 0) errs.push(fieldErrors.required(path.child("operations"), ""));
  if (ops.length > 1 && ops.includes("*")) errs.push(fieldErrors.invalid(path.child("operations"), ops, "if '*' is present, must not specify other operations"));
  ops.forEach((op, i) => {
    if (!supportedOperations.includes(op)) errs.push(fieldErrors.notSupported(path.child("operations").index(i), op, supportedOperations));
  });
  const groups = strings(rule.apiGroups);
  if (groups.length === 0) errs.push(fieldErrors.required(path.child("apiGroups"), ""));
  if (groups.length > 1 && groups.includes("*")) errs.push(fieldErrors.invalid(path.child("apiGroups"), groups, "if '*' is present, must not specify other API groups"));
  const versions = strings(rule.apiVersions);
  if (versions.length === 0) errs.push(fieldErrors.required(path.child("apiVersions"), ""));
  if (versions.length > 1 && versions.includes("*")) errs.push(fieldErrors.invalid(path.child("apiVersions"), versions, "if '*' is present, must not specify other API versions"));
  versions.forEach((v, i) => {
    if (v === "") errs.push(fieldErrors.required(path.child("apiVersions").index(i), ""));
  });
  errs.push(...validateResources(strings(rule.resources), path.child("resources")));
  if (rule.scope !== undefined && !supportedScopes.includes(rule.scope)) errs.push(fieldErrors.notSupported(path.child("scope"), rule.scope, supportedScopes));
  return errs;
}

function validateSelector(sel: LabelSelector | undefined, path: FieldPath): FieldError[] {
  return isPlainObject(sel) ? validateLabelSelector(sel, path) : [];
}

function validateWebhook(hook: Webhook, path: FieldPath, mutating: boolean): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateFullyQualifiedName(typeof hook.name === "string" ? hook.name : "", path.child("name")));
  (Array.isArray(hook.rules) ? hook.rules : []).forEach((r, i) => errs.push(...validateRuleWithOperations(isPlainObject(r) ? r : {}, path.child("rules").index(i))));
  if (hook.failurePolicy !== undefined && !supportedFailurePolicies.includes(hook.failurePolicy)) {
    errs.push(fieldErrors.notSupported(path.child("failurePolicy"), hook.failurePolicy, supportedFailurePolicies));
  }
  if (hook.matchPolicy !== undefined && !supportedMatchPolicies.includes(hook.matchPolicy)) {
    errs.push(fieldErrors.notSupported(path.child("matchPolicy"), hook.matchPolicy, supportedMatchPolicies));
  }
  if (hook.sideEffects === undefined || hook.sideEffects === null) {
    errs.push(fieldErrors.required(path.child("sideEffects"), `must specify one of ${noSideEffectClasses.join(", ")}`));
  } else if (!noSideEffectClasses.includes(hook.sideEffects)) {
    errs.push(fieldErrors.notSupported(path.child("sideEffects"), hook.sideEffects, noSideEffectClasses));
  }
  const t = hook.timeoutSeconds;
  if (t !== undefined && (typeof t !== "number" || t > 30 || t < 1)) {
    errs.push(fieldErrors.invalid(path.child("timeoutSeconds"), t, "the timeout value must be between 1 and 30 seconds"));
  }
  errs.push(...validateSelector(hook.namespaceSelector, path.child("namespaceSelector")));
  errs.push(...validateSelector(hook.objectSelector, path.child("objectSelector")));
  errs.push(...validateReviewVersions(strings(hook.admissionReviewVersions), acceptedAdmissionReviewVersions, path.child("admissionReviewVersions")));
  if (mutating && hook.reinvocationPolicy !== undefined && !supportedReinvocationPolicies.includes(hook.reinvocationPolicy)) {
    errs.push(fieldErrors.notSupported(path.child("reinvocationPolicy"), hook.reinvocationPolicy, supportedReinvocationPolicies));
  }
  errs.push(...validateWebhookClientConfig(hook.clientConfig, path.child("clientConfig")));
  return errs;
}

/** ValidateValidatingWebhookConfiguration / ValidateMutatingWebhookConfiguration (v1 rules). */
export function validateWebhookConfiguration(obj: KubeObject, mutating: boolean): FieldError[] {
  const cfg = asWebhookConfiguration(obj);
  const errs: FieldError[] = [];
  const names = new Set<string>();
  const hooks = Array.isArray(cfg.webhooks) ? cfg.webhooks : [];
  hooks.forEach((h, i) => {
    const p = FieldPath.of("webhooks").index(i);
    const hook = isPlainObject(h) ? (h as unknown as Webhook) : ({} as Webhook);
    errs.push(...validateWebhook(hook, p, mutating));
    if (typeof hook.name === "string" && hook.name) {
      if (names.has(hook.name)) errs.push(fieldErrors.duplicate(p.child("name"), hook.name));
      names.add(hook.name);
    }
  });
  return errs;
}

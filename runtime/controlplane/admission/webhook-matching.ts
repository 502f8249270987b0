/**
 * Which webhooks a request goes to (k8s.io/apiserver/pkg/admission/plugin/webhook/predicates): rules (operation,
 * group, version, resource/subresource with `*` and `x/*` / `*\/x` forms, scope), namespaceSelector (the namespace's
 * labels; a Namespace's own labels; cluster-scoped objects always match) and objectSelector (the new or the old
 * object's labels). matchPolicy Equivalent also matches through the other versions of the same storage
 * (events.k8s.io/v1 and core/v1 events, a CRD's versions); the object is then still sent in the request's version.
 */
import type { GroupVersionResource } from "../../core/gvk.js";
import { labelSelectorAsSelector } from "../../core/labels.js";
import type { KubeObject } from "../../core/object.js";
import type { AdmissionAttributes } from "../../apiserver/admission/types.js";
import type { RuleWithOperations, Webhook } from "../builtin/admissionregistration/types.js";

function splitResource(r: string): [string, string] {
  const i = r.indexOf("/");
  return i < 0 ? [r, ""] : [r.slice(0, i), r.slice(i + 1)];
}

const isNamespaceResource = (gvr: GroupVersionResource): boolean => gvr.group === "" && gvr.resource === "namespaces";

const has = (list: readonly string[] | undefined, v: string): boolean => (list ?? []).some((x) => x === "*" || x === v);

/** Whether one rule matches the request made against `gvr`. */
export function ruleMatches(rule: RuleWithOperations, attrs: AdmissionAttributes, gvr: GroupVersionResource = attrs.resource): boolean {
  if (!has(rule.operations, attrs.operation)) return false;
  if (!has(rule.apiGroups, gvr.group) || !has(rule.apiVersions, gvr.version)) return false;
  const resourceOK = (rule.resources ?? []).some((r) => {
    const [res, sub] = splitResource(r);
    return (res === "*" || res === gvr.resource) && (sub === "*" || sub === attrs.subresource);
  });
  if (!resourceOK) return false;
  switch (rule.scope ?? "*") {
    case "Namespaced":
      return !isNamespaceResource(gvr) && attrs.namespace !== "";
    case "Cluster":
      return isNamespaceResource(gvr) || attrs.namespace === "";
    default:
      return true;
  }
}

/** Whether the webhook's rules match, directly or (matchPolicy Equivalent) through an equivalent resource. */
export function rulesMatch(hook: Webhook, attrs: AdmissionAttributes, equivalents: readonly GroupVersionResource[]): boolean {
  const rules = hook.rules ?? [];
  if (rules.some((r) => ruleMatches(r, attrs))) return true;
  if ((hook.matchPolicy ?? "Equivalent") !== "Equivalent") return false;
  return equivalents.some((gvr) => rules.some((r) => ruleMatches(r, attrs, gvr)));
}

const isEmptySelector = (s: Webhook["namespaceSelector"]): boolean => !s || ((s.matchLabels === undefined || Object.keys(s.matchLabels).length === 0) && (s.matchExpressions ?? []).length === 0);

/** The labels of the namespace a request is in, or undefined when it does not exist. */
export type NamespaceLabels = (namespace: string) => Promise<Record<string, string> | undefined>;

export async function namespaceSelectorMatches(hook: Webhook, attrs: AdmissionAttributes, namespaceLabels: NamespaceLabels): Promise<boolean> {
  if (isEmptySelector(hook.namespaceSelector)) return true;
  const selector = labelSelectorAsSelector(hook.namespaceSelector);
  if (isNamespaceResource(attrs.resource)) {
    const ns = attrs.object ?? attrs.oldObject;
    return selector.matches(ns?.metadata.labels ?? {});
  }
  if (attrs.namespace === "") return true;
  const labels = await namespaceLabels(attrs.namespace);
  // a missing namespace matches nothing; NamespaceLifecycle then reports it
  return labels !== undefined && selector.matches(labels);
}

export function objectSelectorMatches(hook: Webhook, attrs: AdmissionAttributes): boolean {
  if (isEmptySelector(hook.objectSelector)) return true;
  const selector = labelSelectorAsSelector(hook.objectSelector);
  const matches = (o: KubeObject | undefined): boolean => o !== undefined && selector.matches(o.metadata?.labels ?? {});
  return matches(attrs.object) || matches(attrs.oldObject);
}

/** Webhook configuration kinds are never sent to webhooks (upstream's exemption, so a bad webhook can be removed). */
export function isExemptResource(attrs: AdmissionAttributes): boolean {
  return attrs.resource.group === "admissionregistration.k8s.io" && ["mutatingwebhookconfigurations", "validatingwebhookconfigurations", "validatingadmissionpolicies", "validatingadmissionpolicybindings", "mutatingadmissionpolicies", "mutatingadmissionpolicybindings"].includes(attrs.resource.resource);
}

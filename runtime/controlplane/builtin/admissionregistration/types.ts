/** admissionregistration.k8s.io/v1 webhook configuration types (k8s.io/api/admissionregistration/v1). */
import type { KubeObject } from "../../../core/object.js";
import type { LabelSelector } from "../../../core/labels.js";

export const admissionRegistrationGroup = "admissionregistration.k8s.io";

export type OperationType = "*" | "CREATE" | "UPDATE" | "DELETE" | "CONNECT";
export type ScopeType = "*" | "Cluster" | "Namespaced";
export type FailurePolicyType = "Fail" | "Ignore";
export type MatchPolicyType = "Exact" | "Equivalent";
export type SideEffectClass = "None" | "NoneOnDryRun" | "Unknown" | "Some";
export type ReinvocationPolicyType = "Never" | "IfNeeded";

export interface RuleWithOperations {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  scope?: string;
}

export interface ServiceReference {
  namespace: string;
  name: string;
  path?: string;
  port?: number;
}

export interface WebhookClientConfig {
  url?: string;
  service?: ServiceReference;
  /** Base64 PEM bundle of the CAs that sign the webhook's serving certificate (empty: system roots). */
  caBundle?: string;
}

/** A ValidatingWebhook or MutatingWebhook (the latter adds reinvocationPolicy). */
export interface Webhook {
  name: string;
  clientConfig: WebhookClientConfig;
  rules?: RuleWithOperations[];
  failurePolicy?: string;
  matchPolicy?: string;
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  sideEffects?: string;
  timeoutSeconds?: number;
  admissionReviewVersions?: string[];
  reinvocationPolicy?: string;
  matchConditions?: unknown[];
}

export interface WebhookConfiguration extends KubeObject {
  webhooks?: Webhook[];
}

export function asWebhookConfiguration(obj: KubeObject): WebhookConfiguration {
  return obj as WebhookConfiguration;
}

/** The admission.k8s.io versions a webhook may accept, in preference order. */
export const acceptedAdmissionReviewVersions = ["v1", "v1beta1"] as const;

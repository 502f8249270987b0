/**
 * admissionregistration.k8s.io/v1 MutatingWebhookConfiguration and ValidatingWebhookConfiguration: cluster-scoped,
 * defaulted and validated as kube-apiserver does for v1, printed as NAME, WEBHOOKS, AGE. The admission plugins
 * that call the webhooks are in `controlplane/admission/webhooks`.
 */
import type { PatchMeta } from "../../../apiserver/patch/meta.js";
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import { objectMetaPatchMeta } from "../common/podtemplate.js";
import { defaultWebhookConfiguration } from "./defaults.js";
import { webhookConfigurationTable } from "./table.js";
import { admissionRegistrationGroup } from "./types.js";
import { validateWebhookConfiguration } from "./validation.js";

/** `webhooks` merges by name (patchStrategy merge, patchMergeKey name). */
export const webhookConfigurationPatchMeta: PatchMeta = { fields: { metadata: objectMetaPatchMeta, webhooks: { strategy: "merge", mergeKey: "name" } } };

function webhookConfigurationResource(mutating: boolean): ResourceDefinition {
  const kind = mutating ? "MutatingWebhookConfiguration" : "ValidatingWebhookConfiguration";
  const plural = mutating ? "mutatingwebhookconfigurations" : "validatingwebhookconfigurations";
  return {
    group: admissionRegistrationGroup,
    version: "v1",
    names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List`, categories: ["api-extensions"] },
    namespaced: false,
    generation: true,
    strategy: {
      default: (obj) => defaultWebhookConfiguration(obj, mutating),
      validate: (obj) => validateWebhookConfiguration(obj, mutating),
      validateUpdate: (obj) => validateWebhookConfiguration(obj, mutating),
    },
    table: webhookConfigurationTable,
    patchMeta: webhookConfigurationPatchMeta,
  };
}

export const mutatingWebhookConfigurationResource = webhookConfigurationResource(true);
export const validatingWebhookConfigurationResource = webhookConfigurationResource(false);

export const admissionRegistrationResources: readonly ResourceDefinition[] = [mutatingWebhookConfigurationResource, validatingWebhookConfigurationResource];

export { defaultWebhookConfiguration } from "./defaults.js";
export { validateWebhookConfiguration } from "./validation.js";
export { acceptedAdmissionReviewVersions, admissionRegistrationGroup, asWebhookConfiguration } from "./types.js";
export type { RuleWithOperations, ServiceReference, Webhook, WebhookClientConfig, WebhookConfiguration } from "./types.js";

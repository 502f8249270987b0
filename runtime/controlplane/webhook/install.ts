/**
 * Wires webhooks into a control plane: the MutatingAdmissionWebhook and ValidatingAdmissionWebhook plugins (added
 * last to the admission chain, so they run after the built-in plugins, as upstream orders them) and the
 * environment CRD conversion webhooks are called through. Service references resolve to the Service's Endpoints.
 */
import type { GroupVersionResource } from "../../core/gvk.js";
import type { AdmissionAttributes } from "../../apiserver/admission/types.js";
import type { Store } from "../../apiserver/registry/store.js";
import type { APIServer } from "../../apiserver/server.js";
import { registerConversionEnvironment } from "../../apiextensions/conversion.js";
import { mutatingWebhookAdmission, validatingWebhookAdmission, type WebhookAdmissionOptions } from "../admission/webhooks.js";
import { WebhookConfigurationSource } from "../admission/webhook-source.js";
import { admissionRegistrationGroup } from "../builtin/admissionregistration/types.js";
import { postJSON } from "./client.js";
import { EndpointsServiceResolver, webhookEndpoint } from "./resolve.js";

export interface WebhookRuntime {
  /** Stops watching webhook configurations and withdraws the conversion environment. */
  stop(): void;
}

export function installWebhooks(server: APIServer): WebhookRuntime {
  const store = (group: string, version: string, resource: string): Store => {
    const s = server.store(group, version, resource);
    if (!s) throw new Error(`webhooks need ${group || "core"}/${version} ${resource}`);
    return s;
  };
  const services = new EndpointsServiceResolver(store("", "v1", "services").storage, store("", "v1", "endpoints").storage);
  const namespaces = store("", "v1", "namespaces").storage;
  const storageOf = (s: Store): string => s.def.storageName ?? `${s.def.group}/${s.def.names.plural}`;
  const equivalents = (attrs: AdmissionAttributes): GroupVersionResource[] => {
    const own = server.store(attrs.resource.group, attrs.resource.version, attrs.resource.resource);
    if (!own) return [];
    const key = storageOf(own);
    return server
      .allStores()
      .filter((s) => s !== own && storageOf(s) === key)
      .map((s) => s.gvr);
  };
  const common: Omit<WebhookAdmissionOptions, "source"> = {
    services,
    equivalents,
    namespaceLabels: async (ns) => {
      const obj = await namespaces.get(ns);
      return obj ? (obj.metadata.labels ?? {}) : undefined;
    },
  };
  const mutating = new WebhookConfigurationSource(store(admissionRegistrationGroup, "v1", "mutatingwebhookconfigurations").storage);
  const validating = new WebhookConfigurationSource(store(admissionRegistrationGroup, "v1", "validatingwebhookconfigurations").storage);
  server.admission.add(mutatingWebhookAdmission({ ...common, source: mutating }));
  server.admission.add(validatingWebhookAdmission({ ...common, source: validating }));

  const crds = store("apiextensions.k8s.io", "v1", "customresourcedefinitions").storage;
  const unregister = registerConversionEnvironment({
    servesCRD: async (name, uid) => (await crds.get(name))?.metadata.uid === uid,
    post: (cc, body, timeoutMs) => postJSON(webhookEndpoint(cc, services), body, timeoutMs),
  });
  return {
    stop() {
      mutating.stop();
      validating.stop();
      unregister();
    },
  };
}

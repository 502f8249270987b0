/** v1 defaulting of webhook configurations (SetDefaults_ValidatingWebhook / _MutatingWebhook / _Rule / _ServiceReference). */
import type { KubeObject } from "../../../core/object.js";
import { isPlainObject } from "../../../core/object.js";
import { asWebhookConfiguration } from "./types.js";

export function defaultWebhookConfiguration(obj: KubeObject, mutating: boolean): void {
  const cfg = asWebhookConfiguration(obj);
  if (!Array.isArray(cfg.webhooks)) return;
  for (const hook of cfg.webhooks) {
    if (!isPlainObject(hook)) continue;
    hook.failurePolicy ??= "Fail";
    hook.matchPolicy ??= "Equivalent";
    hook.namespaceSelector ??= {};
    hook.objectSelector ??= {};
    hook.timeoutSeconds ??= 10;
    if (mutating) hook.reinvocationPolicy ??= "Never";
    for (const rule of Array.isArray(hook.rules) ? hook.rules : []) {
      if (isPlainObject(rule)) rule.scope ??= "*";
    }
    const svc = isPlainObject(hook.clientConfig) ? hook.clientConfig.service : undefined;
    if (isPlainObject(svc)) svc.port ??= 443;
  }
}

/**
 * The MutatingAdmissionWebhook and ValidatingAdmissionWebhook plugins (k8s.io/apiserver/pkg/admission/plugin/webhook):
 *
 * - Mutating webhooks run one after another, configurations by name then webhooks in order; a JSONPatch answer is
 *   applied to the object in place. A webhook with reinvocationPolicy IfNeeded runs once more when a later webhook
 *   changed the object after it ran.
 * - Validating webhooks run in parallel; the first denial or failure in configuration order is returned.
 * - A webhook that cannot be called (transport error, timeout, malformed answer) fails the request with a 500
 *   `Internal error occurred: failed calling webhook "<name>": ...` under failurePolicy Fail, and is skipped under
 *   Ignore. A denial is the webhook's own status (`admission webhook "<name>" denied the request: ...`).
 * - A dry-run request reaching a webhook whose sideEffects are not None/NoneOnDryRun is a 400.
 * - Warnings from webhooks become the request's Warning headers.
 *
 * Not done: matchConditions (CEL) are not evaluated; mutating webhooks are not called for DELETE (the registry only
 * runs validating admission there); a patched object is not re-defaulted.
 */
import type { GroupVersionResource } from "../../core/gvk.js";
import { deepCopy, deepEqual, isPlainObject, type KubeObject } from "../../core/object.js";
import { newBadRequest, newInternalError, StatusError } from "../../core/errors.js";
import type { AdmissionAttributes, AdmissionPlugin } from "../../apiserver/admission/types.js";
import { applyJsonPatch } from "../../apiserver/patch/jsonpatch.js";
import type { Webhook } from "../builtin/admissionregistration/types.js";
import { postJSON } from "../webhook/client.js";
import { webhookEndpoint, type ServiceResolver } from "../webhook/resolve.js";
import { createAdmissionReview, reviewVersion, verifyAdmissionResponse, webhookDenial, type AdmissionResult } from "./admission-review.js";
import { isExemptResource, namespaceSelectorMatches, objectSelectorMatches, rulesMatch, type NamespaceLabels } from "./webhook-matching.js";
import type { WebhookConfigurationSource } from "./webhook-source.js";

export interface WebhookAdmissionOptions {
  source: WebhookConfigurationSource;
  namespaceLabels: NamespaceLabels;
  services: ServiceResolver;
  /** Other group/version/resources serving the same objects as the request's (for matchPolicy Equivalent). */
  equivalents(attrs: AdmissionAttributes): readonly GroupVersionResource[];
}

/** ErrCallingWebhook: the webhook could not be called or answered nonsense; subject to the failure policy. */
export class CallingWebhookError extends Error {
  constructor(
    readonly webhookName: string,
    reason: string,
  ) {
    super(`failed calling webhook ${JSON.stringify(webhookName)}: ${reason}`);
    this.name = "CallingWebhookError";
  }
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const noSideEffects = (hook: Webhook): boolean => hook.sideEffects === "None" || hook.sideEffects === "NoneOnDryRun";

/** Calls one webhook and verifies its answer. */
async function callWebhook(hook: Webhook, attrs: AdmissionAttributes, mutating: boolean, services: ServiceResolver): Promise<AdmissionResult> {
  if (attrs.dryRun && !noSideEffects(hook)) throw newBadRequest(`admission webhook ${JSON.stringify(hook.name)} does not support dry run`);
  const version = reviewVersion(hook.admissionReviewVersions);
  if (!version) throw new CallingWebhookError(hook.name, "webhook does not accept v1 or v1beta1 AdmissionReview");
  const review = createAdmissionReview(attrs, version);
  let endpoint;
  try {
    endpoint = webhookEndpoint(hook.clientConfig, services);
  } catch (err) {
    throw new CallingWebhookError(hook.name, `could not get REST client: ${message(err)}`);
  }
  let body: unknown;
  try {
    body = await postJSON(endpoint, review, (hook.timeoutSeconds ?? 10) * 1000);
  } catch (err) {
    throw new CallingWebhookError(hook.name, `failed to call webhook: ${message(err)}`);
  }
  try {
    return verifyAdmissionResponse(review.request.uid, version, mutating, body);
  } catch (err) {
    throw new CallingWebhookError(hook.name, `received invalid webhook response: ${message(err)}`);
  }
}

/** Applies the failure policy to an error from a webhook: undefined = ignore it and go on. */
function failureOf(hook: Webhook, err: unknown): StatusError | undefined {
  if (err instanceof CallingWebhookError) return hook.failurePolicy === "Ignore" ? undefined : newInternalError(err);
  return err instanceof StatusError ? err : newInternalError(err);
}

async function matches(hook: Webhook, attrs: AdmissionAttributes, opts: WebhookAdmissionOptions): Promise<boolean> {
  return rulesMatch(hook, attrs, opts.equivalents(attrs)) && objectSelectorMatches(hook, attrs) && (await namespaceSelectorMatches(hook, attrs, opts.namespaceLabels));
}

async function hooksOf(attrs: AdmissionAttributes, opts: WebhookAdmissionOptions): Promise<Webhook[]> {
  if (isExemptResource(attrs)) return [];
  const out: Webhook[] = [];
  for (const cfg of await opts.source.list()) for (const h of cfg.webhooks ?? []) out.push(h);
  return out;
}

/** Replaces the contents of `target` with those of `next` (the registry holds a reference to the object). */
function replaceContents(target: KubeObject, next: Record<string, unknown>): void {
  const t = target as unknown as Record<string, unknown>;
  for (const k of Object.keys(t)) delete t[k];
  Object.assign(t, next);
}

/** Runs one mutating webhook; true when it changed the object. */
async function mutate(hook: Webhook, attrs: AdmissionAttributes, services: ServiceResolver): Promise<boolean> {
  let result: AdmissionResult;
  try {
    result = await callWebhook(hook, attrs, true, services);
    if (result.allowed && result.patch !== undefined && result.patchType !== "JSONPatch") {
      throw new CallingWebhookError(hook.name, `unsupported patch type ${JSON.stringify(result.patchType ?? "")}`);
    }
  } catch (err) {
    const failure = failureOf(hook, err);
    if (failure) throw failure;
    return false;
  }
  if (!result.allowed) throw webhookDenial(hook.name, result.status);
  attrs.warnings.push(...result.warnings);
  if (result.patch === undefined || !attrs.object) return false;
  let patched: unknown;
  try {
    patched = applyJsonPatch(deepCopy(attrs.object), result.patch);
  } catch (err) {
    throw newInternalError(err);
  }
  if (!isPlainObject(patched)) throw newInternalError(new Error("the patched object is not an object"));
  if (deepEqual(patched, attrs.object)) return false;
  replaceContents(attrs.object, patched);
  return true;
}

export function mutatingWebhookAdmission(opts: WebhookAdmissionOptions): AdmissionPlugin {
  return {
    name: "MutatingAdmissionWebhook",
    async admit(attrs) {
      const hooks = await hooksOf(attrs, opts);
      const invoked: boolean[] = [];
      let lastChange = -1;
      for (const [i, hook] of hooks.entries()) {
        if (!(await matches(hook, attrs, opts))) continue;
        invoked[i] = true;
        if (await mutate(hook, attrs, opts.services)) lastChange = i;
      }
      // reinvocation: IfNeeded webhooks that ran before a later webhook changed the object run once more
      for (const [i, hook] of hooks.entries()) {
        if (i >= lastChange) break;
        if (!invoked[i] || hook.reinvocationPolicy !== "IfNeeded") continue;
        if (!(await matches(hook, attrs, opts))) continue;
        await mutate(hook, attrs, opts.services);
      }
    },
  };
}

export function validatingWebhookAdmission(opts: WebhookAdmissionOptions): AdmissionPlugin {
  return {
    name: "ValidatingAdmissionWebhook",
    async validate(attrs) {
      const hooks: Webhook[] = [];
      for (const hook of await hooksOf(attrs, opts)) if (await matches(hook, attrs, opts)) hooks.push(hook);
      const outcomes = await Promise.all(
        hooks.map(async (hook): Promise<StatusError | undefined> => {
          let result: AdmissionResult;
          try {
            result = await callWebhook(hook, attrs, false, opts.services);
          } catch (err) {
            return failureOf(hook, err);
          }
          attrs.warnings.push(...result.warnings);
          return result.allowed ? undefined : webhookDenial(hook.name, result.status);
        }),
      );
      const first = outcomes.find((o) => o !== undefined);
      if (first) throw first;
    },
  };
}

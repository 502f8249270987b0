/**
 * CRD conversion through a webhook (apiextensions-apiserver pkg/apiserver/conversion webhook_converter.go): objects
 * whose apiVersion differs from the desired one are sent in one ConversionReview; the answer must carry the
 * request's uid, result.status Success and as many converted objects, in order, each of the desired apiVersion and
 * the same kind, name, namespace and uid. Of the metadata only labels and annotations are taken from the webhook's
 * objects; the rest is restored from the originals. Failures are 500s worded as upstream's
 * (`conversion webhook for <group>/<version>, Kind=<Kind> failed: ...`).
 *
 * The webhook is called through the ConversionWebhookEnvironment of the control plane that serves the CRD (it
 * resolves service references against that control plane's Services and Endpoints).
 */
import { randomUUID } from "node:crypto";
import { StatusError } from "../core/errors.js";
import { deepCopy, isPlainObject, type KubeObject } from "../core/object.js";
import { FieldPath, validateAnnotations, validateLabels, fieldErrorString } from "../core/validation.js";
import type { VersionConversion } from "../apiserver/resource.js";
import type { WebhookClientConfigLike } from "./webhookclientconfig.js";
import { acceptedConversionReviewVersions, type CustomResourceDefinition } from "./crd.js";

/** Calls a webhook: POSTs `body` as JSON, resolves with the parsed answer, rejects with a Go-style error message. */
export interface ConversionWebhookEnvironment {
  /** Whether this environment serves the CRD (named, with that uid). */
  servesCRD(name: string, uid: string): Promise<boolean>;
  post(clientConfig: WebhookClientConfigLike, body: unknown, timeoutMs: number): Promise<unknown>;
}

const environments = new Set<ConversionWebhookEnvironment>();
const byUID = new Map<string, ConversionWebhookEnvironment>();

/** Makes an environment available to the CRDs it serves; returns the function that withdraws it. */
export function registerConversionEnvironment(env: ConversionWebhookEnvironment): () => void {
  environments.add(env);
  return () => {
    environments.delete(env);
    for (const [uid, e] of byUID) if (e === env) byUID.delete(uid);
  };
}

async function environmentFor(crd: CustomResourceDefinition): Promise<ConversionWebhookEnvironment | undefined> {
  const uid = crd.metadata.uid ?? "";
  const known = byUID.get(uid);
  if (known && environments.has(known)) return known;
  for (const env of environments) {
    if (await env.servesCRD(crd.metadata.name ?? "", uid)) {
      byUID.set(uid, env);
      return env;
    }
  }
  return undefined;
}

/** Conversion webhooks get 30 s, as upstream's conversion client. */
export const conversionWebhookTimeoutMs = 30_000;

const gvkString = (apiVersion: string, kind: string): string => {
  const i = apiVersion.indexOf("/");
  return i < 0 ? `/${apiVersion}, Kind=${kind}` : `${apiVersion}, Kind=${kind}`;
};

/** A conversion failure: code 500 with no reason, as upstream's plain error becomes on the wire. */
export function conversionError(message: string): StatusError {
  return new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code: 500 });
}

function convertedObjects(uid: string, version: string, body: unknown): unknown[] {
  const review = isPlainObject(body) ? body : {};
  if (version === "v1") {
    const apiVersion = typeof review["apiVersion"] === "string" ? review["apiVersion"] : "";
    const kind = typeof review["kind"] === "string" ? review["kind"] : "";
    if (apiVersion !== "apiextensions.k8s.io/v1" || kind !== "ConversionReview") {
      throw new Error(`expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got ${gvkString(apiVersion, kind)}`);
    }
  }
  const r = review["response"];
  if (!isPlainObject(r)) throw new Error("no response provided");
  if (version === "v1" && r["uid"] !== uid) throw new Error(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(typeof r["uid"] === "string" ? r["uid"] : "")}`);
  const result = isPlainObject(r["result"]) ? r["result"] : {};
  if (result["status"] !== "Success") {
    if (typeof result["message"] === "string" && result["message"]) throw new Error(result["message"]);
    throw new Error(`response.result.status was '${typeof result["status"] === "string" ? result["status"] : ""}', not 'Success'`);
  }
  return Array.isArray(r["convertedObjects"]) ? r["convertedObjects"] : [];
}

/** validateConvertedObject + restoreObjectMeta: the converted object with the original's metadata except labels/annotations. */
function checkConverted(original: KubeObject, converted: unknown, desired: string): KubeObject {
  if (!isPlainObject(converted)) throw new Error("invalid type, expected=Unstructured");
  const c = converted as unknown as KubeObject;
  if (c.apiVersion !== desired) throw new Error(`invalid groupVersion (expected ${desired}, received ${c.apiVersion ?? ""})`);
  if (c.kind !== original.kind) throw new Error(`invalid kind (expected ${original.kind}, received ${c.kind ?? ""})`);
  const cm = isPlainObject(c.metadata) ? c.metadata : undefined;
  if (!cm) throw new Error("missing metadata in converted object");
  const om = original.metadata;
  if ((cm.name ?? "") !== (om.name ?? "")) throw new Error(`must have the same name: ${om.name ?? ""} != ${cm.name ?? ""}`);
  if ((cm.namespace ?? "") !== (om.namespace ?? "")) throw new Error(`must have the same namespace: ${om.namespace ?? ""} != ${cm.namespace ?? ""}`);
  if ((cm.uid ?? "") !== (om.uid ?? "")) throw new Error(`must have the same UID: ${om.uid ?? ""} != ${cm.uid ?? ""}`);
  const meta = deepCopy(om);
  for (const field of ["labels", "annotations"] as const) {
    const v: unknown = cm[field];
    if (v === undefined || v === null) {
      delete meta[field];
      continue;
    }
    if (!isPlainObject(v)) throw new Error(`invalid metadata.${field} of type ${Array.isArray(v) ? "[]interface {}" : typeof v} in converted object`);
    for (const [k, val] of Object.entries(v)) if (typeof val !== "string") throw new Error(`metadata.${field}[${k}] must be a string, but is ${typeof val} in converted object`);
    const map = v as Record<string, string>;
    const errs = field === "labels" ? validateLabels(map, FieldPath.of("metadata", "labels")) : validateAnnotations(map, FieldPath.of("metadata", "annotation"));
    const msgs = errs.map(fieldErrorString);
    if (msgs.length > 0) throw new Error(msgs.length === 1 ? (msgs[0] ?? "") : `[${msgs.join(", ")}]`);
    meta[field] = map;
  }
  return { ...c, metadata: meta };
}

/**
 * Converts `objs` to `desired` through the CRD's conversion webhook (one call for all that need it); objects
 * already at `desired` are returned as copies without a call. `list` words errors as for a list (index-based).
 */
export async function convertViaWebhook(crd: CustomResourceDefinition, objs: readonly KubeObject[], desired: string, list: boolean): Promise<KubeObject[]> {
  const pending = objs.map((o, i) => ({ o, i })).filter(({ o }) => o.apiVersion !== desired);
  const out = objs.map((o) => deepCopy(o));
  const first = pending[0]?.o;
  if (!first) return out;
  const inGVK = gvkString(first.apiVersion ?? "", list ? `${first.kind ?? ""}List` : (first.kind ?? ""));
  const webhook = crd.spec.conversion?.webhook;
  const version = (webhook?.conversionReviewVersions ?? []).find((v) => (acceptedConversionReviewVersions as readonly string[]).includes(v));
  if (!version || !webhook?.clientConfig) throw conversionError("no supported conversion review versions");
  const env = await environmentFor(crd);
  if (!env) throw conversionError(`conversion webhook for ${inGVK} failed: no control plane serves this CustomResourceDefinition`);
  const uid = randomUUID();
  const review = { apiVersion: `apiextensions.k8s.io/${version}`, kind: "ConversionReview", request: { uid, desiredAPIVersion: desired, objects: pending.map(({ o }) => o) } };
  let converted: unknown[];
  try {
    converted = convertedObjects(uid, version, await env.post(webhook.clientConfig, review, conversionWebhookTimeoutMs));
  } catch (err) {
    throw conversionError(`conversion webhook for ${inGVK} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (converted.length !== pending.length) throw conversionError(`conversion webhook for ${inGVK} returned ${converted.length} objects, expected ${pending.length}`);
  pending.forEach(({ o, i }, n) => {
    try {
      out[i] = checkConverted(o, converted[n], desired);
    } catch (err) {
      const what = list ? `invalid converted object at index ${n}` : "invalid object";
      throw conversionError(`conversion webhook for ${inGVK} returned ${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return out;
}

/**
 * The conversion of one served version of a CRD: strategy None rewrites apiVersion; strategy Webhook calls the
 * webhook for objects stored at another version (lists in one call), and evaluates selectors against the stored
 * object with its apiVersion rewritten. `withDefaults` applies the served version's defaulting to read objects.
 */
export function customResourceConversion(crd: CustomResourceDefinition, apiVersion: string, storageApiVersion: string, withDefaults: (obj: KubeObject) => KubeObject): VersionConversion {
  if (crd.spec.conversion?.strategy !== "Webhook") {
    return {
      toStorage: (obj) => ({ ...deepCopy(obj), apiVersion: storageApiVersion }),
      fromStorage: (obj) => withDefaults({ ...deepCopy(obj), apiVersion }),
    };
  }
  const one = async (obj: KubeObject, desired: string): Promise<KubeObject> => {
    const [out] = await convertViaWebhook(crd, [obj], desired, false);
    if (!out) throw conversionError(`conversion webhook for ${gvkString(obj.apiVersion ?? "", obj.kind ?? "")} failed, no objects returned`);
    return out;
  };
  return {
    toStorage: (obj) => one(obj, storageApiVersion),
    fromStorage: async (obj) => withDefaults(await one(obj, apiVersion)),
    fromStorageList: async (objs) => (await convertViaWebhook(crd, objs, apiVersion, true)).map(withDefaults),
    selectionView: (obj) => ({ ...obj, apiVersion }),
  };
}

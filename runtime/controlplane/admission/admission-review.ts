/**
 * admission.k8s.io AdmissionReview: the request kube-apiserver sends to a webhook and the checks it applies to
 * the answer (k8s.io/apiserver/pkg/admission/plugin/webhook/request), with upstream's error wording.
 */
import { randomUUID } from "node:crypto";
import type { GroupVersionKind, GroupVersionResource } from "../../core/gvk.js";
import { isPlainObject, type KubeObject } from "../../core/object.js";
import type { Status } from "../../core/status.js";
import { StatusError } from "../../core/errors.js";
import type { AdmissionAttributes } from "../../apiserver/admission/types.js";
import { acceptedAdmissionReviewVersions } from "../builtin/admissionregistration/types.js";

export interface AdmissionReviewRequest {
  apiVersion: string;
  kind: "AdmissionReview";
  request: Record<string, unknown> & { uid: string };
}

/** What a verified webhook answer says. */
export interface AdmissionResult {
  allowed: boolean;
  status?: Partial<Status>;
  /** A JSONPatch (decoded), mutating webhooks only. */
  patch?: unknown;
  patchType?: string;
  warnings: string[];
}

/** The first admission.k8s.io version the webhook accepts that we speak (v1, v1beta1). */
export function reviewVersion(versions: readonly string[] | undefined): string | undefined {
  return (versions ?? []).find((v) => (acceptedAdmissionReviewVersions as readonly string[]).includes(v));
}

const gvk = (k: GroupVersionKind): GroupVersionKind => ({ group: k.group, version: k.version, kind: k.kind });
const gvr = (r: GroupVersionResource): GroupVersionResource => ({ group: r.group, version: r.version, resource: r.resource });

function optionsFor(attrs: AdmissionAttributes): Record<string, unknown> {
  const kind = attrs.operation === "CREATE" ? "CreateOptions" : attrs.operation === "UPDATE" ? "UpdateOptions" : attrs.operation === "DELETE" ? "DeleteOptions" : "ConnectOptions";
  return { kind, apiVersion: "meta.k8s.io/v1", ...(attrs.dryRun ? { dryRun: ["All"] } : {}) };
}

/** CreateAdmissionReview: `kind`/`resource` are what the webhook matched; requestKind/requestResource the request's. */
export function createAdmissionReview(attrs: AdmissionAttributes, version: string): AdmissionReviewRequest {
  const user: Record<string, unknown> = { username: attrs.user.username, groups: [...attrs.user.groups] };
  if (attrs.user.uid) user["uid"] = attrs.user.uid;
  if (attrs.user.extra && Object.keys(attrs.user.extra).length > 0) user["extra"] = attrs.user.extra;
  const request: AdmissionReviewRequest["request"] = {
    uid: randomUUID(),
    kind: gvk(attrs.kind),
    resource: gvr(attrs.resource),
    ...(attrs.subresource ? { subResource: attrs.subresource } : {}),
    requestKind: gvk(attrs.kind),
    requestResource: gvr(attrs.resource),
    ...(attrs.subresource ? { requestSubResource: attrs.subresource } : {}),
    ...(attrs.name ? { name: attrs.name } : {}),
    ...(attrs.namespace ? { namespace: attrs.namespace } : {}),
    operation: attrs.operation,
    userInfo: user,
    object: (attrs.object ?? null) as KubeObject | null,
    oldObject: (attrs.oldObject ?? null) as KubeObject | null,
    dryRun: attrs.dryRun,
    options: optionsFor(attrs),
  };
  return { apiVersion: `admission.k8s.io/${version}`, kind: "AdmissionReview", request };
}

/** VerifyAdmissionResponse: throws an Error with upstream's message when the answer is malformed. */
export function verifyAdmissionResponse(uid: string, version: string, mutating: boolean, body: unknown): AdmissionResult {
  const review = isPlainObject(body) ? body : {};
  const r = review["response"];
  if (!isPlainObject(r)) throw new Error("webhook response was absent");
  if (version === "v1") {
    const got = typeof r["uid"] === "string" ? r["uid"] : "";
    if (got !== uid) throw new Error(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(got)}`);
    const apiVersion = typeof review["apiVersion"] === "string" ? review["apiVersion"] : "";
    const kind = typeof review["kind"] === "string" ? review["kind"] : "";
    if (apiVersion !== "admission.k8s.io/v1" || kind !== "AdmissionReview") {
      const [g, v] = apiVersion.includes("/") ? apiVersion.split("/", 2) : ["", apiVersion];
      throw new Error(`expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${g ?? ""}/${v ?? ""}, Kind=${kind}`);
    }
  }
  const rawPatch = typeof r["patch"] === "string" ? r["patch"] : "";
  const patchType = r["patchType"];
  const out: AdmissionResult = {
    allowed: r["allowed"] === true,
    warnings: Array.isArray(r["warnings"]) ? r["warnings"].filter((w): w is string => typeof w === "string") : [],
  };
  if (isPlainObject(r["status"])) out.status = r["status"] as Partial<Status>;
  if (mutating) {
    if (rawPatch && (patchType === undefined || patchType === null)) throw new Error("webhook returned response.patch but not response.patchType");
    if (!rawPatch && patchType !== undefined && patchType !== null) throw new Error("webhook returned response.patchType but not response.patch");
    if (patchType !== undefined && patchType !== null) {
      if (typeof patchType !== "string" || patchType === "") throw new Error(`webhook returned invalid response.patchType of ${JSON.stringify(String(patchType ?? ""))}`);
      out.patchType = patchType;
    }
    if (rawPatch) {
      try {
        out.patch = JSON.parse(Buffer.from(rawPatch, "base64").toString("utf8")) as unknown;
      } catch (err) {
        throw new Error(`invalid patch: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  } else {
    if (rawPatch) throw new Error("validating webhook may not return response.patch");
    if (patchType !== undefined && patchType !== null) throw new Error("validating webhook may not return response.patchType");
  }
  return out;
}

/** ToStatusErr: a webhook's denial, with its code (at least 400) and message behind upstream's prefix. */
export function webhookDenial(webhookName: string, result: Partial<Status> | undefined): StatusError {
  const deniedBy = `admission webhook ${JSON.stringify(webhookName)} denied the request`;
  const r = result ?? {};
  const code = typeof r.code === "number" && r.code >= 400 ? r.code : 400;
  const message = r.message ? `${deniedBy}: ${r.message}` : r.reason ? `${deniedBy}: ${r.reason}` : `${deniedBy} without explanation`;
  const status: Status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code };
  if (r.reason) status.reason = r.reason;
  if (r.details) status.details = r.details;
  return new StatusError(status);
}

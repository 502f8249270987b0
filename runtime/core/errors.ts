/**
 * API errors as kube-apiserver reports them (k8s.io/apimachinery/pkg/api/errors): every error carries the
 * metav1.Status that goes on the wire, with upstream's code, reason and message wording.
 */
import { qualifiedKind, qualifiedResource, type GroupKind, type GroupResource } from "./gvk.js";
import type { Status, StatusCause, StatusDetails, StatusReason } from "./status.js";
import { fieldErrorBody, fieldErrorString, type FieldError } from "./validation.js";

/** An error that maps to a metav1.Status response. */
export class StatusError extends Error {
  readonly status: Status;

  constructor(status: Status, options?: { cause?: unknown }) {
    super(status.message ?? status.reason ?? "unknown error", options);
    this.name = "StatusError";
    this.status = status;
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): StatusReason {
    return this.status.reason ?? "";
  }
}

function failure(code: number, reason: StatusReason, message: string, details?: StatusDetails): StatusError {
  const status: Status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
  if (details) status.details = details;
  return new StatusError(status);
}

function resourceDetails(gr: GroupResource, name: string): StatusDetails {
  // metav1.StatusDetails fields are omitempty: a collection-level error (a forbidden list) has no name
  const d: StatusDetails = name ? { name } : {};
  if (gr.group) d.group = gr.group;
  d.kind = gr.resource;
  return d;
}

export function newNotFound(gr: GroupResource, name: string): StatusError {
  return failure(404, "NotFound", `${qualifiedResource(gr)} "${name}" not found`, resourceDetails(gr, name));
}

export function newAlreadyExists(gr: GroupResource, name: string): StatusError {
  return failure(409, "AlreadyExists", `${qualifiedResource(gr)} "${name}" already exists`, resourceDetails(gr, name));
}

export const optimisticLockErrorMsg = "the object has been modified; please apply your changes to the latest version and try again";

export function newConflict(gr: GroupResource, name: string, reason: string): StatusError {
  return failure(409, "Conflict", `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${reason}`, resourceDetails(gr, name));
}

export function newInvalid(gk: GroupKind, name: string, errs: readonly FieldError[]): StatusError {
  const causes: StatusCause[] = errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  // like upstream's ErrorList.ToAggregate, repeated messages are reported once
  const msgs = [...new Set(errs.map(fieldErrorString))];
  const agg = msgs.length === 1 ? (msgs[0] ?? "") : `[${msgs.join(", ")}]`;
  const details: StatusDetails = { name };
  if (gk.group) details.group = gk.group;
  details.kind = gk.kind;
  details.causes = causes;
  return failure(422, "Invalid", `${qualifiedKind(gk)} "${name}" is invalid: ${agg}`, details);
}

export function newBadRequest(message: string): StatusError {
  return failure(400, "BadRequest", message);
}

export function newUnauthorized(message = "Unauthorized"): StatusError {
  return failure(401, "Unauthorized", message);
}

export function newForbidden(gr: GroupResource, name: string, reason: string): StatusError {
  const what = name ? `${qualifiedResource(gr)} "${name}"` : qualifiedResource(gr);
  return failure(403, "Forbidden", `${what} is forbidden: ${reason}`, resourceDetails(gr, name));
}

export function newMethodNotSupported(gr: GroupResource, action: string): StatusError {
  const details: StatusDetails = {};
  if (gr.group) details.group = gr.group;
  details.kind = gr.resource;
  return failure(405, "MethodNotAllowed", `${action} is not supported on resources of kind "${qualifiedResource(gr)}"`, details);
}

export function newMethodNotAllowed(): StatusError {
  return failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
}

/** 404 for a path the server does not serve. */
export function newGenericNotFound(): StatusError {
  return failure(404, "NotFound", "the server could not find the requested resource", {});
}

export function newResourceExpired(message: string): StatusError {
  return failure(410, "Expired", message);
}

export function newGone(message: string): StatusError {
  return failure(410, "Gone", message);
}

export function newRequestEntityTooLarge(limit: number): StatusError {
  return failure(413, "RequestEntityTooLarge", `Request entity too large: limit is ${limit}`);
}

export function newUnsupportedMediaType(contentType: string, accepted: readonly string[]): StatusError {
  const what = contentType ? `the body of the request was in an unknown format (${contentType})` : "the body of the request was in an unknown format";
  return failure(415, "UnsupportedMediaType", `${what} - accepted media types include: ${accepted.join(", ")}`);
}

export function newNotAcceptable(accepted: readonly string[]): StatusError {
  return failure(406, "NotAcceptable", `only the following media types are accepted: ${accepted.join(", ")}`);
}

export function newInternalError(err: unknown): StatusError {
  const msg = err instanceof Error ? err.message : String(err);
  const e = failure(500, "InternalError", `Internal error occurred: ${msg}`, { causes: [{ message: msg }] });
  return e;
}

export function newTimeout(message: string, retryAfterSeconds = 0): StatusError {
  return failure(504, "Timeout", message, retryAfterSeconds ? { retryAfterSeconds } : {});
}

/** 504 for a read at a resourceVersion the storage has not reached yet. */
export function newTooLargeResourceVersion(requested: string, current: string, retryAfterSeconds = 1): StatusError {
  const e = failure(504, "Timeout", `Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
    retryAfterSeconds,
  });
  return e;
}

export function newServiceUnavailable(message: string): StatusError {
  return failure(503, "ServiceUnavailable", message);
}

export function newTooManyRequests(message: string, retryAfterSeconds: number): StatusError {
  return failure(429, "TooManyRequests", message, { retryAfterSeconds });
}

function reasonOf(err: unknown): StatusReason | undefined {
  return err instanceof StatusError ? err.reason : undefined;
}

export const isNotFound = (err: unknown): boolean => reasonOf(err) === "NotFound";
export const isAlreadyExists = (err: unknown): boolean => reasonOf(err) === "AlreadyExists";
export const isConflict = (err: unknown): boolean => reasonOf(err) === "Conflict";
export const isInvalid = (err: unknown): boolean => reasonOf(err) === "Invalid";
export const isBadRequest = (err: unknown): boolean => reasonOf(err) === "BadRequest";
export const isForbidden = (err: unknown): boolean => reasonOf(err) === "Forbidden";
export const isResourceExpired = (err: unknown): boolean => reasonOf(err) === "Expired" || reasonOf(err) === "Gone";

/** Any thrown value as a StatusError (unknown errors become 500 InternalError). */
export function toStatusError(err: unknown): StatusError {
  return err instanceof StatusError ? err : newInternalError(err);
}

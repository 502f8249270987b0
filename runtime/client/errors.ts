/**
 * Errors of the client.
 *
 * API errors: every non-2xx response becomes an `ApiError`, a subclass of core's `StatusError`, carrying the
 * server's metav1.Status. The subclass is picked from the Status reason (falling back on the HTTP code when the
 * reason is empty or unknown, like apimachinery's `IsNotFound` & co.), so both styles work:
 *
 *   try { await client.get(ref) } catch (err) { if (err instanceof NotFoundError) ...; if (isNotFound(err)) ... }
 *
 * The `is*` helpers test the Status reason of any `StatusError` — ones thrown by the client and ones built on
 * the server side with core's `new*` constructors alike.
 *
 * Other failures: `TransportError` (no HTTP response: connection refused, TLS, reset, timeout),
 * `DecodeError` / `WatchDecodeError` (a response the client cannot parse), `NoKindMatchError` (the server does
 * not serve an apiVersion/kind).
 */
import { StatusError } from "../core/errors.js";
import type { Status, StatusCause, StatusReason } from "../core/status.js";
import { isStatus } from "../core/status.js";

export {
  StatusError,
  isNotFound,
  isAlreadyExists,
  isConflict,
  isInvalid,
  isBadRequest,
  isForbidden,
  isResourceExpired,
} from "../core/errors.js";

/** The request an error belongs to. */
export interface RequestInfo {
  method: string;
  /** Path and query, without scheme and host. */
  path: string;
}

export interface ApiErrorOptions {
  cause?: unknown;
  request?: RequestInfo;
  /** From the `Retry-After` header when the Status has no `details.retryAfterSeconds`. */
  retryAfterSeconds?: number;
}

/** An error response of the API server (any non-2xx status), with the metav1.Status it carried. */
export class ApiError extends StatusError {
  readonly request: RequestInfo | undefined;
  /** Seconds the server asked the client to wait before retrying (Status details or `Retry-After`). */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: Status, options: ApiErrorOptions = {}) {
    super(status, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ApiError";
    this.request = options.request;
    this.retryAfterSeconds = status.details?.retryAfterSeconds || options.retryAfterSeconds || undefined;
  }

  /** `details.causes` of the Status (field errors of a 422, ...). */
  get causes(): StatusCause[] {
    return this.status.details?.causes ?? [];
  }
}

/** 400 BadRequest. */
export class BadRequestError extends ApiError {
  constructor(status: Status, options?: ApiErrorOptions) {
    super(status, options);
    this.name = "BadRequestError";
  }
}

/** 401 Unauthorized: the credentials were missing or rejected. */
export class UnauthorizedError extends ApiError {
  constructor(status: Status, options?: ApiErrorOptions) {
    super(status, options);
    this.name = "UnauthorizedError";
  }
}

/** 403 Forbidden: RBAC or admission refused the request. */
export class ForbiddenError extends ApiError {
  constructor(status: Status, options?: ApiErrorOptions) {
    super(status, options);
    this.name = "ForbiddenError";
  }
}

/** 404 NotFound. */
export class NotFoundError extends ApiError {
  constructor(status: Status, options?: ApiErrorOptions) {
    super(status, options);
    this.name = "NotFoundError";
  }
}

/** 405 MethodNotAllowed: the resource does not support the verb. */
export class MethodNotAllowedError extends ApiError {
  constructor(status: Status, options?: ApiErrorOptions) {
    super(status, options);
    this.name = "MethodNotAllowedError";
  }
}

/** 406 NotAcceptable. */
export class NotAcceptableError extends ApiError {
  constructor(status: Status, options?: ApiErrorOptions) {
    super(status, options);
    this.name = "NotAcceptableError";
  }
}

/** 409 AlreadyExists: create of a name that is taken. */
export class AlreadyExistsError extends ApiError {
  constructor(status: Status, options?: ApiErrorOptions) {
    super(status, options);
    this.name = "AlreadyExistsError";
  }
}

/** 409 Conflict: a stale resourceVersion (optimistic concurrency) or a failed delete precondition. */
export class ConflictError extends ApiError {
  constructor(status: Status, options?: ApiErrorOptions) {
    super(status, options);
    this.name = "ConflictError";
  }
}

/** 410 Gone: the requested resourceVersion or continue token is too old. */
export class GoneError extends ApiError {
  constructor(status: Status, options?: ApiErrorOptions) {
    super(status, options);
    this.name = "GoneError";
  }
}

/** 410 with reason Expired (what kube-apiserver sends for a compacted watch or list resourceVersion). */
export class ExpiredError extends GoneError {
  constructor(status: Status, options?: ApiErrorOptions) {
    super(status, options);
    this.name = "ExpiredError";
  }
}

/** 413 RequestEntityTooLarge. */
export class RequestEntityTooLargeError extends ApiError {
  constructor(status: Status, options?: ApiErrorOptions) {
    super(status, options);
    this.name = "RequestEntityTooLargeError";
  }
}

/** 415 UnsupportedMediaType (e.g. a strategic merge patch for a kind without patch metadata). */
export class UnsupportedMediaTypeError extends ApiError {
  constructor(status: Status, options?: ApiErrorOptions) {
    super(status, options);
    this.name = "UnsupportedMediaTypeError";
  }
}

/** 422 Invalid: validation failed; `causes` lists the field errors. */
export class InvalidError extends ApiError {
  constructor(status: Status, options?: ApiErrorOptions) {
    super(status, options);
    this.name = "InvalidError";
  }
}

/** 429 TooManyRequests (API priority and fairness, max-in-flight). */
export class TooManyRequestsError extends ApiError {
  constructor(status: Status, options?: ApiErrorOptions) {
    super(status, options);
    this.name = "TooManyRequestsError";
  }
}

/** 500 InternalError and 5xx codes without a more specific class. */
export class InternalError extends ApiError {
  constructor(status: Status, options?: ApiErrorOptions) {
    super(status, options);
    this.name = "InternalError";
  }
}

/** 500 ServerTimeout: the server could not complete the operation in time (it may still be in progress). */
export class ServerTimeoutError extends ApiError {
  constructor(status: Status, options?: ApiErrorOptions) {
    super(status, options);
    this.name = "ServerTimeoutError";
  }
}

/** 503 ServiceUnavailable. */
export class ServiceUnavailableError extends ApiError {
  constructor(status: Status, options?: ApiErrorOptions) {
    super(status, options);
    this.name = "ServiceUnavailableError";
  }
}

/** 504 Timeout (e.g. a read at a resourceVersion the server has not reached). */
export class TimeoutError extends ApiError {
  constructor(status: Status, options?: ApiErrorOptions) {
    super(status, options);
    this.name = "TimeoutError";
  }
}

type ApiErrorClass = new (status: Status, options?: ApiErrorOptions) => ApiError;

const byReason: Partial<Record<StatusReason, ApiErrorClass>> = {
  BadRequest: BadRequestError,
  Unauthorized: UnauthorizedError,
  Forbidden: ForbiddenError,
  NotFound: NotFoundError,
  MethodNotAllowed: MethodNotAllowedError,
  NotAcceptable: NotAcceptableError,
  AlreadyExists: AlreadyExistsError,
  Conflict: ConflictError,
  Gone: GoneError,
  Expired: ExpiredError,
  RequestEntityTooLarge: RequestEntityTooLargeError,
  UnsupportedMediaType: UnsupportedMediaTypeError,
  Invalid: InvalidError,
  TooManyRequests: TooManyRequestsError,
  InternalError: InternalError,
  ServerTimeout: ServerTimeoutError,
  ServiceUnavailable: ServiceUnavailableError,
  Timeout: TimeoutError,
};

const byCode: Record<number, ApiErrorClass> = {
  400: BadRequestError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  405: MethodNotAllowedError,
  406: NotAcceptableError,
  409: ConflictError,
  410: GoneError,
  413: RequestEntityTooLargeError,
  415: UnsupportedMediaTypeError,
  422: InvalidError,
  429: TooManyRequestsError,
  500: InternalError,
  503: ServiceUnavailableError,
  504: TimeoutError,
};

/** The ApiError subclass for a Status: by reason, else by code (other 5xx → InternalError, else ApiError). */
export function apiErrorFromStatus(status: Status, options?: ApiErrorOptions): ApiError {
  const reason = status.reason ?? "";
  const cls = (Object.prototype.hasOwnProperty.call(byReason, reason) ? byReason[reason] : undefined) ?? byCode[status.code] ?? (status.code >= 500 ? InternalError : ApiError);
  return new cls(status, options);
}

/** Reason and message client-go's NewGenericServerResponse uses for a response without a Status body. */
const genericResponses: Record<number, [StatusReason, string]> = {
  400: ["BadRequest", "the server rejected our request for an unknown reason"],
  401: ["Unauthorized", "the server has asked for the client to provide credentials"],
  403: ["Forbidden", "the server does not allow access to the requested resource"],
  404: ["NotFound", "the server could not find the requested resource"],
  405: ["MethodNotAllowed", "the server does not allow this method on the requested resource"],
  406: ["NotAcceptable", "the server was unable to respond with a content type that the client supports"],
  409: ["Conflict", "the server reported a conflict"],
  410: ["Gone", "the server reports that the requested resource is gone"],
  413: ["RequestEntityTooLarge", "the server rejected the request because it is too large"],
  415: ["UnsupportedMediaType", "the server was unable to handle the media type requested"],
  422: ["Invalid", "the server rejected our request due to an error in our request"],
  429: ["TooManyRequests", "the server has received too many requests and has asked us to try again later"],
  500: ["InternalError", "an error on the server has prevented the request from succeeding"],
  503: ["ServiceUnavailable", "the server is currently unable to handle the request"],
  504: ["Timeout", "the server was unable to return a response in the time allotted, but may still be processing the request"],
};

/**
 * The ApiError for an HTTP error response: the body's metav1.Status when it is one, else a Status synthesised
 * from the code (with the body text as an `UnexpectedServerResponse` cause), as client-go does.
 */
export function apiErrorFromResponse(code: number, body: Buffer | string, options: ApiErrorOptions = {}): ApiError {
  const text = typeof body === "string" ? body : body.toString("utf8");
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (isStatus(parsed)) {
    const status: Status = parsed.code ? parsed : { ...parsed, code };
    return apiErrorFromStatus(status, options);
  }
  const [reason, generic] = genericResponses[code] ?? (code >= 500 ? ["InternalError", `an error on the server has prevented the request from succeeding`] : ["", `the server responded with the status code ${code} but did not return more information`]);
  const trimmed = text.trim().slice(0, 1024);
  const status: Status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: trimmed && code !== 404 ? `${generic} (${trimmed})` : generic, reason, code };
  status.details = trimmed ? { causes: [{ reason: "UnexpectedServerResponse", message: trimmed }] } : {};
  return apiErrorFromStatus(status, options);
}

/** No HTTP response was received: connection refused or reset, TLS failure, DNS, request timeout. */
export class TransportError extends Error {
  readonly request: RequestInfo;
  /** The Node.js error code (ECONNREFUSED, ECONNRESET, ETIMEDOUT, ...) when there is one. */
  readonly code: string | undefined;

  constructor(request: RequestInfo, cause: unknown) {
    const c = cause as { message?: unknown; code?: unknown } | undefined;
    const detail = typeof c?.message === "string" && c.message ? c.message : String(cause);
    super(`${request.method} ${request.path}: ${detail}`, { cause });
    this.name = "TransportError";
    this.request = request;
    this.code = typeof c?.code === "string" ? c.code : undefined;
  }
}

/** A 2xx response whose body is not the JSON the client expected. */
export class DecodeError extends Error {
  readonly request: RequestInfo | undefined;
  /** The start of the offending text (at most 1 KiB). */
  readonly body: string;

  constructor(message: string, body: string, request?: RequestInfo, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DecodeError";
    this.body = body.slice(0, 1024);
    this.request = request;
  }
}

/** A watch stream line that is not a JSON watch event (`{"type":...,"object":{...}}`); the watch ends. */
export class WatchDecodeError extends DecodeError {
  /** The whole offending line. */
  readonly line: string;

  constructor(message: string, line: string, request?: RequestInfo, options?: { cause?: unknown }) {
    super(message, line, request, options);
    this.name = "WatchDecodeError";
    this.line = line;
  }
}

/** The server serves no resource for this apiVersion and kind (meta.NoKindMatchError). */
export class NoKindMatchError extends Error {
  readonly group: string;
  readonly version: string;
  readonly kind: string;

  constructor(group: string, version: string, kind: string, detail?: string) {
    const gv = group ? `${group}/${version}` : version;
    super(`no matches for kind "${kind}" in version "${gv}"${detail ? ` (${detail})` : ""}`);
    this.name = "NoKindMatchError";
    this.group = group;
    this.version = version;
    this.kind = kind;
  }

  get apiVersion(): string {
    return this.group ? `${this.group}/${this.version}` : this.version;
  }
}

function reasonOf(err: unknown): StatusReason | undefined {
  return err instanceof StatusError ? err.reason : undefined;
}

function codeOf(err: unknown): number | undefined {
  return err instanceof StatusError ? err.code : undefined;
}

export const isUnauthorized = (err: unknown): boolean => reasonOf(err) === "Unauthorized";
export const isMethodNotSupported = (err: unknown): boolean => reasonOf(err) === "MethodNotAllowed";
export const isNotAcceptable = (err: unknown): boolean => reasonOf(err) === "NotAcceptable";
export const isUnsupportedMediaType = (err: unknown): boolean => reasonOf(err) === "UnsupportedMediaType";
export const isRequestEntityTooLarge = (err: unknown): boolean => reasonOf(err) === "RequestEntityTooLarge";
/** Any 410 (reason Gone or Expired). */
export const isGone = (err: unknown): boolean => codeOf(err) === 410;
export const isTooManyRequests = (err: unknown): boolean => reasonOf(err) === "TooManyRequests" || codeOf(err) === 429;
export const isTimeout = (err: unknown): boolean => reasonOf(err) === "Timeout";
export const isServerTimeout = (err: unknown): boolean => reasonOf(err) === "ServerTimeout";
export const isServiceUnavailable = (err: unknown): boolean => reasonOf(err) === "ServiceUnavailable" || codeOf(err) === 503;
export const isInternalError = (err: unknown): boolean => reasonOf(err) === "InternalError";
export const isTransportError = (err: unknown): err is TransportError => err instanceof TransportError;
export const isNoKindMatch = (err: unknown): err is NoKindMatchError => err instanceof NoKindMatchError;

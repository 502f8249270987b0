/**
 * `runtime/client`: the API client (controller-runtime's client.Client for plain JSON objects), its RESTMapper,
 * typed errors, rate limiter and watch streams.
 */
export { Client, labelSelectorString, fieldSelectorString } from "./client.js";
export type {
  ClientOptions,
  TypeRef,
  ObjectRef,
  ObjectOrRef,
  LabelSelectorInput,
  FieldSelectorInput,
  RequestOptions,
  GetOptions,
  ListOptions,
  WriteOptions,
  CreateOptions,
  UpdateOptions,
  PatchOptions,
  ApplyOptions,
  DeleteOptions,
  DeleteAllOfOptions,
  PropagationPolicy,
  WatchOptions,
  Scale,
  StatusWriter,
  ScaleClient,
  SubResourceClient,
} from "./client.js";
export { mergePatch, strategicMergePatch, jsonPatch, mergeFrom, createMergePatch } from "./patch.js";
export type { Patch, PatchType, PatchTarget, JsonPatchOperation, MergeFromOptions } from "./patch.js";
export { DiscoveryRESTMapper, StaticRESTMapper } from "./restmapper.js";
export type { RESTMapper, RESTMapping, DiscoveryRESTMapperOptions } from "./restmapper.js";
export { Transport, parseWarningHeader } from "./transport.js";
export type { TransportOptions, TransportStats, WarningHandler, WarningInfo, HttpRequest, HttpResponse, HttpMethod } from "./transport.js";
export { TokenBucket, unlimited, rateLimiterFor, defaultQPS, defaultBurst } from "./ratelimit.js";
export type { RateLimiter, Clock } from "./ratelimit.js";
export { decodeWatchLine } from "./watch.js";
export type { WatchEvent, WatchEventType } from "./watch.js";
export {
  StatusError,
  ApiError,
  BadRequestError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  MethodNotAllowedError,
  NotAcceptableError,
  AlreadyExistsError,
  ConflictError,
  GoneError,
  ExpiredError,
  RequestEntityTooLargeError,
  UnsupportedMediaTypeError,
  InvalidError,
  TooManyRequestsError,
  InternalError,
  ServerTimeoutError,
  ServiceUnavailableError,
  TimeoutError,
  TransportError,
  DecodeError,
  WatchDecodeError,
  NoKindMatchError,
  apiErrorFromStatus,
  apiErrorFromResponse,
  isNotFound,
  isAlreadyExists,
  isConflict,
  isInvalid,
  isBadRequest,
  isForbidden,
  isResourceExpired,
  isUnauthorized,
  isMethodNotSupported,
  isNotAcceptable,
  isUnsupportedMediaType,
  isRequestEntityTooLarge,
  isGone,
  isTooManyRequests,
  isTimeout,
  isServerTimeout,
  isServiceUnavailable,
  isInternalError,
  isTransportError,
  isNoKindMatch,
} from "./errors.js";
export type { RequestInfo, ApiErrorOptions } from "./errors.js";

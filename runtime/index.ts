/**
 * `kubeforge`: what operator authors import — the object model, the client and its typed errors, watch caches
 * and work queues. Controllers and the manager follow. Less common pieces stay importable by path.
 */
export type { KubeObject, KubeList, ObjectMeta, OwnerReference, ListMeta, TypeMeta } from "./core/object.js";
export type { GroupVersionKind, GroupVersionResource, GroupResource, GroupKind, GroupVersion } from "./core/gvk.js";
export { parseApiVersion, apiVersionOf } from "./core/gvk.js";
export type { Status, StatusReason, StatusCause, StatusDetails } from "./core/status.js";
export {
  StatusError,
  ApiError,
  NotFoundError,
  AlreadyExistsError,
  ConflictError,
  InvalidError,
  ForbiddenError,
  ExpiredError,
  TransportError,
  WatchDecodeError,
  NoKindMatchError,
  isNotFound,
  isAlreadyExists,
  isConflict,
  isInvalid,
  isBadRequest,
  isForbidden,
  isResourceExpired,
  isGone,
  isTimeout,
  isTooManyRequests,
  isNoKindMatch,
} from "./client/index.js";
export { Client, mergePatch, strategicMergePatch, jsonPatch, mergeFrom } from "./client/index.js";
export type { ClientOptions, TypeRef, ObjectRef, Patch, WatchEvent } from "./client/index.js";
export { Cache, SharedIndexInformer, waitForCacheSync, DeletedFinalStateUnknown } from "./cache/index.js";
export type { CacheOptions, ByObject, IndexFunc } from "./cache/index.js";
export { Queue, DelayingQueue, RateLimitingQueue, defaultControllerRateLimiter, ItemExponentialFailureRateLimiter, BucketRateLimiter, MaxOfRateLimiter } from "./workqueue/index.js";
export type { RateLimiter } from "./workqueue/index.js";
export { parseSelector, labelSelectorAsSelector, labelSelectorAsString, Selector } from "./core/labels.js";
export type { LabelSelector, LabelSelectorRequirement } from "./core/labels.js";
export { parseFieldSelector, FieldSelector } from "./core/fields.js";
export { parseQuantity, Quantity } from "./core/quantity.js";

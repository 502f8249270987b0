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
export type { Int32, Int64, IntOrString, Time, MicroTime, Duration } from "./api/index.js";
export type { Request, Result, Reconciler, ReconcileContext } from "./reconcile/index.js";
export { reconcilerFunc, TerminalError, isTerminalError } from "./reconcile/index.js";
export { controllerManagedBy } from "./builder/index.js";
export type { ManagerLike } from "./builder/index.js";
export { Controller } from "./controller/index.js";
export type { Runnable } from "./controller/index.js";
export { enqueueRequestForObject, enqueueRequestForOwner, enqueueRequestsFromMapFunc } from "./handler/index.js";
export type { EventHandler } from "./handler/index.js";
export { generationChanged, resourceVersionChanged, labelChanged, annotationChanged, and, or, not } from "./predicate/index.js";
export type { Predicate } from "./predicate/index.js";
export { Manager, runManager, LeaderElectionLostError } from "./manager/index.js";
export type { ManagerOptions, LeaderElectionOptions } from "./manager/index.js";
export { LeaderElector, LeaseLock } from "./leaderelection/index.js";
export { addFinalizer, removeFinalizer, containsFinalizer, setOwnerReference, setControllerReference, createOrUpdate, createOrPatch, retryOnConflict } from "./controllerutil/index.js";
export { withFinalizer } from "./finalizer/index.js";
export { setStatusCondition, findStatusCondition, removeStatusCondition, isStatusConditionTrue, isStatusConditionFalse } from "./conditions/index.js";
export { EventRecorder } from "./events/index.js";
export { waitFor, waitForObject, WaitTimeoutError } from "./wait/index.js";
export { loadKubeConfig, KubeConfigNotFoundError } from "./config/index.js";
export type { KubeConfig, LoadKubeConfigOptions } from "./config/index.js";
export { jsonLogger, silentLogger } from "./reconcile/index.js";
export type { Logger } from "./reconcile/index.js";

/**
 * `runtime/controllerutil`: finalizer lists, owner / controller references, createOrUpdate / createOrPatch and
 * conflict retries (controller-runtime's pkg/controller/controllerutil and client-go's util/retry).
 */
export { addFinalizer, removeFinalizer, containsFinalizer } from "./finalizers.js";
export {
  setOwnerReference,
  setControllerReference,
  getControllerOf,
  hasControllerReference,
  hasOwnerReference,
  isControlledBy,
  removeOwnerReference,
  removeControllerReference,
  AlreadyOwnedError,
  OwnerReferenceError,
  isAlreadyOwned,
} from "./ownerref.js";
export type { Owner, ControllerReferenceOptions } from "./ownerref.js";
export { createOrUpdate, createOrPatch, MutateKeyChangedError } from "./createorupdate.js";
export type { OperationResult, MutateFn } from "./createorupdate.js";
export { retryOnConflict, retryOnError } from "./retry.js";
export type { RetryOptions } from "./retry.js";
export { defaultRetry, defaultBackoff } from "../wait/backoff.js";
export type { Backoff } from "../wait/backoff.js";

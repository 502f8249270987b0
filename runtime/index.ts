/**
 * `kubeforge`: what operator authors import. For now the object model and API errors; the client, caches,
 * controllers and manager arrive with the runtime issue.
 */
export type { KubeObject, KubeList, ObjectMeta, OwnerReference, ListMeta, TypeMeta } from "./core/object.js";
export type { GroupVersionKind, GroupVersionResource, GroupResource, GroupKind, GroupVersion } from "./core/gvk.js";
export { parseApiVersion, apiVersionOf } from "./core/gvk.js";
export type { Status, StatusReason, StatusCause, StatusDetails } from "./core/status.js";
export {
  StatusError,
  isNotFound,
  isAlreadyExists,
  isConflict,
  isInvalid,
  isBadRequest,
  isForbidden,
  isResourceExpired,
} from "./core/errors.js";
export { parseSelector, labelSelectorAsSelector, labelSelectorAsString, Selector } from "./core/labels.js";
export type { LabelSelector, LabelSelectorRequirement } from "./core/labels.js";
export { parseFieldSelector, FieldSelector } from "./core/fields.js";
export { parseQuantity, Quantity } from "./core/quantity.js";

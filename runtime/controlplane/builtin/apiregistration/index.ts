/**
 * apiregistration.k8s.io/v1 APIService: cluster-scoped, with a status subresource, validated and printed as
 * kube-aggregator does (pkg/registry/apiservice). On create the status is reset, and a local APIService (no
 * service) is marked Available with reason Local at once; `spec.service.port` defaults to 443. The aggregator
 * that acts on APIServices lives in `controlplane/aggregator`.
 */
import type { PatchMeta } from "../../../apiserver/patch/meta.js";
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { isPlainObject, rfc3339 } from "../../../core/object.js";
import { nameIsPathSegment } from "../../../core/validation.js";
import { objectMetaPatchMeta } from "../common/podtemplate.js";
import { apiServiceTable } from "./table.js";
import { apiRegistrationGroup, asAPIService, localAvailableCondition, setCondition } from "./types.js";
import { validateAPIService, validateAPIServiceStatus } from "./validation.js";

/** v1 defaulting: a service reference's port defaults to 443; an absent service is null (`json:"service"`). */
export function defaultAPIService(obj: KubeObject): void {
  const svc = asAPIService(obj);
  if (!isPlainObject(svc.spec)) return;
  const ref = svc.spec.service;
  if (isPlainObject(ref)) {
    if (ref.port === undefined) ref.port = 443;
  } else if (ref === undefined) {
    svc.spec.service = null;
  }
}

/** PrepareForCreate: the status starts empty; local APIServices are available immediately. */
function prepareForCreate(obj: KubeObject, now = new Date()): void {
  const svc = asAPIService(obj);
  svc.status = {};
  if (!isPlainObject(svc.spec?.service)) setCondition(svc, localAvailableCondition(rfc3339(now)));
}

/** `status.conditions` merges by type. */
export const apiServicePatchMeta: PatchMeta = {
  fields: { metadata: objectMetaPatchMeta, status: { fields: { conditions: { strategy: "merge", mergeKey: "type" } } } },
};

export const apiServiceResource: ResourceDefinition = {
  group: apiRegistrationGroup,
  version: "v1",
  names: { plural: "apiservices", singular: "apiservice", kind: "APIService", listKind: "APIServiceList", categories: ["api-extensions"] },
  namespaced: false,
  statusSubresource: true,
  nameValidator: nameIsPathSegment,
  strategy: {
    default: defaultAPIService,
    prepareForCreate: (obj) => prepareForCreate(obj),
    validate: validateAPIService,
    validateUpdate: (obj) => validateAPIService(obj),
    validateStatusUpdate: (obj) => validateAPIServiceStatus(obj),
  },
  table: apiServiceTable,
  patchMeta: apiServicePatchMeta,
};

export const apiRegistrationResources: readonly ResourceDefinition[] = [apiServiceResource];

export { apiServiceTable } from "./table.js";
export { validateAPIService, validateAPIServiceStatus } from "./validation.js";
export {
  apiRegistrationGroup,
  apiServiceName,
  apiServiceNameToGroupVersion,
  asAPIService,
  autoRegisterManagedLabel,
  getCondition,
  isAvailable,
  localAvailableCondition,
  serviceRef,
  setCondition,
} from "./types.js";
export type { APIService, APIServiceCondition, APIServiceServiceReference, APIServiceSpec, ConditionStatus } from "./types.js";

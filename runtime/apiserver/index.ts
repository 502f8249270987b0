/**
 * `kubeforge/apiserver`: the generic API server library — serve resources described by ResourceDefinitions
 * (strategy, table, selectable fields, subresources) from a StorageBackend, with Kubernetes' URL layout,
 * discovery, Status errors, watch, patches and an admission chain.
 */
export { APIServer, defaultVersion } from "./server.js";
export type { APIServerOptions, VersionInfo, HealthCheck } from "./server.js";
export { Store } from "./registry/store.js";
export type { RequestContext, ListParams, WatchParams, DeleteOptions, UpdateParams, UpdatedObjectInfo, DeleteResult, PropagationPolicy } from "./registry/store.js";
export type { ResourceDefinition, ResourceNames, Strategy, TableColumn, TableConvertor, ScaleSubresource, VersionConversion, Verb } from "./resource.js";
export { allVerbs } from "./resource.js";
export { AdmissionChain } from "./admission/types.js";
export type { AdmissionPlugin, AdmissionAttributes, AdmissionOperation, UserInfo } from "./admission/types.js";
export type { SubresourceHandler } from "./handlers/rest.js";
export type { SubresourceInfo } from "./discovery.js";
export type { PatchMeta } from "./patch/meta.js";
export { MemoryBackend } from "../storage/memory.js";
export type { Storage, StorageBackend, WatchEvent, WatchHandler, Watch } from "../storage/interface.js";

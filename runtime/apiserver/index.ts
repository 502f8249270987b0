/**
 * `kubeforge/apiserver`: the generic API server library — serve resources described by ResourceDefinitions
 * (strategy, table, selectable fields, subresources) from a StorageBackend, with Kubernetes' URL layout,
 * discovery, Status errors, watch, patches and an admission chain; read-only resources computed per request;
 * and aggregated (extension) API servers with delegated authentication and authorization over HTTPS.
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
export type { ComputedResourceHandler, ComputedContext, ComputedListOptions, ComputedList } from "./handlers/computed.js";
export type { AuthorizationAttributes, AuthorizationDecision, Authorize } from "./authorization.js";
export { forbiddenError, forbiddenMessage, requestAttributes } from "./authorization.js";
export type { SubresourceInfo } from "./discovery.js";
export type { PatchMeta } from "./patch/meta.js";
export { MemoryBackend } from "../storage/memory.js";
export type { MemoryBackendOptions } from "../storage/memory.js";
export { EtcdBackend } from "../storage/etcd.js";
export type { EtcdBackendOptions } from "../storage/etcd.js";
export type { Storage, StorageBackend, WatchEvent, WatchHandler, Watch } from "../storage/interface.js";

// aggregated API servers
export { AggregatedAPIServer } from "./aggregated/server.js";
export type { AggregatedAPIServerOptions } from "./aggregated/server.js";
export { selfSignedServingCertificate } from "./aggregated/serving.js";
export type { ServingCertificate, SelfSignedServingCertificate } from "./aggregated/serving.js";
export { createCA } from "./certs.js";
export type { CertificateAuthority, KeyPairPEM } from "./certs.js";

// delegated authentication and authorization
export {
  DelegatingAuthenticator,
  DelegatingAuthorizer,
  defaultAlwaysAllowGroups,
  defaultAlwaysAllowPaths,
  AuthenticationConfigMap,
  authenticationConfigMapName,
  authenticationConfigMapNamespace,
  authenticationReaderRole,
  configMapKeys,
  CABundle,
  defaultRetryBackoff,
} from "./delegated/index.js";
export type {
  DelegatingAuthenticationOptions,
  DelegatingAuthorizationOptions,
  RequestHeaderOptions,
  RequestHeaderConfig,
  AnonymousOptions,
  AuthenticationConfigMapOptions,
  RetryBackoff,
  Authorizer,
  AuthorizerResult,
  Decision,
  RequestAuthenticator,
  AuthenticationResult,
} from "./delegated/index.js";

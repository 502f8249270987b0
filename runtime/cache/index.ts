/**
 * `runtime/cache`: watch caches — client-go's tools/cache (reflector, store, indexer, shared informer) with
 * controller-runtime's Cache on top. See each module for its guarantees.
 */
export type { ListOptions, WatchOptions, WatchEvent, WatchEventType, ListerWatcher, ListerWatcherProvider } from "./listwatch.js";
export {
  partialObjectMetadataAccept,
  partialObjectMetadataListAccept,
  isExpiredError,
  isTooLargeResourceVersionError,
  isWatchDecodeError,
  statusOfError,
  errorCode,
} from "./listwatch.js";
export type { BackoffOptions } from "./backoff.js";
export { ExponentialBackoff } from "./backoff.js";
export type { CacheLogger } from "./logger.js";
export { defaultLogger, silentLogger } from "./logger.js";
export type { IndexFunc, Indexers } from "./indexer.js";
export { namespaceIndex, ownerUidIndex, namespaceIndexFunc, ownerUidIndexFunc, defaultIndexers, IndexNotFoundError, IndexConflictError } from "./indexer.js";
export type { Indexer, StoreChange, StoreOptions, TransformFunc } from "./store.js";
export {
  Store,
  DeletedFinalStateUnknown,
  isDeletedFinalStateUnknown,
  deletedObject,
  metaNamespaceKey,
  deletionHandlingKey,
  storeKey,
  stripManagedFields,
  deepFreeze,
} from "./store.js";
export type { ReflectorStore, ReflectorOptions, ReflectorStats, ReflectorPhase } from "./reflector.js";
export { Reflector, ReflectorError } from "./reflector.js";
export type {
  ResourceEventHandler,
  ResourceEventHandlerRegistration,
  EventHandlerOptions,
  Informer,
  SharedIndexInformerOptions,
  InformerPhase,
  InformerStats,
} from "./informer.js";
export { SharedIndexInformer, waitForCacheSync } from "./informer.js";
export type { ByObject, CacheOptions, GetInformerOptions, CacheReadOptions, CacheListOptions, CacheInformer } from "./cache.js";
export { Cache, CacheNotStartedError, ResourceNotCachedError, UnknownNamespaceError, fieldIndexName, keyToNamespacedKey, fieldValue } from "./cache.js";
export type { FakeListerWatcherOptions } from "./fake.js";
export { FakeListerWatcher, FakeListerWatcherProvider, FakeWatchDecodeError } from "./fake.js";
export { ClientListerWatcher, ClientListerWatcherProvider } from "./clientlistwatch.js";

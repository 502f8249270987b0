/**
 * kubeforge storage: the contract (interface.ts), the numeric versioner, continue tokens and the in-memory backend.
 * The conformance kit (conformance.ts) imports vitest and is therefore not re-exported here; test code imports it
 * directly.
 */
export { StorageError, isStorageError } from "./interface.js";
export type {
  ListOptions,
  ListResult,
  Predicate,
  Preconditions,
  ResourceVersionMatch,
  Storage,
  StorageBackend,
  StorageErrorCode,
  TryUpdate,
  UpdateOptions,
  Versioner,
  Watch,
  WatchEvent,
  WatchEventType,
  WatchHandler,
  WatchOptions,
} from "./interface.js";
export { NumericVersioner, numericVersioner } from "./versioner.js";
export { continueExpiredMessage, decodeContinue, encodeContinue, newContinueExpired } from "./continue.js";
export type { ContinueToken } from "./continue.js";
export { MemoryBackend } from "./memory.js";
export type { MemoryBackendOptions } from "./memory.js";

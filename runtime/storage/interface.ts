/**
 * The storage contract (the k8s.io/apiserver/pkg/storage analogue). One `Storage` serves one resource
 * (pods, configmaps.v1, ...); all storages of a backend share one revision counter, so resourceVersions are
 * comparable across resources exactly as with etcd. Keys are relative to the resource: "namespace/name" for
 * namespaced objects, "name" for cluster-scoped ones.
 *
 * Contract for every implementation (memory now, etcd later; both must pass `conformance.ts`):
 * - Objects are plain JSON values. A storage never mutates an object given to it nor hands out an object it
 *   will mutate later: callers may keep what they read, and must not mutate it (copy first).
 * - Every successful write gets a new resourceVersion, strictly greater than all before it in the backend,
 *   written into `metadata.resourceVersion` of the stored object.
 * - Watchers see every change of every matching object after their start version, in resourceVersion order,
 *   exactly once, whatever the load. A storage that cannot keep up with a watcher closes it (`WatchHandler.close`)
 *   rather than drop events; the client then resumes from the last version it saw.
 */
import type { KubeObject } from "../core/object.js";
import type { StatusError } from "../core/errors.js";

export type StorageErrorCode = "KeyNotFound" | "KeyExists" | "ResourceVersionConflicts" | "PreconditionFailed" | "InvalidObj";

/** A key-level failure; the registry turns it into the API error with the resource's name (NotFound, AlreadyExists, Conflict). */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = "StorageError";
  }
}

export const isStorageError = (err: unknown, code?: StorageErrorCode): err is StorageError =>
  err instanceof StorageError && (code === undefined || err.code === code);

/** Converts between resourceVersion strings and revisions. */
export interface Versioner {
  /** "" → 0. A string that is not a non-negative integer throws a 400 BadRequest StatusError. */
  parse(resourceVersion: string | undefined): number;
  format(revision: number): string;
}

/** Returns true for objects to include. Absent = everything. */
export type Predicate = (obj: KubeObject) => boolean;

export type ResourceVersionMatch = "" | "NotOlderThan" | "Exact";

export interface ListOptions {
  /** Only keys starting with this (e.g. "ns/" for one namespace). */
  prefix?: string;
  /**
   * "" or absent: the most recent state (consistent read).
   * "0": any state; this storage serves the most recent.
   * "N" with match "" or NotOlderThan: a state at least as new as N (waits up to 3 s for N, then 504 Timeout
   *   with cause ResourceVersionTooLarge).
   * "N" with match Exact: the state at exactly N; 410 Expired when N is older than the storage's history.
   */
  resourceVersion?: string;
  resourceVersionMatch?: ResourceVersionMatch;
  predicate?: Predicate;
  /** Page size; 0/absent = no limit. */
  limit?: number;
  /**
   * Token from a previous page: the next page is served at the first page's resourceVersion (a consistent
   * snapshot). A token older than the storage's history → 410 Expired with upstream's message.
   * Malformed token → 400 BadRequest.
   */
  continue?: string;
}

export interface ListResult {
  items: KubeObject[];
  /** The resourceVersion the list was served at. */
  resourceVersion: string;
  /** Set when more keys remain after this page. */
  continue?: string;
  /** Keys left after this page; only when the list has no predicate. */
  remainingItemCount?: number;
}

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

export interface UpdateOptions {
  /** When the key does not exist: call tryUpdate with undefined (create) instead of throwing KeyNotFound. */
  ignoreNotFound?: boolean;
  preconditions?: Preconditions;
}

/**
 * Computes the new object from the current one (undefined when absent and ignoreNotFound). May throw to abort
 * (the error propagates unchanged). May be called several times if the object changes concurrently.
 */
export type TryUpdate = (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>;

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

export interface WatchEvent {
  type: WatchEventType;
  /**
   * The object; for DELETED its last state (with the deletion's resourceVersion); for BOOKMARK an object with
   * only metadata.resourceVersion (and the `k8s.io/initial-events-end: "true"` annotation after initial events);
   * the HTTP layer adds kind/apiVersion.
   */
  object: KubeObject;
}

export interface WatchOptions {
  prefix?: string;
  /**
   * "" or absent: synthetic ADDED events for the current state, then changes after it.
   * "0": the same (any state is allowed; this storage uses the most recent).
   * "N": changes after N (no synthetic events); 410 Expired when N is older than the storage's history.
   */
  resourceVersion?: string;
  /**
   * true: synthetic ADDED for the state at the start version, then a BOOKMARK annotated
   * `k8s.io/initial-events-end: "true"`, then changes (requires allowWatchBookmarks; the handler checks).
   * false: no synthetic events even for "" / "0".
   */
  sendInitialEvents?: boolean;
  /** Send periodic BOOKMARK events carrying the latest resourceVersion. */
  allowWatchBookmarks?: boolean;
  /**
   * With a predicate, a MODIFIED event whose object stops matching is delivered as DELETED, and one whose object
   * starts matching as ADDED (like kube-apiserver's watch cache).
   */
  predicate?: Predicate;
}

export interface WatchHandler {
  /** Called synchronously, in order. Must not throw. */
  event(ev: WatchEvent): void;
  /** The storage ended the watch (shutdown, too slow, or an error to send as an ERROR event). Called at most once. */
  close(err?: StatusError): void;
}

export interface Watch {
  /** Stops delivery; no event or close call follows. Idempotent. */
  stop(): void;
}

/** Storage for one resource. */
export interface Storage {
  readonly versioner: Versioner;
  /** Creates the key; StorageError KeyExists if present. Returns the stored object. */
  create(key: string, obj: KubeObject): Promise<KubeObject>;
  /** The object, or undefined when absent. */
  get(key: string): Promise<KubeObject | undefined>;
  list(opts: ListOptions): Promise<ListResult>;
  /**
   * Read-modify-write loop: reads the key, checks preconditions (StorageError PreconditionFailed), calls tryUpdate,
   * and writes if nothing changed meanwhile, else retries. A result deep-equal to the current object is not written
   * (no new resourceVersion) and the current object is returned. KeyNotFound when absent and not ignoreNotFound.
   */
  guaranteedUpdate(key: string, opts: UpdateOptions, tryUpdate: TryUpdate): Promise<KubeObject>;
  /**
   * Deletes the key after checking preconditions and `validate(current)` (which may throw to abort).
   * Returns the deleted object carrying the deletion's resourceVersion. KeyNotFound when absent.
   */
  delete(key: string, preconditions?: Preconditions, validate?: (current: KubeObject) => void | Promise<void>): Promise<KubeObject>;
  /** Starts a watch; initial events may be delivered before the promise settles. Rejects with a StatusError (410 Expired, 400). */
  watch(opts: WatchOptions, handler: WatchHandler): Promise<Watch>;
  /** Number of objects stored. */
  count(): Promise<number>;
}

/** A storage backend: one revision counter and one Storage per resource. */
export interface StorageBackend {
  /** The storage for one resource; `name` is a stable identifier such as "apps/deployments". Same name → same instance. */
  forResource(name: string): Storage;
  /** The backend's latest revision as a resourceVersion. */
  currentResourceVersion(): Promise<string>;
  close(): Promise<void>;
}

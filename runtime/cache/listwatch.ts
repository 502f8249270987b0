/**
 * The seam between the watch caches and the API: a ListerWatcher lists and watches one resource (in one
 * namespace, or all), and a ListerWatcherProvider hands them out per kind. runtime/client supplies the real one
 * (clientlistwatch.ts); tests use FakeListerWatcher (fake.ts).
 *
 * Errors are classified here, by shape rather than by class, so that any client's typed errors work: a
 * `StatusError`, an object with a numeric `code`/`statusCode` or a `status`/`body` holding a metav1.Status.
 */
import { StatusError } from "../core/errors.js";
import type { GroupVersionKind } from "../core/gvk.js";
import type { KubeList, KubeObject } from "../core/object.js";
import { isStatus, type Status } from "../core/status.js";

/** The Accept header of a metadata-only list or watch (items are meta.k8s.io/v1 PartialObjectMetadata). */
export const partialObjectMetadataAccept = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
/** The Accept header of a metadata-only list (a PartialObjectMetadataList), falling back to plain JSON. */
export const partialObjectMetadataListAccept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

/** metav1.ListOptions, the part a cache uses. */
export interface ListOptions {
  /** A label selector in its string form (`app=web,tier!=db`); "" or absent selects everything. */
  labelSelector?: string;
  /** A field selector in its string form (`metadata.name=x`); "" or absent selects everything. */
  fieldSelector?: string;
  /**
   * Opaque. "" (or absent) asks for the most recent state (a quorum read); "0" for any state the server has
   * (typically its watch cache); another value for a state at least that recent (or exactly it, with
   * resourceVersionMatch "Exact").
   */
  resourceVersion?: string;
  resourceVersionMatch?: "" | "Exact" | "NotOlderThan";
  /** Page size; 0 or absent = no paging. */
  limit?: number;
  /** The continue token of the previous page; resourceVersion must then be absent. */
  continue?: string;
  /**
   * Ask for metadata only: the request carries `Accept: application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1`
   * (for a list, `...as=PartialObjectMetadataList...`) and items are PartialObjectMetadata objects.
   */
  metadataOnly?: boolean;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/** metav1.ListOptions with `watch=true`. */
export interface WatchOptions extends Omit<ListOptions, "limit" | "continue" | "signal"> {
  /** Ask the server for BOOKMARK events (resourceVersion progress without an object change). */
  allowWatchBookmarks?: boolean;
  /** The server ends the watch after this many seconds (normally, without an error). */
  timeoutSeconds?: number;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

/**
 * One line of a watch stream. For ERROR the object is a metav1.Status (typed as T for the wire shape's sake:
 * check `type` first). For BOOKMARK only `object.metadata.resourceVersion` (and annotations) are meaningful.
 */
export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
}

/**
 * Lists and watches one resource. The same selectors are always passed to both calls by the reflector.
 */
export interface ListerWatcher<T extends KubeObject = KubeObject> {
  /**
   * One LIST request (one page when `limit` is set). Rejects with the API error (a 410 Expired one when the
   * resourceVersion or continue token is too old) or a transport error; never retries by itself.
   */
  list(opts: ListOptions): Promise<KubeList<T>>;

  /**
   * One WATCH request from `resourceVersion`. The iterable yields events in server order and ends when the
   * server ends the stream (e.g. after timeoutSeconds) or when `signal` aborts (then it ends or throws an
   * AbortError — both are fine). It throws for a failed request (an API error, e.g. 410 before the stream
   * starts) or a broken connection. An in-stream error may be either yielded as an ERROR event carrying a
   * metav1.Status or thrown as a typed API error; a line that cannot be decoded is thrown as an error named
   * "WatchDecodeError" (or a SyntaxError). Breaking out of the iteration must release the connection.
   */
  watch(opts: WatchOptions & { signal: AbortSignal }): AsyncIterable<WatchEvent<T>>;
}

/** Where ListerWatchers come from: what a Cache needs to know about the API. */
export interface ListerWatcherProvider {
  /**
   * A ListerWatcher for `gvk` in `namespace` ("" or undefined = all namespaces, or a cluster-scoped kind).
   * Called once per informer; must not perform I/O.
   */
  listerWatcher(gvk: GroupVersionKind, namespace: string | undefined): ListerWatcher;
  /**
   * Whether `gvk` is namespaced (from the RESTMapper). Rejects with a clear error naming the kind when the
   * server does not serve it; the cache passes that error on instead of watching something that cannot exist.
   */
  isNamespaced(gvk: GroupVersionKind): Promise<boolean>;
}

// ---- error classification ----

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : undefined;
}

/** The metav1.Status an error carries, if any (StatusError, `.status`, `.body` (object or JSON text), or a Status itself). */
export function statusOfError(err: unknown): Status | undefined {
  if (err instanceof StatusError) return err.status;
  if (isStatus(err)) return err;
  const rec = asRecord(err);
  if (!rec) return undefined;
  for (const field of ["status", "body"] as const) {
    let v = rec[field];
    if (typeof v === "string" && v.startsWith("{")) {
      try {
        v = JSON.parse(v) as unknown;
      } catch {
        v = undefined;
      }
    }
    if (isStatus(v)) return v;
  }
  return undefined;
}

/** The HTTP status code an error stands for, if any. */
export function errorCode(err: unknown): number | undefined {
  const st = statusOfError(err);
  if (st && typeof st.code === "number" && st.code > 0) return st.code;
  const rec = asRecord(err);
  if (!rec) return undefined;
  for (const field of ["code", "statusCode"] as const) {
    const v = rec[field];
    if (typeof v === "number" && v >= 100 && v < 600) return v;
  }
  return undefined;
}

/** 410 Gone/Expired: the requested resourceVersion (or continue token) is older than the server's history. */
export function isExpiredError(err: unknown): boolean {
  const st = statusOfError(err);
  if (st && (st.reason === "Expired" || st.reason === "Gone")) return true;
  return errorCode(err) === 410;
}

/** 504 "Too large resource version": the server has not reached the requested resourceVersion (e.g. it restarted empty). */
export function isTooLargeResourceVersionError(err: unknown): boolean {
  const st = statusOfError(err);
  if (st?.details?.causes?.some((c) => c.reason === "ResourceVersionTooLarge")) return true;
  const msg = st?.message ?? (err instanceof Error ? err.message : "");
  return (errorCode(err) === 504 || st !== undefined) && msg.includes("Too large resource version");
}

/** A watch line that could not be decoded (the client's WatchDecodeError, or a raw SyntaxError from JSON.parse). */
export function isWatchDecodeError(err: unknown): boolean {
  return err instanceof Error && (err.name === "WatchDecodeError" || err instanceof SyntaxError);
}

/** An AbortSignal-caused rejection. */
export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === "AbortError" || (err as { code?: unknown }).code === "ABORT_ERR");
}

/** An in-stream ERROR event's object as an error (a StatusError when it is a metav1.Status). */
export function watchErrorEventToError(object: unknown): Error {
  if (isStatus(object)) return new StatusError(object);
  const rec = asRecord(object);
  const code = typeof rec?.code === "number" ? rec.code : 500;
  const message = typeof rec?.message === "string" ? rec.message : `watch ERROR event: ${JSON.stringify(object)}`;
  const reason = typeof rec?.reason === "string" ? rec.reason : "";
  return new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code, message, reason: reason as Status["reason"] });
}

/** Recognising etcd's errors and turning the rest into API errors. */
import { newInternalError, newServiceUnavailable, StatusError } from "../../core/errors.js";
import { StorageError, type Preconditions } from "../interface.js";
import type { KubeObject } from "../../core/object.js";

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** etcd's ErrCompacted: the requested revision is older than the last compaction. */
export const isCompacted = (err: unknown): boolean => /required revision has been compacted/.test(messageOf(err));

/** A StatusError or StorageError passes through; anything else from etcd becomes 503 (unreachable) or 500. */
export function toApiError(err: unknown): Error {
  if (err instanceof StatusError || err instanceof StorageError) return err;
  const msg = messageOf(err);
  if (/unavailable|ECONNREFUSED|No connection established|circuit/i.test(msg) || (err instanceof Error && err.name === "ClientClosedError")) {
    return newServiceUnavailable(`etcd: ${msg}`);
  }
  return newInternalError(`etcd: ${msg}`);
}

export function notFound(key: string): StorageError {
  return new StorageError("KeyNotFound", key, `key ${JSON.stringify(key)} not found`);
}

/** Upstream's storage.Preconditions.Check: an absent object has empty uid and resourceVersion. */
export function checkPreconditions(key: string, current: KubeObject | undefined, pre: Preconditions | undefined): void {
  if (!pre) return;
  const uid = current?.metadata.uid ?? "";
  if (pre.uid !== undefined && pre.uid !== uid) {
    throw new StorageError("PreconditionFailed", key, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${uid}`);
  }
  const rv = current?.metadata.resourceVersion ?? "";
  if (pre.resourceVersion !== undefined && pre.resourceVersion !== rv) {
    throw new StorageError("PreconditionFailed", key, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${rv}`);
  }
}

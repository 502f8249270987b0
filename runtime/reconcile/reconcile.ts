/**
 * `reconcile`: the request a controller hands its reconciler, the result it gets back, and TerminalError
 * (controller-runtime's pkg/reconcile).
 */
import type { Logger } from "./logger.js";

/**
 * What to reconcile: the namespace and name of one object (namespace "" for a cluster-scoped kind). A request
 * never says what happened (created, updated, deleted): reconcilers read the current state and act on it.
 */
export interface Request {
  readonly namespace: string;
  readonly name: string;
}

/**
 * What a reconcile asks of the controller when it succeeds. An empty result (or returning nothing) means done:
 * the request is forgotten until the next event.
 */
export interface Result {
  /** Requeue with the rate limiter's backoff (as after an error, without counting as one). Ignored if requeueAfter > 0. */
  requeue?: boolean;
  /** Requeue after this many milliseconds (and reset the backoff): polling, expiring certificates, ... */
  requeueAfter?: number;
}

/** What a reconcile is given besides the request. */
export interface ReconcileContext {
  /**
   * Aborts when the controller stops (shutdown) or the reconcile timeout expires. Pass it to every request;
   * a reconcile should return soon after it aborts.
   */
  readonly signal: AbortSignal;
  /** A logger with the controller, the request and the reconcile id in its fields. */
  readonly log: Logger;
  /** A unique id of this reconcile call (in the log fields too). */
  readonly reconcileID: string;
}

/** Reconciles one kind of object: makes the world match the object's desired state. */
export interface Reconciler {
  /**
   * Drives the object `req` names towards its desired state, then returns.
   *
   * Contract:
   * - Level-triggered: `req` is only a name. Read the current state (from the cache or the API), compare with
   *   the desired state, act; do not rely on seeing every change, on a change's kind, or on the order of
   *   events. Many events for one object may be coalesced into one call. The object may be gone: NotFound is
   *   usually "nothing to do" (owned objects are garbage-collected), or run cleanup behind a finalizer.
   * - Never called twice at once for the same request (other requests may run in parallel, up to
   *   maxConcurrentReconciles). Must be idempotent: it may be called again for a state it already handled.
   * - Rejecting (throwing) means "try again": the request is requeued with per-item exponential backoff
   *   (5 ms doubling up to 1000 s by default, combined with an overall 10 qps bucket). A returned result is
   *   ignored when the call rejects. Throwing anything — an Error, a string, a TypeError from a bug — never
   *   stops the controller or the process (unless the controller's recoverPanic option is false).
   * - Rejecting with a {@link TerminalError} (or an error whose cause chain holds one) means "retrying will not
   *   help": the error is logged and counted (controller_runtime_terminal_reconcile_errors_total) and the
   *   request is not retried until its next event.
   * - Resolving with `{ requeueAfter: ms }` (ms > 0) requeues the request after that delay and resets its
   *   backoff; `{ requeue: true }` requeues it with backoff; nothing (or `{}`) forgets it until the next event.
   * - `ctx.signal` aborts on shutdown and on the controller's reconcile timeout; honour it.
   */
  reconcile(ctx: ReconcileContext, req: Request): Promise<Result | void>;
}

/** A function as a Reconciler (controller-runtime's reconcile.Func). */
export function reconcilerFunc(fn: (ctx: ReconcileContext, req: Request) => Promise<Result | void>): Reconciler {
  return { reconcile: (ctx, req) => fn(ctx, req) };
}

/** The queue key of a request: "namespace/name", or "name" for a cluster-scoped object. */
export function requestKey(req: Request): string {
  return req.namespace ? `${req.namespace}/${req.name}` : req.name;
}

/** The request for an object's metadata (namespace "" when absent). */
export function requestFor(obj: { metadata: { namespace?: string | undefined; name?: string | undefined } }): Request {
  return { namespace: obj.metadata.namespace ?? "", name: obj.metadata.name ?? "" };
}

/** True for a result that asks for nothing (no requeue). */
export function isZeroResult(r: Result | void | undefined): boolean {
  return !r || (!r.requeue && !((r.requeueAfter ?? 0) > 0));
}

/**
 * An error retrying will not fix (invalid spec, missing permission the operator cannot grant itself): the
 * controller logs and counts it and does not requeue the request. Wrap the cause: `new TerminalError(err)`, or
 * give a message: `new TerminalError("spec.replicas must be positive")`.
 */
export class TerminalError extends Error {
  constructor(causeOrMessage: unknown) {
    const message = typeof causeOrMessage === "string" ? causeOrMessage : causeOrMessage instanceof Error ? causeOrMessage.message : String(causeOrMessage);
    super(`terminal error: ${message}`, typeof causeOrMessage === "string" ? undefined : { cause: causeOrMessage });
    this.name = "TerminalError";
  }
}

/** True if `err` is a TerminalError or wraps one in its `cause` chain (errors.Is semantics). */
export function isTerminalError(err: unknown): boolean {
  const seen = new Set<unknown>();
  let cur: unknown = err;
  while (cur instanceof Error && !seen.has(cur)) {
    if (cur instanceof TerminalError) return true;
    seen.add(cur);
    cur = cur.cause;
  }
  return false;
}

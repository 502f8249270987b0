/**
 * `withFinalizer`: the finalizer dance of a reconciler in one call, after kube-rs' `finalizer()` helper.
 *
 *   async reconcile(ctx, req) {
 *     const obj = await client.get<MyKind>({ ...MY_KIND, ...req });
 *     const out = await withFinalizer(client, obj, "example.com/cleanup", {
 *       apply: async (obj) => { await ensureExternal(obj); return {}; },
 *       cleanup: async (obj) => { await deleteExternal(obj); return {}; },
 *     });
 *     if (out.action === "finalizerAdded") return {};   // the patch's watch event runs us again
 *     return out.action === "skipped" ? {} : out.result;
 *   }
 *
 * What it does with `obj` (the latest object read by the reconciler):
 * - not being deleted, finalizer missing → adds the finalizer (patch) and returns `finalizerAdded` WITHOUT
 *   calling `apply`: the write triggers a watch event and so another reconcile, which sees the finalizer.
 * - not being deleted, finalizer present → `apply(obj)`, returns `applied` with its result.
 * - being deleted (`deletionTimestamp` set), finalizer present → `cleanup(obj)`; when it succeeds removes the
 *   finalizer (patch) and returns `cleanedUp` (with the object the server returned, or undefined when it was
 *   already gone).
 * - being deleted, finalizer absent → `skipped` (our cleanup already ran, or never had to).
 *
 * ## Guarantees
 * - `apply` is only called while the finalizer is present on the server (as of `obj`) and the object is not
 *   being deleted; so `cleanup` will get its turn before the object disappears.
 * - The finalizer is removed only after `cleanup` resolved. If `cleanup` throws, the finalizer stays and the
 *   error is thrown (the reconcile is retried with backoff; the object stays in Terminating).
 * - Finalizer writes are JSON merge patches that carry the `resourceVersion` the list was computed from, so a
 *   concurrent change of the finalizer list by someone else is never overwritten: the server answers 409, the
 *   object is read again and the change recomputed (client-go's DefaultRetry: 5 tries, 10 ms apart).
 *
 * ## Assumptions
 * - The finalizer name is unique to this controller (a domain-qualified name such as `example.com/cleanup`) and
 *   no one else removes it.
 * - `apply` and `cleanup` are idempotent: either may run again for the same state (after a crash, a conflict,
 *   a requeue), and `cleanup` may run after a previous `cleanup` already succeeded if removing the finalizer
 *   failed afterwards.
 * - `obj` is recent (typically just read from the cache or the server); it needs name and resourceVersion.
 *
 * ## Caveats
 * - An object deleted before the finalizer was first added is removed without `cleanup` (nothing blocks it):
 *   `cleanup` must not be the only place that frees resources created before the first reconcile.
 * - Uninstalling the controller while objects carry the finalizer leaves them stuck in Terminating until the
 *   finalizer is removed by hand.
 * - `apply` is not called when the finalizer was just added; callers rely on the resulting watch event (or
 *   return a requeue themselves).
 * - Cleanup of dependents that the garbage collector deletes anyway (owner references) does not need a finalizer.
 *
 * ## Errors
 * All failures are a `FinalizerError` with a `kind` and the original error as `cause`:
 * - `UnnamedObject`: `obj` has no `metadata.name`;
 * - `InvalidFinalizer`: the finalizer name is not a qualified name (the API server would refuse it);
 * - `AddFinalizer` / `RemoveFinalizer`: the patch failed (after the conflict retries), e.g. Forbidden;
 * - `ApplyFailed` / `CleanupFailed`: `apply` / `cleanup` threw (the finalizer is left as it was).
 */
import type { Client } from "../client/client.js";
import { isNotFound } from "../client/errors.js";
import { mergePatch } from "../client/patch.js";
import { addFinalizer, containsFinalizer, removeFinalizer } from "../controllerutil/finalizers.js";
import { retryOnConflict } from "../controllerutil/retry.js";
import type { KubeObject } from "../core/object.js";
import { isQualifiedName } from "../core/validation.js";
import { defaultRetry, type Backoff } from "../wait/backoff.js";

export type FinalizerErrorKind = "UnnamedObject" | "InvalidFinalizer" | "AddFinalizer" | "RemoveFinalizer" | "ApplyFailed" | "CleanupFailed";

export class FinalizerError extends Error {
  readonly kind: FinalizerErrorKind;
  readonly finalizer: string;

  constructor(kind: FinalizerErrorKind, finalizer: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FinalizerError";
    this.kind = kind;
    this.finalizer = finalizer;
  }
}

export interface FinalizerHandlers<T extends KubeObject, R> {
  /** Reconciles a live object (the finalizer is present). */
  apply(obj: T): R | Promise<R>;
  /** Frees what the object holds; the finalizer is removed once this resolves. */
  cleanup(obj: T): R | Promise<R>;
}

export type FinalizerOutcome<T extends KubeObject, R> =
  /** The finalizer was added; `apply` did not run (the write's watch event triggers the next reconcile). */
  | { action: "finalizerAdded"; object: T }
  /** `apply` ran. */
  | { action: "applied"; object: T; result: R }
  /** `cleanup` ran and the finalizer was removed; `object` is undefined when the object is already gone. */
  | { action: "cleanedUp"; object: T | undefined; result: R }
  /** Being deleted without our finalizer (or deleted before it could be added): nothing to do. */
  | { action: "skipped"; object: T | undefined };

export interface WithFinalizerOptions {
  /** Retries of the finalizer patches on conflict (default client-go's DefaultRetry). */
  backoff?: Backoff;
}

function describe(obj: KubeObject): string {
  const ns = obj.metadata.namespace ? `${obj.metadata.namespace}/` : "";
  return `${obj.kind ?? "object"} ${ns}${obj.metadata.name ?? ""}`;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs `apply` or `cleanup` for `obj` and keeps the finalizer `name` in step; see the file comment. */
export async function withFinalizer<T extends KubeObject, R>(
  client: Client,
  obj: T,
  name: string,
  handlers: FinalizerHandlers<T, R>,
  opts: WithFinalizerOptions = {},
): Promise<FinalizerOutcome<T, R>> {
  if (!obj.metadata?.name) throw new FinalizerError("UnnamedObject", name, `finalizer ${name}: the object has no metadata.name`);
  const invalid = isQualifiedName(name);
  if (invalid.length > 0) throw new FinalizerError("InvalidFinalizer", name, `finalizer ${JSON.stringify(name)} is not a qualified name: ${invalid.join("; ")}`);
  const backoff = opts.backoff ?? defaultRetry;
  const deleting = Boolean(obj.metadata.deletionTimestamp);
  const present = containsFinalizer(obj, name);

  if (!deleting && !present) {
    let written: T | undefined;
    try {
      written = await writeFinalizers(client, obj, name, "add", backoff);
    } catch (err) {
      throw new FinalizerError("AddFinalizer", name, `adding finalizer ${name} to ${describe(obj)}: ${message(err)}`, { cause: err });
    }
    // The object started terminating (or vanished) meanwhile: nothing is ours to clean up.
    if (!written || !containsFinalizer(written, name)) return { action: "skipped", object: written };
    return { action: "finalizerAdded", object: written };
  }
  if (!deleting) {
    let result: R;
    try {
      result = await handlers.apply(obj);
    } catch (err) {
      throw new FinalizerError("ApplyFailed", name, `apply of ${describe(obj)} failed: ${message(err)}`, { cause: err });
    }
    return { action: "applied", object: obj, result };
  }
  if (!present) return { action: "skipped", object: obj };

  let result: R;
  try {
    result = await handlers.cleanup(obj);
  } catch (err) {
    throw new FinalizerError("CleanupFailed", name, `cleanup of ${describe(obj)} failed (finalizer ${name} kept): ${message(err)}`, { cause: err });
  }
  let written: T | undefined;
  try {
    written = await writeFinalizers(client, obj, name, "remove", backoff);
  } catch (err) {
    throw new FinalizerError("RemoveFinalizer", name, `removing finalizer ${name} from ${describe(obj)}: ${message(err)}`, { cause: err });
  }
  return { action: "cleanedUp", object: written, result };
}

/**
 * Adds or removes `name` with a merge patch of the whole finalizer list under a resourceVersion precondition.
 * On conflict re-reads and recomputes. Returns the object after the write (or as read, when no write was
 * needed), or undefined when the object no longer exists.
 */
async function writeFinalizers<T extends KubeObject>(client: Client, obj: T, name: string, op: "add" | "remove", backoff: Backoff): Promise<T | undefined> {
  let current: T | undefined = obj.metadata.resourceVersion ? obj : undefined;
  return retryOnConflict(backoff, async () => {
    if (!current) {
      try {
        current = await client.get<T>(obj);
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    }
    const base: T = current;
    current = undefined; // a retry re-reads
    const next = { metadata: { finalizers: [...(base.metadata.finalizers ?? [])] } };
    // never add a finalizer to an object that is already being deleted (the server would refuse it anyway)
    const changed = op === "add" ? !base.metadata.deletionTimestamp && addFinalizer(next, name) : removeFinalizer(next, name);
    if (!changed) return base;
    try {
      return await client.patch<T>(base, mergePatch({ metadata: { resourceVersion: base.metadata.resourceVersion, finalizers: next.metadata.finalizers } }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  });
}

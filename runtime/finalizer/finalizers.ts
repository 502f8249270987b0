/**
 * controller-runtime's pkg/finalizer: a registry of finalizers by name, run from a reconciler.
 *
 *   const finalizers = new Finalizers();
 *   finalizers.register("example.com/cleanup", { finalize: async (obj) => { await deleteExternal(obj); return {}; } });
 *   // in reconcile:
 *   const res = await finalizers.finalize(obj);            // edits obj.metadata.finalizers in place
 *   if (res.updated) await client.update(obj);
 *   if (res.statusUpdated) await client.status().update(obj);
 *
 * For each registered name, in registration order:
 * - object not being deleted and the name missing → the name is added (`updated`);
 * - object being deleted and the name present → its `finalize(obj)` runs; on success the name is removed
 *   (`updated`), on failure it stays and the error is collected;
 * - otherwise nothing.
 * `updated` / `statusUpdated` from the finalizers' own results are OR-ed in (they may have edited `obj`).
 * Errors: all failures together as one `FinalizeError` (an AggregateError), after every finalizer had its turn;
 * the result so far is on `err.result` so that the caller can still persist it.
 */
import { addFinalizer, containsFinalizer, removeFinalizer } from "../controllerutil/finalizers.js";
import type { KubeObject } from "../core/object.js";

/** What a finalizer (or the registry) changed on the object. */
export interface FinalizerResult {
  /** The object (metadata or spec) changed and must be written. */
  updated?: boolean;
  /** The object's status changed and must be written through the status subresource. */
  statusUpdated?: boolean;
}

/** Cleanup for one finalizer name. It may edit `obj`, and says so in its result. */
export interface Finalizer<T extends KubeObject = KubeObject> {
  finalize(obj: T): FinalizerResult | Promise<FinalizerResult>;
}

/** One or more finalizers failed; `result` is the combined result (persist it anyway). */
export class FinalizeError extends AggregateError {
  readonly result: Required<FinalizerResult>;

  constructor(errors: Error[], result: Required<FinalizerResult>) {
    super(errors, errors.map((e) => e.message).join("; "));
    this.name = "FinalizeError";
    this.result = result;
  }
}

export class Finalizers<T extends KubeObject = KubeObject> {
  private readonly byName = new Map<string, Finalizer<T>>();

  /** Registers the cleanup of `name`. Throws when `name` is already registered. */
  register(name: string, finalizer: Finalizer<T>): void {
    if (!name) throw new TypeError("finalizer name must not be empty");
    if (this.byName.has(name)) throw new Error(`finalizer for key "${name}" already registered`);
    this.byName.set(name, finalizer);
  }

  /** Registered names, in registration order. */
  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Adds missing names or runs and removes them on deletion; see the file comment. */
  async finalize(obj: T): Promise<Required<FinalizerResult>> {
    const result = { updated: false, statusUpdated: false };
    const errors: Error[] = [];
    const deleting = Boolean(obj.metadata.deletionTimestamp);
    for (const [name, finalizer] of this.byName) {
      if (!deleting) {
        if (addFinalizer(obj, name)) result.updated = true;
        continue;
      }
      if (!containsFinalizer(obj, name)) continue;
      try {
        const r = await finalizer.finalize(obj);
        if (r.updated) result.updated = true;
        if (r.statusUpdated) result.statusUpdated = true;
        if (removeFinalizer(obj, name)) result.updated = true;
      } catch (err) {
        const e = new Error(`finalizer "${name}" failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        errors.push(e);
      }
    }
    if (errors.length > 0) throw new FinalizeError(errors, result);
    return result;
  }
}

/**
 * Events as handlers and predicates see them (controller-runtime's pkg/event). They exist only between an
 * informer (or another source) and the work queue: reconcilers never see them.
 */
import type { KubeObject } from "../core/object.js";

/** An object appeared (from the initial list, a watch event or a relist). */
export interface CreateEvent<T extends KubeObject = KubeObject> {
  readonly object: T;
  /** True for objects of the informer's initial list (and the synthetic adds a late handler is given). */
  readonly isInInitialList: boolean;
}

/** An object changed; on a periodic resync objectOld === objectNew (same resourceVersion). */
export interface UpdateEvent<T extends KubeObject = KubeObject> {
  readonly objectOld: T;
  readonly objectNew: T;
}

/** An object is gone. */
export interface DeleteEvent<T extends KubeObject = KubeObject> {
  /** The final state, or the last known state when the deletion itself was missed. */
  readonly object: T;
  /** True when the deletion was not observed (a DeletedFinalStateUnknown tombstone): `object` may be stale. */
  readonly deleteStateUnknown: boolean;
}

/** Something outside the cluster's watch says an object should be looked at (a Channel source). */
export interface GenericEvent<T extends KubeObject = KubeObject> {
  readonly object: T;
}

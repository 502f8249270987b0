/**
 * Predicates (controller-runtime's pkg/predicate): filter events before a handler sees them. A predicate method
 * returns true to let the event through; a missing method lets every event of that type through.
 *
 * Predicates only reduce work: a level-triggered reconciler must still be correct if a filtered event's change
 * is reconciled later (or on the next resync).
 */
import { labelSelectorAsSelector, parseSelector, Selector, type LabelSelector } from "../core/labels.js";
import { deepEqual, type KubeObject } from "../core/object.js";
import type { CreateEvent, DeleteEvent, GenericEvent, UpdateEvent } from "../handler/event.js";

/** Filters events by type. Every method is optional (missing = true) and must be pure, fast and not throw. */
export interface Predicate<T extends KubeObject = KubeObject> {
  /** Whether a create event is handled. */
  create?(ev: CreateEvent<T>): boolean;
  /** Whether an update event is handled. */
  update?(ev: UpdateEvent<T>): boolean;
  /** Whether a delete event is handled. */
  delete?(ev: DeleteEvent<T>): boolean;
  /** Whether a generic event is handled. */
  generic?(ev: GenericEvent<T>): boolean;
}

/** The event kinds predicates see. */
export type EventType = "create" | "update" | "delete" | "generic";

/** The event of each type. */
export interface EventOfType<T extends KubeObject = KubeObject> {
  create: CreateEvent<T>;
  update: UpdateEvent<T>;
  delete: DeleteEvent<T>;
  generic: GenericEvent<T>;
}

/** Asks one predicate about one event (a missing method accepts). */
export function test<T extends KubeObject, E extends EventType>(p: Predicate<T>, type: E, ev: EventOfType<T>[E]): boolean {
  const m = p[type] as ((ev: EventOfType<T>[E]) => boolean) | undefined;
  return m ? m.call(p, ev) : true;
}

/** True if every predicate accepts the event (true for none): how a source combines its predicates. */
export function testAll<T extends KubeObject, E extends EventType>(ps: readonly Predicate<T>[], type: E, ev: EventOfType<T>[E]): boolean {
  for (const p of ps) if (!test(p, type, ev)) return false;
  return true;
}

/** A predicate that applies `filter` to the object of every event (the new object of updates). */
export function newPredicateFuncs<T extends KubeObject = KubeObject>(filter: (obj: T) => boolean): Predicate<T> {
  return {
    create: (ev) => filter(ev.object),
    update: (ev) => filter(ev.objectNew),
    delete: (ev) => filter(ev.object),
    generic: (ev) => filter(ev.object),
  };
}

function updateOnly<T extends KubeObject>(update: (ev: UpdateEvent<T>) => boolean): Predicate<T> {
  return { create: () => true, update, delete: () => true, generic: () => true };
}

/**
 * Updates pass only when metadata.generation changed, i.e. the spec changed (for kinds whose API server bumps
 * generation: CRDs with the status subresource, most built-ins). Drops status-only updates and resyncs.
 * Caveat: kinds without generation (ConfigMap, Secret) never pass an update; labels and annotations do not bump
 * it either (combine with `or(generationChanged(), labelChanged())`). Create, delete, generic pass.
 */
export function generationChanged<T extends KubeObject = KubeObject>(): Predicate<T> {
  return updateOnly((ev) => ev.objectOld.metadata.generation !== ev.objectNew.metadata.generation);
}

/** Updates pass only when metadata.resourceVersion changed: drops periodic resyncs. Create, delete, generic pass. */
export function resourceVersionChanged<T extends KubeObject = KubeObject>(): Predicate<T> {
  return updateOnly((ev) => ev.objectOld.metadata.resourceVersion !== ev.objectNew.metadata.resourceVersion);
}

/** Updates pass only when metadata.labels changed (absent and {} are equal). Create, delete, generic pass. */
export function labelChanged<T extends KubeObject = KubeObject>(): Predicate<T> {
  return updateOnly((ev) => !deepEqual(ev.objectOld.metadata.labels ?? {}, ev.objectNew.metadata.labels ?? {}));
}

/** Updates pass only when metadata.annotations changed (absent and {} are equal). Create, delete, generic pass. */
export function annotationChanged<T extends KubeObject = KubeObject>(): Predicate<T> {
  return updateOnly((ev) => !deepEqual(ev.objectOld.metadata.annotations ?? {}, ev.objectNew.metadata.annotations ?? {}));
}

/**
 * Events pass only for objects whose labels match `selector` (a selector string, a parsed Selector or the API's
 * LabelSelector; for updates the new object). Throws on an invalid selector string.
 */
export function labelSelectorPredicate<T extends KubeObject = KubeObject>(selector: string | Selector | LabelSelector): Predicate<T> {
  const sel = typeof selector === "string" ? parseSelector(selector) : selector instanceof Selector ? selector : labelSelectorAsSelector(selector);
  return newPredicateFuncs((obj) => sel.matches(obj.metadata.labels));
}

const eventTypes: readonly EventType[] = ["create", "update", "delete", "generic"];

function combine<T extends KubeObject>(f: (type: EventType, ev: EventOfType<T>[EventType]) => boolean): Predicate<T> {
  const out: Predicate<T> = {};
  for (const t of eventTypes) (out as Record<EventType, (ev: EventOfType<T>[EventType]) => boolean>)[t] = (ev) => f(t, ev);
  return out;
}

/** Passes an event only if every predicate passes it (true for none). */
export function and<T extends KubeObject = KubeObject>(...ps: readonly Predicate<T>[]): Predicate<T> {
  return combine<T>((t, ev) => ps.every((p) => test(p, t, ev)));
}

/** Passes an event if any predicate passes it (false for none, as controller-runtime). */
export function or<T extends KubeObject = KubeObject>(...ps: readonly Predicate<T>[]): Predicate<T> {
  return combine<T>((t, ev) => ps.some((p) => test(p, t, ev)));
}

/** Passes exactly the events `p` rejects (a missing method of `p` accepts, so its negation rejects). */
export function not<T extends KubeObject = KubeObject>(p: Predicate<T>): Predicate<T> {
  return combine<T>((t, ev) => !test(p, t, ev));
}

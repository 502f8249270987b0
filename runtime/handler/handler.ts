/**
 * Event handlers (controller-runtime's pkg/handler): turn events about objects into reconcile requests on a
 * controller's queue. They decide *which* objects to reconcile; predicates decide *whether* an event matters.
 *
 * - {@link enqueueRequestForObject}: the object itself (the `for` kind).
 * - {@link enqueueRequestForOwner}: the owner named by the object's ownerReferences (the `owns` kinds).
 * - {@link enqueueRequestsFromMapFunc}: whatever a function returns (related objects, fan-out).
 */
import { parseApiVersion } from "../core/gvk.js";
import type { KubeObject } from "../core/object.js";
import type { Request } from "../reconcile/reconcile.js";
import { requestKey } from "../reconcile/reconcile.js";
import { defaultLogger, type Logger } from "../reconcile/logger.js";
import type { RateLimitingQueueInterface } from "../workqueue/ratelimiting.js";
import type { CreateEvent, DeleteEvent, GenericEvent, UpdateEvent } from "./event.js";

/** The queue handlers add to: the controller's rate-limited queue of requests. */
export type RequestQueue = RateLimitingQueueInterface<Request>;

/**
 * Maps events to requests. Sources call one method per event (after the predicates accepted it), synchronously,
 * in event order.
 *
 * Contract for every method: add zero or more requests to `queue` (usually with `queue.add`); do not block and
 * do not reconcile here. A method may return a promise (e.g. a map function that reads the cache); its
 * rejection is logged by the source, never thrown into the informer. A handler must not throw for an object it
 * cannot map: it logs and skips.
 */
export interface EventHandler<T extends KubeObject = KubeObject> {
  /** An object was created (or listed). */
  create(ev: CreateEvent<T>, queue: RequestQueue): void | Promise<void>;
  /** An object changed (or was resynced). */
  update(ev: UpdateEvent<T>, queue: RequestQueue): void | Promise<void>;
  /** An object was deleted. */
  delete(ev: DeleteEvent<T>, queue: RequestQueue): void | Promise<void>;
  /** A generic event from a Channel or custom source. */
  generic(ev: GenericEvent<T>, queue: RequestQueue): void | Promise<void>;
}

/** Optional methods of {@link funcs}. */
export interface EventHandlerFuncs<T extends KubeObject = KubeObject> {
  create?(ev: CreateEvent<T>, queue: RequestQueue): void | Promise<void>;
  update?(ev: UpdateEvent<T>, queue: RequestQueue): void | Promise<void>;
  delete?(ev: DeleteEvent<T>, queue: RequestQueue): void | Promise<void>;
  generic?(ev: GenericEvent<T>, queue: RequestQueue): void | Promise<void>;
}

/** An EventHandler from optional functions; a missing one ignores its events (controller-runtime's handler.Funcs). */
export function funcs<T extends KubeObject = KubeObject>(f: EventHandlerFuncs<T>): EventHandler<T> {
  return {
    create: (ev, q) => f.create?.(ev, q),
    update: (ev, q) => f.update?.(ev, q),
    delete: (ev, q) => f.delete?.(ev, q),
    generic: (ev, q) => f.generic?.(ev, q),
  };
}

function objectRequest(obj: KubeObject): Request | undefined {
  const name = obj.metadata.name;
  if (!name) return undefined;
  return { namespace: obj.metadata.namespace ?? "", name };
}

/**
 * Enqueues a request for the object of the event itself: `{ namespace, name }` of the object (for updates the
 * new object). The handler of a controller's `for` kind.
 */
export function enqueueRequestForObject<T extends KubeObject = KubeObject>(opts: { logger?: Logger } = {}): EventHandler<T> {
  const log = opts.logger;
  const add = (obj: T, queue: RequestQueue, what: string): void => {
    const r = objectRequest(obj);
    if (r) queue.add(r);
    else (log ?? defaultLogger()).error(`${what} event received with no name`, new Error("object has no metadata.name"), { kind: obj.kind });
  };
  return {
    create: (ev, q) => add(ev.object, q, "create"),
    update: (ev, q) => add(ev.objectNew, q, "update"),
    delete: (ev, q) => add(ev.object, q, "delete"),
    generic: (ev, q) => add(ev.object, q, "generic"),
  };
}

/** Tells whether a kind is namespaced; runtime/client's Client satisfies it (`client.mapping(type)`). */
export interface ScopeResolver {
  /** The mapping of a kind; only `namespaced` is read. Rejects for a kind the server does not serve. */
  mapping(type: { apiVersion: string; kind: string }): Promise<{ namespaced: boolean }>;
}

/** Options of {@link enqueueRequestForOwner}. */
export interface EnqueueRequestForOwnerOptions {
  /** The owner kind: ownerReferences of this group and kind are followed (any version). */
  ownerType: { apiVersion: string; kind: string };
  /** Follow only the reference with `controller: true` (default false; the builder's `owns` defaults to true). */
  onlyController?: boolean;
  /**
   * Whether the owner kind is namespaced (its request then takes the dependent's namespace; ownerReferences
   * never cross namespaces). When omitted, `scope` is asked once (until it answers, requests are added when it
   * does); without either, the owner is assumed namespaced exactly when the dependent is.
   */
  ownerNamespaced?: boolean;
  /** Resolves the owner's scope when `ownerNamespaced` is not given (the builder passes the manager's client). */
  scope?: ScopeResolver;
  logger?: Logger;
}

/**
 * Enqueues a request for the owner(s) of the object of the event: every ownerReference of `ownerType`'s group
 * and kind (only the controller reference with `onlyController`). Updates enqueue the owners of both the old and
 * the new object (an ownerReference removed by the update still reaches its former owner). The handler of a
 * controller's `owns` kinds.
 */
export function enqueueRequestForOwner<T extends KubeObject = KubeObject>(opts: EnqueueRequestForOwnerOptions): EventHandler<T> {
  const { group, version } = parseApiVersion(opts.ownerType.apiVersion);
  if (!version || !opts.ownerType.kind) throw new TypeError(`enqueueRequestForOwner: ownerType needs apiVersion and kind, got ${JSON.stringify(opts.ownerType)}`);
  const kind = opts.ownerType.kind;
  const onlyController = opts.onlyController ?? false;
  let namespaced: boolean | undefined = opts.ownerNamespaced;
  let resolving: Promise<boolean | undefined> | undefined;
  const log = (): Logger => opts.logger ?? defaultLogger();

  const resolveScope = (): Promise<boolean | undefined> => {
    resolving ??= (opts.scope as ScopeResolver).mapping(opts.ownerType).then(
      (m) => {
        namespaced = m.namespaced;
        return namespaced;
      },
      (err: unknown) => {
        resolving = undefined; // ask again on the next event
        log().error("unable to resolve the owner kind's scope", err, { ownerKind: kind, ownerApiVersion: opts.ownerType.apiVersion });
        return undefined;
      },
    );
    return resolving;
  };

  const ownersOf = (obj: T, out: Map<string, { name: string; dependentNamespace: string }>): void => {
    for (const ref of obj.metadata.ownerReferences ?? []) {
      if (ref.kind !== kind || parseApiVersion(ref.apiVersion).group !== group) continue;
      if (onlyController && ref.controller !== true) continue;
      const dependentNamespace = obj.metadata.namespace ?? "";
      out.set(`${dependentNamespace}/${ref.name}`, { name: ref.name, dependentNamespace });
    }
  };

  const enqueue = (objs: readonly T[], queue: RequestQueue): void | Promise<void> => {
    const owners = new Map<string, { name: string; dependentNamespace: string }>();
    for (const o of objs) ownersOf(o, owners);
    if (owners.size === 0) return;
    const emit = (ownerIsNamespaced: boolean | undefined): void => {
      const seen = new Set<string>();
      for (const { name, dependentNamespace } of owners.values()) {
        const req: Request = { namespace: (ownerIsNamespaced ?? dependentNamespace !== "") ? dependentNamespace : "", name };
        const k = requestKey(req);
        if (seen.has(k)) continue;
        seen.add(k);
        queue.add(req);
      }
    };
    if (namespaced !== undefined || !opts.scope) {
      emit(namespaced);
      return;
    }
    return resolveScope().then((ns) => {
      if (ns !== undefined) emit(ns);
    });
  };

  return {
    create: (ev, q) => enqueue([ev.object], q),
    update: (ev, q) => enqueue([ev.objectOld, ev.objectNew], q),
    delete: (ev, q) => enqueue([ev.object], q),
    generic: (ev, q) => enqueue([ev.object], q),
  };
}

/**
 * Maps an object to the requests to reconcile. May read the cache (and so be async); must not write. Errors are
 * logged by the source and the event is dropped, so a map function should rather return [] for what it cannot map.
 */
export type MapFunc<T extends KubeObject = KubeObject> = (obj: T) => readonly Request[] | Promise<readonly Request[]>;

/**
 * Enqueues whatever `fn` returns for the object of the event (for updates, for both the old and the new object,
 * deduplicated). For watches of related kinds that are not owned (a ConfigMap referenced by name, a Node
 * for its Pods, ...).
 */
export function enqueueRequestsFromMapFunc<T extends KubeObject = KubeObject>(fn: MapFunc<T>): EventHandler<T> {
  const run = (objs: readonly T[], queue: RequestQueue): void | Promise<void> => {
    const results = objs.map((o) => fn(o));
    const addAll = (lists: readonly (readonly Request[])[]): void => {
      const seen = new Set<string>();
      for (const list of lists) {
        for (const r of list) {
          const k = requestKey(r);
          if (seen.has(k)) continue;
          seen.add(k);
          queue.add({ namespace: r.namespace, name: r.name });
        }
      }
    };
    if (results.some((r) => r instanceof Promise)) return Promise.all(results).then(addAll);
    addAll(results as (readonly Request[])[]);
  };
  return {
    create: (ev, q) => run([ev.object], q),
    update: (ev, q) => run([ev.objectOld, ev.objectNew], q),
    delete: (ev, q) => run([ev.object], q),
    generic: (ev, q) => run([ev.object], q),
  };
}

/**
 * The controller builder (controller-runtime's pkg/builder): wires sources, handlers and predicates for the
 * common shapes of a controller and registers it with a manager.
 *
 *   controllerManagedBy(mgr)
 *     .for({ apiVersion: "v1", kind: "ConfigMap" }, { predicates: [generationChanged()] })
 *     .owns({ apiVersion: "v1", kind: "Secret" })
 *     .watches({ apiVersion: "v1", kind: "Node" }, enqueueRequestsFromMapFunc(nodeToConfigMaps))
 *     .withOptions({ maxConcurrentReconciles: 4 })
 *     .complete(reconciler);
 *
 * - `for(type)`: reconcile objects of `type` (enqueueRequestForObject). At most once.
 * - `owns(type)`: reconcile the `for` object that owns an object of `type` (enqueueRequestForOwner; only the
 *   controller reference unless `onlyController: false`). Needs `for`.
 * - `watches(type, handler)` or `watches(source)`: any other kind with any handler, or a ready-made source
 *   (e.g. a channel source), to which the event filters are not applied.
 * - `withEventFilter(p)`: a predicate applied to the `for`, `owns` and `watches(type, ...)` events.
 * - `named(name)`: the controller's name (default the `for` kind in lower case); unique per manager.
 * Errors (for twice, owns without for, no name, duplicate name, no reconciler) are thrown by `complete`.
 */
import type { KubeObject } from "../core/object.js";
import { apiVersionOf } from "../core/gvk.js";
import { Controller, type ControllerTuning } from "../controller/controller.js";
import type { Runnable } from "../controller/runnable.js";
import type { EventHandler, ScopeResolver } from "../handler/handler.js";
import { enqueueRequestForObject, enqueueRequestForOwner } from "../handler/handler.js";
import type { Predicate } from "../predicate/predicate.js";
import type { Reconciler } from "../reconcile/reconcile.js";
import { defaultLogger, type Logger } from "../reconcile/logger.js";
import { isSource, KindSource, toGVK, type InformerCache, type KindType, type Source } from "../source/source.js";

/**
 * What the builder needs of a manager; runtime/manager's Manager satisfies it (as does a hand-made object in
 * tests: `{ client, cache, add: (r) => runnables.push(r) }`).
 */
export interface ManagerLike {
  /** Used to resolve the owner kind's scope for `owns` (runtime/client's Client). */
  readonly client: ScopeResolver;
  /** Where the kind sources get their shared informers (runtime/cache's Cache). */
  readonly cache: InformerCache;
  /** Registers the controller to be started (on the leader) with the manager. */
  add(r: Runnable): void;
  /** The manager's logger; default JSON lines to stderr. */
  readonly logger?: Logger;
}

/** Options of `for`. */
export interface ForOptions<T extends KubeObject = KubeObject> {
  /** Filters of the `for` kind's events (after withEventFilter's). */
  predicates?: readonly Predicate<T>[];
}

/** Options of `owns`. */
export interface OwnsOptions<T extends KubeObject = KubeObject> {
  predicates?: readonly Predicate<T>[];
  /** Follow only the controller ownerReference (`controller: true`); default true. */
  onlyController?: boolean;
}

/** Options of `watches`. */
export interface WatchesOptions<T extends KubeObject = KubeObject> {
  predicates?: readonly Predicate<T>[];
}

/** Options of `withOptions`: the controller's tuning, plus name validation. */
export interface BuilderControllerOptions extends ControllerTuning {
  /** Allow a name already used by another controller of this manager; default false. */
  skipNameValidation?: boolean;
}

interface WatchInput {
  type: KindType;
  handler: EventHandler;
  predicates: readonly Predicate[];
}

const usedNames = new WeakMap<object, Set<string>>();

/** Builds a controller for `mgr`; see the module comment. */
export class ControllerBuilder {
  private readonly mgr: ManagerLike;
  private forInput: { type: KindType; predicates: readonly Predicate[] } | undefined;
  private readonly ownsInputs: { type: KindType; predicates: readonly Predicate[]; onlyController: boolean }[] = [];
  private readonly watchInputs: WatchInput[] = [];
  private readonly rawSources: Source[] = [];
  private readonly globalPredicates: Predicate[] = [];
  private options: BuilderControllerOptions = {};
  private name: string | undefined;
  private readonly errors: string[] = [];

  constructor(mgr: ManagerLike) {
    this.mgr = mgr;
  }

  /** Reconcile objects of `type`: each event enqueues the object's own request. Call at most once. */
  for<T extends KubeObject = KubeObject>(type: KindType, opts: ForOptions<T> = {}): this {
    if (this.forInput) this.errors.push("for() should only be called once, could not assign multiple objects for reconciliation");
    else this.forInput = { type, predicates: (opts.predicates ?? []) as readonly Predicate[] };
    return this;
  }

  /** Reconcile the `for` object owning an object of `type` (through its ownerReferences). */
  owns<T extends KubeObject = KubeObject>(type: KindType, opts: OwnsOptions<T> = {}): this {
    this.ownsInputs.push({ type, predicates: (opts.predicates ?? []) as readonly Predicate[], onlyController: opts.onlyController ?? true });
    return this;
  }

  /**
   * Watch another kind with `handler` (e.g. enqueueRequestsFromMapFunc), or add a ready-made source (then no
   * handler or options: the source has its own, and withEventFilter does not apply to it).
   */
  watches<T extends KubeObject = KubeObject>(target: KindType | Source, handler?: EventHandler<T>, opts: WatchesOptions<T> = {}): this {
    if (isSource(target)) {
      if (handler) this.errors.push(`watches(${String(target)}): a source carries its own handler; pass none`);
      else this.rawSources.push(target);
      return this;
    }
    if (!handler) {
      this.errors.push(`watches(${JSON.stringify(target)}): a kind needs an event handler`);
      return this;
    }
    this.watchInputs.push({ type: target, handler: handler as unknown as EventHandler, predicates: (opts.predicates ?? []) as readonly Predicate[] });
    return this;
  }

  /** A predicate applied to the events of `for`, `owns` and `watches(type, handler)`. May be called repeatedly (all apply). */
  withEventFilter(p: Predicate): this {
    this.globalPredicates.push(p);
    return this;
  }

  /** Controller options (merged over earlier calls). */
  withOptions(opts: BuilderControllerOptions): this {
    this.options = { ...this.options, ...opts };
    return this;
  }

  /** The controller's name (logs, metrics, queue); default the `for` kind in lower case. */
  named(name: string): this {
    this.name = name;
    return this;
  }

  /** Builds the controller, registers it with the manager (`mgr.add`) and returns it. Throws on a wiring error. */
  complete(reconciler: Reconciler): Controller {
    return this.build(reconciler);
  }

  /** Same as {@link complete} (controller-runtime's Build). */
  build(reconciler: Reconciler): Controller {
    const errors = [...this.errors];
    if (!reconciler || typeof reconciler.reconcile !== "function") errors.push("must provide a non-nil Reconciler");
    if (this.ownsInputs.length > 0 && !this.forInput) errors.push("owns() can only be used together with for()");
    const name = this.name ?? (this.forInput ? toGVK(this.forInput.type).kind.toLowerCase() : undefined);
    if (!name) errors.push("one of for() or named() must be called");
    if (errors.length > 0) throw new Error(`controller builder${name ? ` (${name})` : ""}: ${errors.join("; ")}`);
    const ctrlName = name as string;
    const { skipNameValidation, ...tuning } = this.options;
    const names = usedNames.get(this.mgr) ?? new Set<string>();
    if (!skipNameValidation && names.has(ctrlName)) {
      throw new Error(`controller with name ${ctrlName} already exists. Controller names must be unique to avoid multiple controllers reporting to the same metric (use named() or withOptions({ skipNameValidation: true }))`);
    }

    let logger = this.mgr.logger ?? defaultLogger();
    if (this.forInput) {
      const gvk = toGVK(this.forInput.type);
      logger = logger.withValues({ controllerGroup: gvk.group, controllerKind: gvk.kind });
    }
    const ctrl = new Controller({ ...tuning, name: ctrlName, reconciler, logger });
    const cache = this.mgr.cache;
    const global = this.globalPredicates;
    const src = (type: KindType, handler: EventHandler, predicates: readonly Predicate[]): Source =>
      new KindSource({ cache, type, handler, predicates: [...global, ...predicates], logger: logger.withValues({ controller: ctrlName }) });

    if (this.forInput) {
      void ctrl.watch(src(this.forInput.type, enqueueRequestForObject({ logger }), this.forInput.predicates));
      const ownerGVK = toGVK(this.forInput.type);
      for (const o of this.ownsInputs) {
        const handler = enqueueRequestForOwner({
          ownerType: { apiVersion: apiVersionOf(ownerGVK), kind: ownerGVK.kind },
          onlyController: o.onlyController,
          scope: this.mgr.client,
          logger,
        });
        void ctrl.watch(src(o.type, handler, o.predicates));
      }
    }
    for (const w of this.watchInputs) void ctrl.watch(src(w.type, w.handler, w.predicates));
    for (const s of this.rawSources) void ctrl.watch(s);

    names.add(ctrlName);
    usedNames.set(this.mgr, names);
    this.mgr.add(ctrl);
    return ctrl;
  }
}

/** Starts building a controller managed by `mgr` (controller-runtime's builder.ControllerManagedBy). */
export function controllerManagedBy(mgr: ManagerLike): ControllerBuilder {
  return new ControllerBuilder(mgr);
}

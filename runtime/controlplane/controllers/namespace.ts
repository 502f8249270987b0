/**
 * The namespace lifecycle controller: once a namespace is Terminating, it deletes everything in it, waits until
 * nothing is left (objects held by finalizers keep it waiting), then removes the `kubernetes` finalizer from
 * spec.finalizers and deletes the namespace. Level-triggered: each pass looks at the current state.
 */
import { isNotFound } from "../../core/errors.js";
import type { KubeObject } from "../../core/object.js";
import { rfc3339 } from "../../core/object.js";
import type { Store } from "../../apiserver/registry/store.js";
import type { Watch } from "../../storage/interface.js";
import { controllerContext } from "./context.js";
import { KeyedQueue } from "./queue.js";

export const namespaceFinalizer = "kubernetes";

interface NamespaceSpec {
  finalizers?: string[];
}

interface NamespaceCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** Condition types of a terminating namespace with their "ok" reason and message (pkg/controller/namespace/deletion). */
const namespaceConditionTypes: [string, string, string][] = [
  ["NamespaceDeletionDiscoveryFailure", "ResourcesDiscovered", "All resources successfully discovered"],
  ["NamespaceDeletionGroupVersionParsingFailure", "ParsedGroupVersions", "All legacy kube types successfully parsed"],
  ["NamespaceDeletionContentFailure", "ContentDeleted", "All content successfully deleted, may be waiting on finalization"],
  ["NamespaceContentRemaining", "ContentRemoved", "All content successfully removed"],
  ["NamespaceFinalizersRemaining", "ContentHasNoFinalizers", "All content-preserving finalizers finished"],
];

export class NamespaceController {
  private readonly queue: KeyedQueue;
  private watch: Watch | undefined;

  /** `contents` lists every namespaced store whose objects live in namespaces (one per storage). */
  constructor(
    private readonly namespaces: Store,
    private readonly contents: () => Store[],
    private readonly opts: { recheckMs?: number } = {},
  ) {
    this.queue = new KeyedQueue((name) => this.sync(name), { maxDelayMs: 2000 });
  }

  async start(): Promise<void> {
    this.watch = await this.namespaces.watch(controllerContext("namespace-controller"), {}, {
      event: (ev) => {
        if (ev.type !== "BOOKMARK" && ev.object.metadata.deletionTimestamp) this.queue.add(ev.object.metadata.name ?? "");
      },
      close: () => undefined,
    });
  }

  stop(): void {
    this.watch?.stop();
    this.queue.stop();
  }

  private async sync(name: string): Promise<void> {
    const ctx = controllerContext("namespace-controller");
    let ns: KubeObject;
    try {
      ns = await this.namespaces.get(ctx, name);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (!ns.metadata.deletionTimestamp) return;
    const spec = (ns.spec ?? {}) as NamespaceSpec;
    if (!(spec.finalizers ?? []).includes(namespaceFinalizer)) {
      await this.deleteNamespace(name);
      return;
    }
    // what is left after deleting everything: objects held by finalizers (kube-controller-manager's estimate)
    const remainingByResource = new Map<string, number>();
    const remainingByFinalizer = new Map<string, number>();
    for (const store of this.contents()) {
      const sctx = controllerContext("namespace-controller", name);
      await store.deleteCollection(sctx, {}, { propagationPolicy: "Background" });
      const left = await store.list(sctx, {});
      if (left.items.length > 0) remainingByResource.set(`${store.gr.resource}.${store.gr.group}`, left.items.length);
      for (const item of left.items) for (const f of item.metadata.finalizers ?? []) remainingByFinalizer.set(f, (remainingByFinalizer.get(f) ?? 0) + 1);
    }
    await this.updateConditions(name, remainingByResource, remainingByFinalizer);
    if (remainingByResource.size > 0) {
      this.queue.addAfter(name, this.opts.recheckMs ?? 250);
      return;
    }
    // nothing left: finalize (drop our finalizer from spec.finalizers), then delete
    await this.namespaces.update(
      ctx,
      name,
      (cur) => {
        if (!cur) throw new Error("namespace vanished");
        const s = (cur.spec ?? {}) as NamespaceSpec;
        s.finalizers = (s.finalizers ?? []).filter((f) => f !== namespaceFinalizer);
        cur.spec = s;
        return cur;
      },
      { subresource: "finalize", merge: finalizeMerge, validate: (obj) => this.namespaces.def.strategy?.validate?.(obj) ?? [] },
    );
    await this.deleteNamespace(name);
  }

  /**
   * The deletion conditions kube-controller-manager's namespace deleter maintains (all five, the "ok" variant with
   * status False when nothing is wrong), with its reasons and messages.
   */
  private async updateConditions(name: string, byResource: Map<string, number>, byFinalizer: Map<string, number>): Promise<void> {
    const failing = new Map<string, Omit<NamespaceCondition, "type" | "status">>();
    if (byResource.size > 0) {
      const parts = [...byResource].map(([r, n]) => `${r} has ${n} resource instances`).sort();
      failing.set("NamespaceContentRemaining", { reason: "SomeResourcesRemain", message: `Some resources are remaining: ${parts.join(", ")}` });
    }
    if (byFinalizer.size > 0) {
      const parts = [...byFinalizer].map(([f, n]) => `${f} in ${n} resource instances`).sort();
      failing.set("NamespaceFinalizersRemaining", { reason: "SomeFinalizersRemain", message: `Some content in the namespace has finalizers remaining: ${parts.join(", ")}` });
    }
    const wanted: NamespaceCondition[] = namespaceConditionTypes.map(([type, okReason, okMessage]) => {
      const f = failing.get(type);
      return f ? { type, status: "True", ...f } : { type, status: "False", reason: okReason, message: okMessage };
    });
    await this.namespaces.update(
      controllerContext("namespace-controller"),
      name,
      (cur) => {
        if (!cur) throw new Error("namespace vanished");
        const status = (cur.status ?? {}) as { conditions?: NamespaceCondition[] };
        const conds = [...(status.conditions ?? [])];
        const now = rfc3339(new Date());
        for (const w of wanted) {
          const i = conds.findIndex((c) => c.type === w.type);
          const old = i >= 0 ? conds[i] : undefined;
          if (!old) conds.push({ ...w, lastTransitionTime: now });
          else if (old.status !== w.status || old.reason !== w.reason || old.message !== w.message) {
            conds[i] = { ...w, lastTransitionTime: old.status !== w.status ? now : old.lastTransitionTime ?? now };
          }
        }
        status.conditions = conds;
        cur.status = status;
        return cur;
      },
      { subresource: "status" },
    );
  }

  private async deleteNamespace(name: string): Promise<void> {
    try {
      await this.namespaces.delete(controllerContext("namespace-controller"), name, {});
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Resolves when no namespace is being processed right now. */
  idle(): Promise<void> {
    return this.queue.idle();
  }
}

/** namespaces/finalize: only spec.finalizers changes. */
export function finalizeMerge(incoming: KubeObject, old: KubeObject): KubeObject {
  const spec = { ...((old.spec ?? {}) as NamespaceSpec) };
  const finalizers = ((incoming.spec ?? {}) as NamespaceSpec).finalizers;
  if (finalizers && finalizers.length > 0) spec.finalizers = finalizers;
  else delete spec.finalizers;
  return { ...old, spec };
}

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
    let remaining = 0;
    const kinds: string[] = [];
    for (const store of this.contents()) {
      const sctx = controllerContext("namespace-controller", name);
      await store.deleteCollection(sctx, {}, { propagationPolicy: "Background" });
      const left = await store.list(sctx, {});
      if (left.items.length > 0) {
        remaining += left.items.length;
        kinds.push(`${store.gr.resource}${store.gr.group ? `.${store.gr.group}` : ""} has ${left.items.length} resource instances`);
      }
    }
    if (remaining > 0) {
      await this.setCondition(name, {
        type: "NamespaceContentRemaining",
        status: "True",
        reason: "SomeResourcesRemain",
        message: `Some resources are remaining: ${kinds.join(", ")}`,
      });
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
      { subresource: "finalize", merge: finalizeMerge },
    );
    await this.deleteNamespace(name);
  }

  private async setCondition(name: string, cond: NamespaceCondition): Promise<void> {
    const ctx = controllerContext("namespace-controller");
    await this.namespaces.update(
      ctx,
      name,
      (cur) => {
        if (!cur) throw new Error("namespace vanished");
        const status = (cur.status ?? {}) as { conditions?: NamespaceCondition[] };
        const conds = status.conditions ?? [];
        const existing = conds.find((c) => c.type === cond.type);
        if (existing && existing.status === cond.status && existing.message === cond.message) return cur;
        const next = { ...cond, lastTransitionTime: existing?.status === cond.status ? existing.lastTransitionTime : rfc3339(new Date()) };
        status.conditions = [...conds.filter((c) => c.type !== cond.type), next];
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

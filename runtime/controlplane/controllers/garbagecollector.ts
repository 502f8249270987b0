/**
 * The garbage collector: deletes objects whose owners are all gone (background deletion), deletes dependents
 * of owners deleted in the foreground before letting the owner go, and orphans dependents of owners deleted
 * with the orphan policy. Like kube-controller-manager's, it keeps a graph of ownerReferences built from
 * watches on every resource and acts level-triggered on the nodes that change.
 */
import { isConflict, isNotFound } from "../../core/errors.js";
import { parseApiVersion } from "../../core/gvk.js";
import type { KubeObject, OwnerReference } from "../../core/object.js";
import { finalizerForeground, finalizerOrphan, type PropagationPolicy, type Store } from "../../apiserver/registry/store.js";
import type { Watch } from "../../storage/interface.js";
import { controllerContext } from "./context.js";
import { KeyedQueue } from "./queue.js";

interface Node {
  uid: string;
  /** The storage the object lives in (several served versions may share one). */
  storage: string;
  namespace: string;
  name: string;
  owners: OwnerReference[];
  deleting: boolean;
  finalizers: string[];
}

/** The storage identity of a store: resources sharing it share objects. */
export function storageKey(store: Store): string {
  return store.def.storageName ?? `${store.def.group}/${store.def.names.plural}`;
}

export class GarbageCollector {
  private readonly nodes = new Map<string, Node>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly queue: KeyedQueue;
  /** One watch per storage; custom resources come and go with their CRDs. */
  private readonly watches = new Map<string, Watch>();
  private byStorage = new Map<string, Store>();
  private byKind = new Map<string, Store>();
  private running = false;
  private resyncQueued = false;

  /** `stores` lists the served resources, one per storage; it is read again on every `resync()`. */
  constructor(private readonly stores: () => Store[]) {
    this.queue = new KeyedQueue((uid) => this.process(uid), { maxDelayMs: 5000 });
  }

  async start(): Promise<void> {
    this.running = true;
    await this.syncWatches();
  }

  /** Call when resources are installed or removed: watches follow the served set (coalesced to one pass). */
  resync(): void {
    if (!this.running || this.resyncQueued) return;
    this.resyncQueued = true;
    queueMicrotask(() => {
      this.resyncQueued = false;
      void this.syncWatches().catch((err: unknown) => process.emitWarning(`garbage collector: ${String(err)}`));
    });
  }

  private async syncWatches(): Promise<void> {
    const stores = this.stores();
    this.byStorage = new Map(stores.map((s) => [storageKey(s), s]));
    this.byKind = new Map(stores.map((s) => [`${s.def.group}/${s.def.names.kind}`, s]));
    for (const [key, w] of this.watches) {
      if (this.byStorage.has(key)) continue;
      w.stop();
      this.watches.delete(key);
      for (const node of [...this.nodes.values()]) if (node.storage === key) this.forget(node.uid);
    }
    for (const [key, store] of this.byStorage) {
      if (this.watches.has(key)) continue;
      // placeholder first, so a concurrent pass does not watch twice
      const pending: Watch = { stop: () => undefined };
      this.watches.set(key, pending);
      let self: Watch = pending;
      const w = await store.watch(controllerContext("generic-garbage-collector"), {}, {
        event: (ev) => {
          if (ev.type === "BOOKMARK") return;
          if (ev.type === "DELETED") this.remove(ev.object);
          else this.upsert(key, ev.object);
        },
        // ended by the server (e.g. a CRD's definition changed): watch again from the current state
        close: () => {
          if (this.watches.get(key) === self || this.watches.get(key) === pending) this.watches.delete(key);
          this.resync();
        },
      });
      self = w;
      if (this.watches.get(key) === pending && this.running) this.watches.set(key, w);
      else w.stop();
    }
  }

  stop(): void {
    this.running = false;
    for (const w of this.watches.values()) w.stop();
    this.watches.clear();
    this.queue.stop();
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  private upsert(storage: string, obj: KubeObject): void {
    const m = obj.metadata;
    const uid = m.uid ?? "";
    const prev = this.nodes.get(uid);
    if (prev) for (const o of prev.owners) this.dependents.get(o.uid)?.delete(uid);
    const node: Node = {
      uid,
      storage,
      namespace: m.namespace ?? "",
      name: m.name ?? "",
      owners: m.ownerReferences ?? [],
      deleting: !!m.deletionTimestamp,
      finalizers: m.finalizers ?? [],
    };
    this.nodes.set(uid, node);
    for (const o of node.owners) {
      let set = this.dependents.get(o.uid);
      if (!set) this.dependents.set(o.uid, (set = new Set()));
      set.add(uid);
    }
    if (node.owners.length > 0) this.queue.add(uid);
    if (node.deleting && (node.finalizers.includes(finalizerForeground) || node.finalizers.includes(finalizerOrphan))) this.queue.add(uid);
    // owners waiting in the foreground re-check when a dependent changes
    for (const o of node.owners) if (this.nodes.get(o.uid)?.deleting) this.queue.add(o.uid);
  }

  private remove(obj: KubeObject): void {
    this.forget(obj.metadata.uid ?? "");
  }

  /** Drops a node from the graph; its owners and dependents are re-checked. */
  private forget(uid: string): void {
    const node = this.nodes.get(uid);
    this.nodes.delete(uid);
    if (node) for (const o of node.owners) {
      this.dependents.get(o.uid)?.delete(uid);
      if (this.nodes.has(o.uid)) this.queue.add(o.uid);
    }
    for (const dep of this.dependents.get(uid) ?? []) this.queue.add(dep);
  }

  private async process(uid: string): Promise<void> {
    const node = this.nodes.get(uid);
    if (!node || !this.byStorage.has(node.storage)) return;
    if (node.deleting && node.finalizers.includes(finalizerOrphan)) await this.orphanDependents(node);
    else if (node.deleting && node.finalizers.includes(finalizerForeground)) await this.deleteDependentsInForeground(node);
    if (node.owners.length > 0) await this.attemptToDelete(node);
  }

  /** Whether the owner still exists (same uid); unknown kinds count as existing, so nothing is deleted by mistake. */
  private async ownerState(node: Node, ref: OwnerReference): Promise<"absent" | "present" | "waiting"> {
    const known = this.nodes.get(ref.uid);
    if (known) return known.deleting && known.finalizers.includes(finalizerForeground) ? "waiting" : "present";
    const store = this.byKind.get(`${parseApiVersion(ref.apiVersion).group}/${ref.kind}`);
    if (!store) return "present";
    try {
      const owner = await store.get(controllerContext("generic-garbage-collector", store.def.namespaced ? node.namespace : ""), ref.name);
      return owner.metadata.uid === ref.uid ? "present" : "absent";
    } catch (err) {
      if (isNotFound(err)) return "absent";
      throw err;
    }
  }

  private async attemptToDelete(node: Node): Promise<void> {
    if (node.deleting) return;
    const states = await Promise.all(node.owners.map((o) => this.ownerState(node, o)));
    const absent = node.owners.filter((_, i) => states[i] === "absent");
    const waiting = node.owners.filter((_, i) => states[i] === "waiting");
    const solid = node.owners.length - absent.length - waiting.length;
    if (absent.length === 0 && waiting.length === 0) return;
    if (solid > 0) {
      if (absent.length > 0) await this.removeOwnerRefs(node, new Set(absent.map((o) => o.uid)));
      return;
    }
    // all owners are gone or being deleted in the foreground
    const policy: PropagationPolicy = waiting.length > 0 ? "Foreground" : "Background";
    await this.deleteObject(node, policy);
  }

  private async deleteDependentsInForeground(owner: Node): Promise<void> {
    const deps = [...(this.dependents.get(owner.uid) ?? [])].map((d) => this.nodes.get(d)).filter((d): d is Node => !!d);
    const blocking = deps.filter((d) => d.owners.some((o) => o.uid === owner.uid && o.blockOwnerDeletion));
    for (const d of deps) if (!d.deleting) await this.attemptToDelete(d);
    if (blocking.length === 0) await this.removeFinalizer(owner, finalizerForeground);
  }

  private async orphanDependents(owner: Node): Promise<void> {
    for (const d of this.dependents.get(owner.uid) ?? []) {
      const dep = this.nodes.get(d);
      if (dep) await this.removeOwnerRefs(dep, new Set([owner.uid]));
    }
    await this.removeFinalizer(owner, finalizerOrphan);
  }

  private storeOf(node: Node): Store {
    const store = this.byStorage.get(node.storage);
    if (!store) throw new Error(`garbage collector: ${node.storage} is no longer served`);
    return store;
  }

  private async deleteObject(node: Node, policy: PropagationPolicy): Promise<void> {
    try {
      await this.storeOf(node).delete(controllerContext("generic-garbage-collector", node.namespace), node.name, { propagationPolicy: policy, preconditions: { uid: node.uid } });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  private async removeOwnerRefs(node: Node, uids: Set<string>): Promise<void> {
    await this.mutate(node, (obj) => {
      const refs = (obj.metadata.ownerReferences ?? []).filter((r) => !uids.has(r.uid));
      if (refs.length > 0) obj.metadata.ownerReferences = refs;
      else delete obj.metadata.ownerReferences;
    });
  }

  private async removeFinalizer(node: Node, finalizer: string): Promise<void> {
    await this.mutate(node, (obj) => {
      const fs = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
      if (fs.length > 0) obj.metadata.finalizers = fs;
      else delete obj.metadata.finalizers;
    });
  }

  private async mutate(node: Node, fn: (obj: KubeObject) => void): Promise<void> {
    try {
      await this.storeOf(node).update(controllerContext("generic-garbage-collector", node.namespace), node.name, (cur) => {
        if (!cur || cur.metadata.uid !== node.uid) throw Object.assign(new Error("gone"), { gone: true });
        fn(cur);
        delete cur.metadata.resourceVersion;
        return cur;
      });
    } catch (err) {
      if (isNotFound(err) || (err instanceof Error && (err as { gone?: boolean }).gone)) return;
      throw err;
    }
  }
}

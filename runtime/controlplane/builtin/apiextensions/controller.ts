/**
 * The CRD controller (apiextensions-apiserver's naming, establishing, finalizing controllers and crdHandler in one):
 * for each CRD it checks names against the other CRDs of its group, sets NamesAccepted / Established and
 * acceptedNames, serves the custom resources' served versions, and on deletion removes every object, stops
 * serving and drops the cleanup finalizer.
 */
import { isNotFound } from "../../../core/errors.js";
import type { KubeObject } from "../../../core/object.js";
import { deepEqual, rfc3339 } from "../../../core/object.js";
import type { Store } from "../../../apiserver/registry/store.js";
import type { APIServer } from "../../../apiserver/server.js";
import type { Watch } from "../../../storage/interface.js";
import { asCRD, cleanupFinalizer, conditionTrue, setCondition, type CRDCondition, type CRDNames, type CustomResourceDefinition } from "../../../apiextensions/crd.js";
import { customResourceDefinitions } from "../../../apiextensions/customresource.js";
import { controllerContext } from "../../controllers/context.js";
import { KeyedQueue } from "../../controllers/queue.js";

interface Installed {
  /** What the served definitions are built from (spec and accepted names); status-only updates keep them. */
  fingerprint: string;
  terminating: boolean;
  group: string;
  plural: string;
  versions: string[];
}

export class CRDController {
  private readonly queue: KeyedQueue;
  private watch: Watch | undefined;
  private readonly installed = new Map<string, Installed>();

  constructor(
    private readonly server: APIServer,
    private readonly crds: Store,
  ) {
    this.queue = new KeyedQueue((name) => this.sync(name), { maxDelayMs: 1000 });
  }

  async start(): Promise<void> {
    this.watch = await this.crds.watch(controllerContext("crd-controller"), {}, {
      event: (ev) => {
        if (ev.type !== "BOOKMARK") this.queue.add(ev.object.metadata.name ?? "");
      },
      close: () => undefined,
    });
  }

  stop(): void {
    this.watch?.stop();
    this.queue.stop();
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  private uninstall(name: string): void {
    const inst = this.installed.get(name);
    if (!inst) return;
    for (const v of inst.versions) {
      // watchers of the old definition reconnect to the new one (or learn that it is gone)
      this.server.store(inst.group, v, inst.plural)?.closeWatches();
      this.server.uninstallResource(inst.group, v, inst.plural);
    }
    this.installed.delete(name);
  }

  private install(crd: CustomResourceDefinition, terminating = false): void {
    const name = crd.metadata.name ?? "";
    const inst = this.installed.get(name);
    const fingerprint = JSON.stringify([crd.spec, crd.status?.acceptedNames ?? null]);
    if (inst && (terminating ? inst.terminating : inst.fingerprint === fingerprint && !inst.terminating)) return;
    this.uninstall(name);
    // a built-in resource of the same group/version/plural keeps being served (as kube-apiserver's handler chain
    // reaches built-ins first); the CRD's other versions are still served
    const defs = customResourceDefinitions(crd, terminating).filter((d) => !this.server.store(d.group, d.version, d.names.plural));
    for (const def of defs) this.server.installResource(def);
    this.installed.set(name, { fingerprint, terminating, group: crd.spec.group, plural: defs[0]?.names.plural ?? crd.spec.names.plural, versions: defs.map((d) => d.version) });
  }

  private async sync(name: string): Promise<void> {
    const ctx = controllerContext("crd-controller");
    let crd: CustomResourceDefinition;
    try {
      crd = asCRD(await this.crds.get(ctx, name));
    } catch (err) {
      if (isNotFound(err)) {
        this.uninstall(name);
        return;
      }
      throw err;
    }
    if (crd.metadata.deletionTimestamp) {
      await this.finalize(crd);
      return;
    }
    const { accepted, condition } = await this.checkNames(crd);
    const established = conditionTrue(crd, "Established") || condition.status === "True";
    const now = rfc3339(new Date());
    const updated = await this.crds.update(
      ctx,
      name,
      (cur) => {
        if (!cur) throw new Error("crd vanished");
        const c = asCRD(cur);
        const status = (c.status ??= {});
        const before = JSON.stringify(status);
        setCondition(status, condition, now);
        if (condition.status === "True") status.acceptedNames = accepted;
        setCondition(
          status,
          established
            ? { type: "Established", status: "True", reason: "InitialNamesAccepted", message: "the initial names have been accepted" }
            : { type: "Established", status: "False", reason: "NotAccepted", message: "not all names are accepted" },
          now,
        );
        if (JSON.stringify(status) === before) return cur;
        return c;
      },
      { subresource: "status" },
    );
    const latest = asCRD(updated.object);
    if (conditionTrue(latest, "Established")) this.install(latest);
  }

  /** The naming controller: the requested names against the accepted names of the other CRDs of the group. */
  private async checkNames(crd: CustomResourceDefinition): Promise<{ accepted: CRDNames; condition: CRDCondition }> {
    const all = await this.crds.list(controllerContext("crd-controller"), {});
    const resources = new Set<string>();
    const kinds = new Set<string>();
    for (const item of all.items) {
      const other = asCRD(item);
      if (other.metadata.name === crd.metadata.name || other.spec.group !== crd.spec.group) continue;
      const n = other.status?.acceptedNames;
      if (!n) continue;
      for (const r of [n.plural, n.singular ?? "", ...(n.shortNames ?? [])]) if (r) resources.add(r);
      for (const k of [n.kind, n.listKind ?? ""]) if (k) kinds.add(k);
    }
    const req = crd.spec.names;
    const accepted: CRDNames = { ...req };
    const fail = (reason: string, message: string): { accepted: CRDNames; condition: CRDCondition } => ({
      accepted,
      condition: { type: "NamesAccepted", status: "False", reason, message },
    });
    if (resources.has(req.plural)) return fail("PluralConflict", `"${req.plural}" is already in use`);
    if (req.singular && resources.has(req.singular)) return fail("SingularConflict", `"${req.singular}" is already in use`);
    for (const s of req.shortNames ?? []) if (resources.has(s)) return fail("ShortNamesConflict", `"${s}" is already in use`);
    if (kinds.has(req.kind)) return fail("KindConflict", `"${req.kind}" is already in use`);
    if (req.listKind && kinds.has(req.listKind)) return fail("ListKindConflict", `"${req.listKind}" is already in use`);
    return { accepted, condition: { type: "NamesAccepted", status: "True", reason: "NoConflicts", message: "no conflicts found" } };
  }

  /** The finalizing controller: delete every custom resource, then stop serving and drop the finalizer. */
  private async finalize(crd: CustomResourceDefinition): Promise<void> {
    const name = crd.metadata.name ?? "";
    if (!(crd.metadata.finalizers ?? []).includes(cleanupFinalizer)) return;
    const ctx = controllerContext("crd-finalizer");
    // still served (reads, updates, deletes) while its objects go, but creates are refused
    if (this.installed.has(name)) this.install(crd, true);
    const inst = this.installed.get(name);
    const store = inst ? this.server.store(inst.group, inst.versions[0] ?? "", inst.plural) : undefined;
    if (store) {
      await store.deleteCollection(ctx, {}, {});
      const left = await store.list(ctx, {});
      if (left.items.length > 0) {
        await this.setTerminating(name, { type: "Terminating", status: "True", reason: "InstanceDeletionInProgress", message: "CustomResource deletion is in progress" });
        this.queue.addAfter(name, 250);
        return;
      }
    }
    this.uninstall(name);
    await this.setTerminating(name, { type: "Terminating", status: "False", reason: "InstanceDeletionCompleted", message: "removed all instances" });
    try {
      await this.crds.update(ctx, name, (cur) => {
        if (!cur) throw new Error("crd vanished");
        cur.metadata.finalizers = (cur.metadata.finalizers ?? []).filter((f) => f !== cleanupFinalizer);
        return cur;
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async setTerminating(name: string, cond: CRDCondition): Promise<void> {
    try {
      await this.crds.update(
        controllerContext("crd-finalizer"),
        name,
        (cur) => {
          if (!cur) throw new Error("crd vanished");
          const c = asCRD(cur);
          const status = (c.status ??= {});
          const old = status.conditions?.find((x) => x.type === cond.type);
          if (old && deepEqual({ ...old, lastTransitionTime: undefined }, { ...cond, lastTransitionTime: undefined })) return cur;
          setCondition(status, cond, rfc3339(new Date()));
          return c as KubeObject;
        },
        { subresource: "status" },
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

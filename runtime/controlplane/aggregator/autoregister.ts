/**
 * Local APIServices (kube-aggregator's autoregister controller fed by kube-apiserver's apiServicesToRegister and
 * the CRD registration controller): at start, one APIService per built-in group-version upstream's priority
 * table knows (`v1.`, `v1.apps`, ...: no service, Available with reason Local, label
 * `kube-aggregator.kubernetes.io/automanaged: onstart`, created or brought back to the table's spec once); and,
 * continuously, one per served custom resource group-version (priority 1000/100, label `...: "true"`), removed
 * when the CRD stops serving it. An APIService of the same name someone else manages (no such label) is left
 * alone, as are `onstart` ones created after start.
 */
import { isAlreadyExists, isNotFound } from "../../core/errors.js";
import { deepEqual } from "../../core/object.js";
import type { RequestContext, Store } from "../../apiserver/registry/store.js";
import type { APIServer } from "../../apiserver/server.js";
import { KeyedQueue } from "../controllers/queue.js";
import { apiRegistrationGroup, apiServiceName, asAPIService, autoRegisterManagedLabel, type APIService, type APIServiceSpec } from "../builtin/apiregistration/types.js";
import type { ObjectCache } from "./cache.js";
import { builtinPriority, customResourcePriority } from "./priorities.js";

const onStart = "onstart";
const always = "true";

function desiredAPIService(group: string, version: string, priority: { group: number; version: number }, managed: string): APIService {
  return {
    apiVersion: "apiregistration.k8s.io/v1",
    kind: "APIService",
    metadata: { name: apiServiceName(group, version), labels: { [autoRegisterManagedLabel]: managed } },
    spec: { service: null, group, version, groupPriorityMinimum: priority.group, versionPriority: priority.version },
  };
}

const specOf = (s: APIService): APIServiceSpec => s.spec ?? {};

export class AutoRegistration {
  private readonly queue: KeyedQueue;
  /** Continuously synced APIServices (custom resource group-versions). */
  private readonly continuous = new Map<string, APIService>();
  private unsubscribe: (() => void) | undefined;
  private started = false;
  private readonly ctx: RequestContext = { namespace: "", user: { username: "system:kube-aggregator", groups: ["system:masters"] }, dryRun: false, warnings: [] };

  constructor(
    private readonly server: APIServer,
    private readonly apiServices: Store,
    private readonly cache: ObjectCache,
  ) {
    this.queue = new KeyedQueue((name) => this.sync(name), { maxDelayMs: 1000 });
    server.onResourcesChanged(() => {
      if (this.started) this.refreshCustomResources();
    });
  }

  /** The built-in group-versions served here that get a local APIService. */
  builtinGroupVersions(): { group: string; version: string }[] {
    const out: { group: string; version: string }[] = [];
    const reg = this.server.discovery;
    for (const group of ["", ...reg.groups()]) {
      if (group === apiRegistrationGroup) continue;
      for (const version of reg.versions(group)) {
        const custom = reg.groupVersion(group, version)?.resources.some((r) => r.def.unstructured === true);
        if (!custom && builtinPriority(group, version)) out.push({ group, version });
      }
    }
    return out;
  }

  /** Registers the built-in group-versions (once, at start) and begins following custom resources. */
  async start(): Promise<void> {
    const desired = new Map(
      this.builtinGroupVersions().map(({ group, version }) => {
        const p = builtinPriority(group, version) ?? customResourcePriority;
        const svc = desiredAPIService(group, version, p, onStart);
        return [svc.metadata.name ?? "", svc] as const;
      }),
    );
    for (const svc of desired.values()) await this.ensure(svc, onStart);
    // onstart APIServices of group-versions no longer served here go away (once)
    for (const obj of this.cache.list()) {
      const cur = asAPIService(obj);
      const name = cur.metadata.name ?? "";
      if (cur.metadata.labels?.[autoRegisterManagedLabel] === onStart && !desired.has(name)) await this.remove(name);
    }
    this.started = true;
    this.unsubscribe = this.cache.onChange((name) => {
      if (this.continuous.has(name) || this.cache.get(name)?.metadata.labels?.[autoRegisterManagedLabel] === always) this.queue.add(name);
    });
    this.refreshCustomResources();
  }

  stop(): void {
    this.started = false;
    this.unsubscribe?.();
    this.queue.stop();
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  private refreshCustomResources(): void {
    const next = new Map<string, APIService>();
    const reg = this.server.discovery;
    for (const group of reg.groups()) {
      for (const version of reg.versions(group)) {
        const custom = reg.groupVersion(group, version)?.resources.some((r) => r.def.unstructured === true);
        // a group-version upstream serves itself is never registered for a CRD
        if (!custom || builtinPriority(group, version)) continue;
        const svc = desiredAPIService(group, version, customResourcePriority, always);
        next.set(svc.metadata.name ?? "", svc);
      }
    }
    const changed = new Set([...this.continuous.keys(), ...next.keys()]);
    this.continuous.clear();
    for (const [k, v] of next) this.continuous.set(k, v);
    for (const name of changed) this.queue.add(name);
  }

  /** checkAPIService for continuously synced APIServices. */
  private async sync(name: string): Promise<void> {
    const desired = this.continuous.get(name);
    const cur = this.cache.get(name);
    const managed = cur?.metadata.labels?.[autoRegisterManagedLabel];
    if (!cur) {
      if (desired) await this.create(desired);
      return;
    }
    if (managed !== always) return;
    if (!desired) {
      await this.remove(name);
      return;
    }
    if (!deepEqual(specOf(asAPIService(cur)), specOf(desired))) await this.updateSpec(name, specOf(desired));
  }

  private async ensure(desired: APIService, managed: string): Promise<void> {
    const name = desired.metadata.name ?? "";
    const cur = this.cache.get(name) ?? (await this.apiServices.get(this.ctx, name).catch(() => undefined));
    if (!cur) {
      await this.create(desired);
      return;
    }
    if (cur.metadata.labels?.[autoRegisterManagedLabel] !== managed) return;
    if (!deepEqual(specOf(asAPIService(cur)), specOf(desired))) await this.updateSpec(name, specOf(desired));
  }

  private async create(svc: APIService): Promise<void> {
    try {
      await this.apiServices.create(this.ctx, structuredClone(svc));
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }

  private async updateSpec(name: string, spec: APIServiceSpec): Promise<void> {
    try {
      await this.apiServices.update(this.ctx, name, (cur) => ({ ...(cur ?? { apiVersion: "apiregistration.k8s.io/v1", kind: "APIService", metadata: { name } }), spec: structuredClone(spec) }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async remove(name: string): Promise<void> {
    try {
      await this.apiServices.delete(this.ctx, name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

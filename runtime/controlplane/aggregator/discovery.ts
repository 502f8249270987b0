/**
 * Discovery with aggregated API servers in it, as kube-aggregator serves it.
 *
 * `RemoteDiscovery` (the aggregated discovery manager, handler_discovery.go) fetches each APIService's backend
 * `/apis` in the aggregated form (apidiscovery.k8s.io v2, or v2beta1), as system:kube-aggregator in
 * system:masters with a timeout, or, when the backend does not answer that form, its `/apis/<group>/<version>`
 * APIResourceList converted. Results are cached per Service, refetched when the APIService changes (its
 * availability included) and every `refreshIntervalMs`. A backend that fails keeps its group-version listed,
 * with the last resources it served (or none) and freshness `Stale`; other groups are unaffected. The backend's
 * `/openapi/v3` index is read at the same time, for the merged OpenAPI index.
 *
 * The documents: every group-version served here and every APIService with a service. Legacy `/apis` lists
 * apiregistration.k8s.io first, then the groups sorted by SortedByGroupAndVersion; aggregated `/apis` sorts
 * groups by their highest groupPriorityMinimum, then name, and versions by versionPriority, then kube-aware
 * version order. Local group-versions take their priority from their APIService when there is one, else from
 * what the auto-registration gives them (upstream's table; 1000/100 for custom resources).
 */
import type { DiscoveryRegistry } from "../../apiserver/discovery.js";
import { aggregatedDiscovery } from "../../apiserver/discovery.js";
import { parseAccept } from "../../apiserver/http/negotiation.js";
import { isPlainObject } from "../../core/object.js";
import { KeyedQueue } from "../controllers/queue.js";
import { apiRegistrationGroup, apiServiceName, asAPIService, isAvailable, serviceRef, type APIService } from "../builtin/apiregistration/types.js";
import { backendTarget, type BackendConnector, type BackendTarget } from "./backend.js";
import type { ObjectCache } from "./cache.js";
import { frontProxyHeaders } from "./frontproxy.js";
import { apiRegistrationPriority, builtinPriority, customResourcePriority, defaultPriority } from "./priorities.js";
import { byVersionPriority, sortedByGroupAndVersion, type Prioritized } from "./sort.js";

/** apidiscovery.k8s.io APIVersionDiscovery (v2 and v2beta1 have the same shape). */
export interface VersionDiscovery {
  version: string;
  resources?: unknown[];
  freshness?: "Current" | "Stale";
  [field: string]: unknown;
}

export const acceptAggregated = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

const aggregatorIdentity = { username: "system:kube-aggregator", groups: ["system:masters"] };

/** Whether a response's Content-Type is an aggregated discovery document. */
export function isAggregatedDiscovery(contentType: string): boolean {
  const [r] = parseAccept(contentType);
  return r !== undefined && r.type === "application/json" && r.params.g === "apidiscovery.k8s.io" && r.params.as === "APIGroupDiscoveryList" && (r.params.v === "v2" || r.params.v === "v2beta1");
}

interface LegacyResource {
  name?: string;
  singularName?: string;
  namespaced?: boolean;
  group?: string;
  version?: string;
  kind?: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
}

/** ConvertGroupVersionIntoToDiscovery: an APIResourceList's resources, subresources folded into their parents. */
export function convertLegacyResources(resources: readonly LegacyResource[]): unknown[] {
  const out = new Map<string, Record<string, unknown>>();
  for (const r of resources) {
    const name = r.name ?? "";
    if (name.includes("/")) continue;
    const d: Record<string, unknown> = {
      resource: name,
      responseKind: { group: r.group ?? "", version: r.version ?? "", kind: r.kind ?? "" },
      scope: r.namespaced ? "Namespaced" : "Cluster",
      singularResource: r.singularName ?? "",
      verbs: r.verbs ?? [],
    };
    if (r.shortNames?.length) d.shortNames = r.shortNames;
    if (r.categories?.length) d.categories = r.categories;
    out.set(name, d);
  }
  for (const r of resources) {
    const name = r.name ?? "";
    const slash = name.indexOf("/");
    if (slash < 0) continue;
    const parent = out.get(name.slice(0, slash));
    if (!parent) continue;
    const subs = (parent.subresources ??= []) as unknown[];
    subs.push({ subresource: name.slice(slash + 1), responseKind: { group: r.group ?? "", version: r.version ?? "", kind: r.kind ?? "" }, verbs: r.verbs ?? [] });
  }
  return [...out.values()];
}

interface Fetched {
  discovery: Map<string, VersionDiscovery>;
  /** The backend's /openapi/v3 index: path → serverRelativeURL. */
  openapi: Map<string, string>;
  lastUpdated: number;
}

interface Info {
  service: string;
  target: BackendTarget;
  group: string;
  version: string;
  markedDirty: number;
}

export interface RemoteDiscoveryOptions {
  refreshIntervalMs: number;
  timeoutMs: number;
}

export class RemoteDiscovery {
  private readonly infos = new Map<string, Info>();
  private readonly cached = new Map<string, Fetched>();
  private readonly served = new Map<string, VersionDiscovery>();
  private readonly queue: KeyedQueue;
  private unsubscribe: (() => void) | undefined;
  private refresh: NodeJS.Timeout | undefined;

  constructor(
    private readonly apiServices: ObjectCache,
    private readonly backends: BackendConnector,
    private readonly opts: RemoteDiscoveryOptions,
  ) {
    this.queue = new KeyedQueue((name) => this.sync(name), { workers: 2, maxDelayMs: Math.min(30_000, opts.refreshIntervalMs) });
  }

  start(): void {
    this.unsubscribe = this.apiServices.onChange((name, obj) => this.track(name, obj ? asAPIService(obj) : undefined));
    for (const obj of this.apiServices.list()) this.track(obj.metadata.name ?? "", asAPIService(obj));
    this.refresh = setInterval(() => {
      const now = Date.now();
      for (const [name, info] of this.infos) {
        info.markedDirty = now;
        this.queue.add(name);
      }
    }, this.opts.refreshIntervalMs);
    this.refresh.unref();
  }

  stop(): void {
    clearInterval(this.refresh);
    this.unsubscribe?.();
    this.queue.stop();
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** What discovery lists for an APIService with a service: undefined until its first sync. */
  versionEntry(apiService: string): VersionDiscovery | undefined {
    return this.served.get(apiService);
  }

  /** The backend's OpenAPI v3 URL for its group-version (from its /openapi/v3 index), when known. */
  openAPIURL(apiService: string): string | undefined {
    const info = this.infos.get(apiService);
    if (!info) return undefined;
    return this.cached.get(info.service)?.openapi.get(`apis/${info.group}/${info.version}`);
  }

  private track(name: string, svc: APIService | undefined): void {
    const target = svc ? backendTarget(svc) : undefined;
    if (!svc || !target) {
      if (this.infos.delete(name)) {
        this.served.delete(name);
        this.removeUnusedServices();
      }
      return;
    }
    this.infos.set(name, { service: `${target.namespace}/${target.name}:${target.port}`, target, group: svc.spec?.group ?? "", version: svc.spec?.version ?? "", markedDirty: Date.now() });
    this.removeUnusedServices();
    this.queue.add(name);
  }

  private removeUnusedServices(): void {
    const used = new Set([...this.infos.values()].map((i) => i.service));
    for (const key of [...this.cached.keys()]) if (!used.has(key)) this.cached.delete(key);
  }

  private async sync(name: string): Promise<void> {
    const info = this.infos.get(name);
    if (!info) {
      this.served.delete(name);
      return;
    }
    let fetched = this.cached.get(info.service);
    let failure: unknown;
    if (!fetched || fetched.lastUpdated <= info.markedDirty) {
      try {
        fetched = await this.fetch(name, info);
      } catch (err) {
        failure = err;
      }
    }
    if (this.infos.get(name) !== info) return;
    const entry = fetched?.discovery.get(`${info.group}/${info.version}`) ?? { version: info.version };
    this.served.set(name, { ...entry, version: info.version, freshness: failure === undefined ? "Current" : "Stale" });
    if (failure !== undefined) throw failure;
  }

  /** Fetches discovery (and the OpenAPI index) from the backend, through the proxy's rules: an unavailable APIService answers 503. */
  private async fetch(name: string, info: Info): Promise<Fetched> {
    const svc = this.apiServices.get(name);
    if (!svc || !isAvailable(asAPIService(svc))) throw new Error(`service ${info.service} returned non-success response code: 503`);
    const now = Date.now();
    const headers = { ...frontProxyHeaders(aggregatorIdentity), Accept: acceptAggregated };
    const res = await this.backends.get(info.target, "/apis", headers, this.opts.timeoutMs);
    if (res.status === 503) throw new Error(`service ${info.service} returned non-success response code: 503`);
    if (res.status === 200 && isAggregatedDiscovery(res.contentType)) {
      const parsed = JSON.parse(res.body.toString("utf8")) as { items?: { metadata?: { name?: string }; versions?: VersionDiscovery[] }[] };
      const discovery = new Map<string, VersionDiscovery>();
      for (const g of parsed.items ?? []) for (const v of g.versions ?? []) if (isPlainObject(v) && typeof v.version === "string") discovery.set(`${g.metadata?.name ?? ""}/${v.version}`, v);
      const fetched: Fetched = { discovery, openapi: await this.fetchOpenAPIIndex(info), lastUpdated: now };
      this.cached.set(info.service, fetched);
      return fetched;
    }
    // no aggregated discovery: the group-version's APIResourceList (not cached: it covers one group-version only)
    const path = info.group === "" ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
    const legacy = await this.backends.get(info.target, path, { ...frontProxyHeaders({ username: "system:kube-aggregator", groups: [] }), Accept: "application/json" }, this.opts.timeoutMs);
    if (legacy.status !== 200) throw new Error(`failed to download legacy discovery for ${path}: ResponseCode: ${legacy.status}, Body: ${legacy.body.toString("utf8")}`);
    const list = JSON.parse(legacy.body.toString("utf8")) as { resources?: LegacyResource[] };
    const discovery = new Map([[`${info.group}/${info.version}`, { version: info.version, resources: convertLegacyResources(list.resources ?? []) }]]);
    return { discovery, openapi: await this.fetchOpenAPIIndex(info), lastUpdated: now };
  }

  private async fetchOpenAPIIndex(info: Info): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    try {
      const res = await this.backends.get(info.target, "/openapi/v3", { ...frontProxyHeaders(aggregatorIdentity), Accept: "application/json" }, this.opts.timeoutMs);
      if (res.status !== 200) return out;
      const index = JSON.parse(res.body.toString("utf8")) as { paths?: Record<string, { serverRelativeURL?: unknown }> };
      for (const [p, v] of Object.entries(index.paths ?? {})) if (typeof v?.serverRelativeURL === "string") out.set(p, v.serverRelativeURL);
    } catch {
      // OpenAPI is best effort: discovery does not depend on it
    }
    return out;
  }
}

// ---- the merged documents ----

/** One group-version in discovery. */
export interface DiscoveredGroupVersion extends Prioritized {
  /** Served by this server (true) or by the backend of an APIService (false). */
  local: boolean;
}

function localPriority(reg: DiscoveryRegistry, apiServices: ReadonlyMap<string, APIService>, group: string, version: string): { group: number; version: number } {
  if (group === apiRegistrationGroup) return apiRegistrationPriority;
  const spec = apiServices.get(apiServiceName(group, version))?.spec;
  if (spec && typeof spec.groupPriorityMinimum === "number" && typeof spec.versionPriority === "number") return { group: spec.groupPriorityMinimum, version: spec.versionPriority };
  const builtin = builtinPriority(group, version);
  if (builtin) return builtin;
  const custom = reg.groupVersion(group, version)?.resources.some((r) => r.def.unstructured === true);
  return custom ? customResourcePriority : defaultPriority;
}

/** Every group-version: the local ones and those of APIServices with a service (which take precedence). */
export function discoveredGroupVersions(reg: DiscoveryRegistry, apiServiceList: readonly APIService[]): DiscoveredGroupVersion[] {
  const out: DiscoveredGroupVersion[] = [];
  const byName = new Map(apiServiceList.map((s) => [s.metadata.name ?? "", s]));
  const remote = new Set<string>();
  for (const svc of apiServiceList) {
    const group = svc.spec?.group ?? "";
    const version = svc.spec?.version ?? "";
    if (!serviceRef(svc) || group === "") continue;
    remote.add(`${group}/${version}`);
    out.push({ name: svc.metadata.name ?? "", group, version, groupPriorityMinimum: svc.spec?.groupPriorityMinimum ?? 0, versionPriority: svc.spec?.versionPriority ?? 0, local: false });
  }
  for (const group of ["", ...reg.groups()]) {
    for (const version of reg.versions(group)) {
      if (remote.has(`${group}/${version}`)) continue;
      const p = localPriority(reg, byName, group, version);
      out.push({ name: apiServiceName(group, version), group, version, groupPriorityMinimum: p.group, versionPriority: p.version, local: true });
    }
  }
  return out;
}

function apiGroupObject(entries: readonly DiscoveredGroupVersion[]): Record<string, unknown> {
  const versions = entries.map((e) => ({ groupVersion: `${e.group}/${e.version}`, version: e.version }));
  return { name: entries[0]?.group ?? "", versions, preferredVersion: versions[0] };
}

/** Legacy /apis: apiregistration.k8s.io first, then SortedByGroupAndVersion (the core group is /api's). */
export function legacyGroupList(entries: readonly DiscoveredGroupVersion[]): Record<string, unknown> {
  const own = entries.filter((e) => e.group === apiRegistrationGroup).sort(byVersionPriority);
  const others = sortedByGroupAndVersion(entries.filter((e) => e.group !== "" && e.group !== apiRegistrationGroup));
  const groups = [...(own.length ? [own] : []), ...others].map(apiGroupObject);
  return { kind: "APIGroupList", apiVersion: "v1", groups };
}

/** /apis/<group>: its versions by ByVersionPriority; undefined when nothing serves the group. */
export function apiGroupDocument(entries: readonly DiscoveredGroupVersion[], group: string): Record<string, unknown> | undefined {
  const mine = entries.filter((e) => e.group === group).sort(byVersionPriority);
  if (mine.length === 0) return undefined;
  return { kind: "APIGroup", apiVersion: "v1", ...apiGroupObject(mine) };
}

interface AggregatedGroup {
  metadata: { name?: string; creationTimestamp: null };
  versions: VersionDiscovery[];
}

/**
 * Aggregated /apis: local groups as this server describes them, remote group-versions as their backends last
 * did (absent until first fetched); groups by highest groupPriorityMinimum, then name.
 */
export function aggregatedGroupList(reg: DiscoveryRegistry, entries: readonly DiscoveredGroupVersion[], remote: (apiService: string) => VersionDiscovery | undefined, version: "v2" | "v2beta1"): Record<string, unknown> {
  const localDoc = aggregatedDiscovery(reg, false, version) as { items: AggregatedGroup[] };
  const localVersions = new Map<string, VersionDiscovery>();
  for (const g of localDoc.items) for (const v of g.versions) localVersions.set(`${g.metadata.name ?? ""}/${v.version}`, v);
  const groups = new Map<string, { priority: number; versions: { entry: DiscoveredGroupVersion; doc: VersionDiscovery }[] }>();
  for (const e of entries) {
    if (e.group === "") continue;
    const doc = e.local ? localVersions.get(`${e.group}/${e.version}`) : remote(e.name);
    if (!doc) continue;
    let g = groups.get(e.group);
    if (!g) {
      g = { priority: e.groupPriorityMinimum, versions: [] };
      groups.set(e.group, g);
    }
    g.priority = Math.max(g.priority, e.groupPriorityMinimum);
    g.versions.push({ entry: e, doc });
  }
  const items = [...groups.entries()]
    .sort(([an, a], [bn, b]) => (a.priority !== b.priority ? b.priority - a.priority : an < bn ? -1 : an > bn ? 1 : 0))
    .map(([name, g]) => ({
      metadata: { name, creationTimestamp: null },
      versions: g.versions.sort((a, b) => byVersionPriority(a.entry, b.entry)).map((v) => v.doc),
    }));
  return { kind: "APIGroupDiscoveryList", apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

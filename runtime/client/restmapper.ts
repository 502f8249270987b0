/**
 * RESTMapper: apiVersion + kind → resource (URL segment) and scope, learnt from the server's discovery.
 *
 * Discovery: aggregated discovery first (`GET /api` and `GET /apis` asking for apidiscovery.k8s.io v2, then
 * v2beta1, as APIGroupDiscoveryList — two requests for the whole server); a server that answers with the legacy
 * documents gets the legacy walk instead (APIVersions / APIGroupList, then one APIResourceList per
 * group-version, fetched in parallel; a group-version that fails is skipped, as client-go does).
 *
 * Refresh: the first lookup loads discovery. A kind that is not known (for example, a CRD created since the
 * last load) triggers one reload; lookups that arrive while a load is in progress wait for it instead of
 * starting their own, so concurrent lookups share one reload. Reloads for unknown kinds are rate-limited (a token bucket, by default 5 per second
 * with burst 5 like controller-runtime's dynamic RESTMapper); when the bucket is empty the lookup fails at once.
 * Still unknown after the reload → `NoKindMatchError`. Failures to load discovery (transport, 5xx) propagate
 * as they are, never as NoKindMatchError.
 */
import type { GroupVersionKind, GroupVersionResource } from "../core/gvk.js";
import { apiVersionOf, parseApiVersion } from "../core/gvk.js";
import { NoKindMatchError } from "./errors.js";
import { TokenBucket, type RateLimiter } from "./ratelimit.js";
import type { HttpResponse, Transport } from "./transport.js";

export interface RESTMapping {
  groupVersionKind: GroupVersionKind;
  /** The resource of the kind in that group-version (e.g. {group:"apps", version:"v1", resource:"deployments"}). */
  resource: GroupVersionResource;
  namespaced: boolean;
  /** Names of the served subresources ("status", "scale", ...), when discovery lists them. */
  subresources: readonly string[];
}

/** Anything that maps kinds to resources; `DiscoveryRESTMapper` is the default, a fixed table works for tests. */
export interface RESTMapper {
  /** The mapping of an apiVersion ("apps/v1", "v1") and kind; throws NoKindMatchError when none exists. */
  mapping(apiVersion: string, kind: string): Promise<RESTMapping>;
}

export interface DiscoveryRESTMapperOptions {
  /** Rate of reloads triggered by unknown kinds (default 5 per second, burst 5). */
  refreshLimiter?: RateLimiter;
}

export const aggregatedDiscoveryAccept =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

interface Load {
  promise: Promise<void>;
}

export class DiscoveryRESTMapper implements RESTMapper {
  private mappings = new Map<string, RESTMapping>();
  private loaded = false;
  private inflight: Load | undefined;
  private readonly limiter: RateLimiter;
  /** Completed discovery loads (initial one included). */
  loads = 0;

  constructor(
    private readonly transport: Transport,
    opts: DiscoveryRESTMapperOptions = {},
  ) {
    this.limiter = opts.refreshLimiter ?? new TokenBucket(5, 5);
  }

  async mapping(apiVersion: string, kind: string): Promise<RESTMapping> {
    const { group, version } = parseApiVersion(apiVersion);
    const key = mappingKey(group, version, kind);
    const hit = this.mappings.get(key);
    if (hit) return hit;
    if (!this.inflight) {
      if (this.loaded && !this.limiter.tryAccept()) {
        throw new NoKindMatchError(group, version, kind, "discovery refresh rate-limited");
      }
      this.startLoad();
    }
    await this.inflight?.promise;
    const m = this.mappings.get(key);
    if (m) return m;
    throw new NoKindMatchError(group, version, kind);
  }

  /** Reloads discovery now (joining a reload already in progress). Not rate-limited. */
  refresh(): Promise<void> {
    return (this.inflight ?? this.startLoad()).promise;
  }

  /** Forgets everything; the next lookup loads discovery again. */
  reset(): void {
    this.mappings = new Map();
    this.loaded = false;
  }

  /** All known mappings (after at least one load). */
  all(): RESTMapping[] {
    return [...this.mappings.values()];
  }

  private startLoad(): Load {
    const load: Load = {
      promise: this.load().finally(() => {
        if (this.inflight === load) this.inflight = undefined;
      }),
    };
    this.inflight = load;
    return load;
  }

  private async load(): Promise<void> {
    const out = new Map<string, RESTMapping>();
    await Promise.all([this.loadRoot("/api", out), this.loadRoot("/apis", out)]);
    this.mappings = out;
    this.loaded = true;
    this.loads++;
  }

  private get(path: string, accept: string): Promise<HttpResponse> {
    return this.transport.request({ method: "GET", path, accept });
  }

  private async loadRoot(root: "/api" | "/apis", out: Map<string, RESTMapping>): Promise<void> {
    const res = await this.get(root, aggregatedDiscoveryAccept);
    const body = parse(res, root);
    const ct = String(res.headers["content-type"] ?? "");
    if (/as=APIGroupDiscoveryList/i.test(ct) || (isObj(body) && body.kind === "APIGroupDiscoveryList")) {
      addAggregated(body, out);
      return;
    }
    // legacy discovery
    const gvPaths: string[] = [];
    if (root === "/api") {
      const versions = isObj(body) && Array.isArray(body.versions) ? body.versions : [];
      for (const v of versions) if (typeof v === "string") gvPaths.push(`/api/${v}`);
    } else {
      const groups = isObj(body) && Array.isArray(body.groups) ? body.groups : [];
      for (const g of groups) {
        if (!isObj(g) || !Array.isArray(g.versions)) continue;
        for (const v of g.versions) if (isObj(v) && typeof v.groupVersion === "string") gvPaths.push(`/apis/${v.groupVersion}`);
      }
    }
    await Promise.all(
      gvPaths.map(async (p) => {
        let list: unknown;
        try {
          list = parse(await this.get(p, "application/json"), p);
        } catch {
          return; // one broken group-version (e.g. an unavailable aggregated API) does not hide the others
        }
        addResourceList(list, out);
      }),
    );
  }
}

function mappingKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parse(res: HttpResponse, path: string): unknown {
  try {
    return JSON.parse(res.body.toString("utf8"));
  } catch {
    throw new Error(`discovery: ${path} returned a body that is not JSON`);
  }
}

function add(out: Map<string, RESTMapping>, m: RESTMapping): void {
  const gvk = m.groupVersionKind;
  const key = mappingKey(gvk.group, gvk.version, gvk.kind);
  // the first resource listed for a kind wins (e.g. core Event before events.k8s.io would not clash anyway)
  if (!out.has(key)) out.set(key, m);
}

/** apidiscovery.k8s.io/v2 (and v2beta1) APIGroupDiscoveryList. */
function addAggregated(body: unknown, out: Map<string, RESTMapping>): void {
  const items = isObj(body) && Array.isArray(body.items) ? body.items : [];
  for (const g of items) {
    if (!isObj(g)) continue;
    const group = isObj(g.metadata) && typeof g.metadata.name === "string" ? g.metadata.name : "";
    for (const v of Array.isArray(g.versions) ? g.versions : []) {
      if (!isObj(v) || typeof v.version !== "string") continue;
      if (v.freshness === "Stale") continue;
      const version = v.version;
      for (const r of Array.isArray(v.resources) ? v.resources : []) {
        if (!isObj(r) || typeof r.resource !== "string") continue;
        const rk = isObj(r.responseKind) ? r.responseKind : {};
        const kind = typeof rk.kind === "string" ? rk.kind : "";
        if (!kind) continue;
        const subs = Array.isArray(r.subresources) ? r.subresources.flatMap((s) => (isObj(s) && typeof s.subresource === "string" ? [s.subresource] : [])) : [];
        add(out, {
          groupVersionKind: { group, version, kind },
          resource: { group, version, resource: r.resource },
          namespaced: r.scope === "Namespaced",
          subresources: subs,
        });
      }
    }
  }
}

/** Legacy APIResourceList of one group-version. */
function addResourceList(body: unknown, out: Map<string, RESTMapping>): void {
  if (!isObj(body) || typeof body.groupVersion !== "string" || !Array.isArray(body.resources)) return;
  const { group, version } = parseApiVersion(body.groupVersion);
  const subs = new Map<string, string[]>();
  const tops: { name: string; kind: string; namespaced: boolean }[] = [];
  for (const r of body.resources) {
    if (!isObj(r) || typeof r.name !== "string") continue;
    const slash = r.name.indexOf("/");
    if (slash >= 0) {
      const parent = r.name.slice(0, slash);
      subs.set(parent, [...(subs.get(parent) ?? []), r.name.slice(slash + 1)]);
      continue;
    }
    if (typeof r.kind !== "string" || !r.kind) continue;
    tops.push({ name: r.name, kind: r.kind, namespaced: r.namespaced === true });
  }
  for (const t of tops) {
    add(out, {
      groupVersionKind: { group, version, kind: t.kind },
      resource: { group, version, resource: t.name },
      namespaced: t.namespaced,
      subresources: subs.get(t.name) ?? [],
    });
  }
}

/** A RESTMapper over a fixed list of mappings (tests, or clients that must not call discovery). */
export class StaticRESTMapper implements RESTMapper {
  private readonly mappings = new Map<string, RESTMapping>();

  constructor(mappings: readonly RESTMapping[]) {
    for (const m of mappings) add(this.mappings, m);
  }

  mapping(apiVersion: string, kind: string): Promise<RESTMapping> {
    const { group, version } = parseApiVersion(apiVersion);
    const m = this.mappings.get(mappingKey(group, version, kind));
    return m ? Promise.resolve(m) : Promise.reject(new NoKindMatchError(group, version, kind));
  }
}

/** "apps/v1" for a mapping's group-version. */
export function mappingApiVersion(m: RESTMapping): string {
  return apiVersionOf(m.groupVersionKind);
}

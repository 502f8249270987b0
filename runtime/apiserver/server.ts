/**
 * The generic API server: installs resources (each a ResourceDefinition served by a registry Store), serves
 * them under Kubernetes' URL layout with discovery, version and health endpoints, and exposes an express app
 * that an HTTP(S) server or an aggregator can mount.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { AsyncLocalStorage } from "node:async_hooks";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { newGenericNotFound, newMethodNotAllowed } from "../core/errors.js";
import type { StorageBackend } from "../storage/interface.js";
import { AdmissionChain, type UserInfo } from "./admission/types.js";
import {
  aggregatedContentType,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  DiscoveryRegistry,
  type GroupVersionEntry,
  type ServedResource,
  type SubresourceInfo,
} from "./discovery.js";
import { openAPIV3Document, openAPIV3Index } from "./openapi.js";
import { serveOpenAPIV2 } from "./openapiv2.js";
import { loadBuiltinDefinitions } from "./openapi/definitions.js";
import { negotiateDiscovery } from "./http/negotiation.js";
import { sendError, sendObject } from "./http/respond.js";
import { serveResource, type ResourceScope, type SubresourceHandler } from "./handlers/rest.js";
import { Store } from "./registry/store.js";
import { parseRequestInfo } from "./requestinfo.js";
import { forbiddenError, requestAttributes, type Authorize } from "./authorization.js";
import { serveCreateOnly, type CreateOnlyHandler } from "./handlers/createonly.js";
import { serveComputed, type ComputedResourceHandler } from "./handlers/computed.js";
import { allVerbs, type ResourceDefinition } from "./resource.js";

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export const defaultVersion: VersionInfo = {
  major: "1",
  minor: "33",
  gitVersion: "v1.33.0-kubeforge",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2026-11-22T00:00:00Z",
  goVersion: `node${process.versions.node}`,
  compiler: "kubeforge",
  platform: `${process.platform}/${process.arch === "x64" ? "amd64" : process.arch}`,
};

/** A named health check for /healthz, /livez and /readyz; returns an error message when failing. */
export type HealthCheck = () => string | undefined | Promise<string | undefined>;

export interface APIServerOptions {
  storage: StorageBackend;
  admission?: AdmissionChain;
  version?: VersionInfo;
  /** Identifies the caller; absent = everyone is `system:anonymous`. Throw a StatusError (401) to reject. */
  authenticate?: (req: IncomingMessage) => UserInfo | Promise<UserInfo>;
  /** Decides every request (discovery, health, version and OpenAPI included); absent = everything allowed. */
  authorize?: Authorize;
  /** "host:port" advertised in /api's serverAddressByClientCIDRs. */
  serverAddress?: () => string;
  /**
   * Consulted for API requests (`handle`: /api, /apis and everything below) and OpenAPI v3 requests once they
   * are authenticated and authorized, before this server's own dispatch: resolves true when it has answered the
   * request itself, false to let this server serve it (or 404). The local control plane's aggregator uses it to
   * proxy aggregated group-versions and to serve the merged discovery and OpenAPI v3 index; a throw becomes the
   * Status response.
   */
  delegate?: (req: IncomingMessage, res: ServerResponse, user: UserInfo) => boolean | Promise<boolean>;
}

/** The query of the API request being served (for strategies that depend on fieldValidation, such as CRs). */
export const currentRequest = new AsyncLocalStorage<{ query: URLSearchParams }>();

const anonymous: UserInfo = { username: "system:anonymous", groups: ["system:unauthenticated"] };

export class APIServer {
  readonly app: Express;
  readonly admission: AdmissionChain;
  readonly discovery = new DiscoveryRegistry();
  private readonly scopes = new Map<string, ResourceScope>();
  private readonly stores = new Map<string, Store>();
  private readonly readyChecks = new Map<string, HealthCheck>();
  private readonly liveChecks = new Map<string, HealthCheck>();
  /** Users of requests that passed the authentication/authorization filter. */
  private readonly requestUsers = new WeakMap<IncomingMessage, UserInfo>();
  /** Create-only resources that are not stored (access reviews, token reviews). */
  private readonly createOnly = new Map<string, { def: ResourceDefinition; handler: CreateOnlyHandler }>();
  /** Read-only resources computed per request (metrics APIs). */
  private readonly computed = new Map<string, { def: ResourceDefinition; handler: ComputedResourceHandler }>();
  private readonly resourceListeners = new Set<() => void>();

  constructor(private readonly opts: APIServerOptions) {
    this.admission = opts.admission ?? new AdmissionChain();
    this.app = express();
    this.app.disable("x-powered-by");
    this.app.disable("etag");
    this.app.set("query parser", "simple");
    this.installRoutes();
  }

  /** Serves a resource; returns its Store (shared storage by `def.storageName`). */
  installResource(def: ResourceDefinition, subresources: Record<string, { info: SubresourceInfo; handler: SubresourceHandler }> = {}): Store {
    const storageName = def.storageName ?? `${def.group}/${def.names.plural}`;
    const store = new Store(def, this.opts.storage.forResource(storageName), this.admission);
    const subs: SubresourceInfo[] = [];
    const handlers = new Map<string, SubresourceHandler>();
    if (def.scale) subs.push({ name: "scale", kind: { group: "autoscaling", version: "v1", kind: "Scale" }, verbs: ["get", "patch", "update"] });
    if (def.statusSubresource) subs.push({ name: "status", kind: { group: def.group, version: def.version, kind: def.names.kind }, verbs: ["get", "patch", "update"] });
    for (const [name, s] of Object.entries(subresources)) {
      subs.push(s.info);
      handlers.set(name, s.handler);
    }
    subs.sort((a, b) => a.name.localeCompare(b.name));
    const served: ServedResource = { def, subresources: subs };
    this.discovery.add(served);
    this.scopes.set(`${def.group}/${def.version}/${def.names.plural}`, { store, served, subresources: handlers });
    this.stores.set(`${def.group}/${def.version}/${def.names.plural}`, store);
    for (const fn of this.resourceListeners) fn();
    return store;
  }

  /** Calls `fn` after every installResource / uninstallResource (e.g. to follow custom resources). */
  onResourcesChanged(fn: () => void): void {
    this.resourceListeners.add(fn);
  }

  /**
   * Serves a create-only resource that is never stored (TokenReview, SubjectAccessReview, ...): POST runs
   * `handler` on the decoded object and returns its result with 201.
   */
  installCreateOnlyResource(def: ResourceDefinition, handler: CreateOnlyHandler): void {
    this.discovery.add({ def, subresources: [] });
    this.createOnly.set(`${def.group}/${def.version}/${def.names.plural}`, { def, handler });
  }

  /**
   * Serves a read-only resource computed on each request, with nothing stored (metrics.k8s.io's NodeMetrics
   * and PodMetrics): get and list run `handler`; discovery shows verbs get and list; selectors, Table output
   * (`def.table`) and errors are the server's (see handlers/computed.ts).
   */
  installComputedResource(def: ResourceDefinition, handler: ComputedResourceHandler): void {
    const served: ResourceDefinition = { ...def, verbs: ["get", "list"] };
    this.discovery.add({ def: served, subresources: [] });
    this.computed.set(`${def.group}/${def.version}/${def.names.plural}`, { def: served, handler });
  }

  /** Stops serving group/version/resource (its objects stay in storage); false when it was not served. */
  uninstallResource(group: string, version: string, plural: string): boolean {
    const key = `${group}/${version}/${plural}`;
    if (!this.scopes.has(key)) return false;
    this.scopes.delete(key);
    this.stores.delete(key);
    const gv = this.discovery.groupVersion(group, version);
    if (gv) this.openAPICache.delete(gv);
    this.discovery.remove(group, version, plural);
    for (const fn of this.resourceListeners) fn();
    return true;
  }

  /** The store serving group/version/resource. */
  store(group: string, version: string, resource: string): Store | undefined {
    return this.stores.get(`${group}/${version}/${resource}`);
  }

  allStores(): Store[] {
    return [...this.stores.values()];
  }

  /** The /openapi/v3 index of what this server serves (for a delegate that merges other servers' entries in). */
  async openAPIV3IndexDocument(): Promise<Record<string, unknown>> {
    await loadBuiltinDefinitions();
    return openAPIV3Index(this.discovery, (gv) => this.openAPIDoc(gv));
  }

  private readonly openAPICache = new WeakMap<GroupVersionEntry, { defs: ResourceDefinition[]; text: string }>();

  /**
   * The serialised OpenAPI v3 document of a group-version, cached until its served resources change (added,
   * removed, or replaced — a CRD update installs new ResourceDefinitions, so its schemas are republished).
   */
  private openAPIDoc(gv: GroupVersionEntry): string {
    const cached = this.openAPICache.get(gv);
    const defs = gv.resources.map((r) => r.def);
    if (cached && cached.defs.length === defs.length && cached.defs.every((d, i) => d === defs[i])) return cached.text;
    const text = JSON.stringify(openAPIV3Document(gv));
    this.openAPICache.set(gv, { defs, text });
    return text;
  }

  addReadyCheck(name: string, check: HealthCheck): void {
    this.readyChecks.set(name, check);
  }

  addLiveCheck(name: string, check: HealthCheck): void {
    this.liveChecks.set(name, check);
  }

  private async user(req: IncomingMessage): Promise<UserInfo> {
    const known = this.requestUsers.get(req);
    if (known) return known;
    return this.opts.authenticate ? this.opts.authenticate(req) : anonymous;
  }

  /** The authentication and authorization filters: 401 for a bad credential, 403 for a denied request. */
  private async authFilter(req: IncomingMessage): Promise<void> {
    const user = await this.user(req);
    this.requestUsers.set(req, user);
    const authorize = this.opts.authorize;
    if (!authorize) return;
    const attrs = requestAttributes(req.method ?? "GET", new URL(req.url ?? "/", "http://localhost"), user);
    const decision = await authorize(attrs);
    if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
  }

  private installRoutes(): void {
    const app = this.app;
    app.use((req, _res, next) => {
      this.authFilter(req).then(() => next(), next);
    });
    app.get("/version", (_req, res) => sendObject(res, 200, this.opts.version ?? defaultVersion));
    // the OpenAPI documents include the built-in schemas, loaded on the first request for one
    // the delegate may answer OpenAPI v3 (an aggregator merges its index and proxies aggregated group-versions)
    app.get(["/openapi/v3", /^\/openapi\/v3\/(.+)$/], (req, res, next) => {
      this.delegated(req, res).then((handled) => (handled ? undefined : next()), next);
    });
    app.get(["/openapi/v2", "/openapi/v3", /^\/openapi\/v3\/(.+)$/], (_req, _res, next) => {
      loadBuiltinDefinitions().then(() => next(), next);
    });
    app.get("/openapi/v2", (req, res) => serveOpenAPIV2(req, res, this.discovery, (this.opts.version ?? defaultVersion).gitVersion.replace(/-.*$/, "")));
    app.get("/openapi/v3", (_req, res) => sendObject(res, 200, openAPIV3Index(this.discovery, (gv) => this.openAPIDoc(gv))));
    app.get(/^\/openapi\/v3\/(.+)$/, (req, res, next) => {
      const m = /^(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(String(req.params[0]));
      const gv = m ? this.discovery.groupVersion(m[1] ? "" : (m[2] ?? ""), m[1] ?? m[3] ?? "") : undefined;
      if (!gv) {
        next(newGenericNotFound());
        return;
      }
      res.setHeader("Cache-Control", req.query.hash ? "public, immutable" : "no-cache, private");
      res.status(200).type("application/json").send(this.openAPIDoc(gv));
    });
    app.get(["/healthz", "/livez"], (req, res, next) => this.health(req, res, this.liveChecks).catch(next));
    app.get("/readyz", (req, res, next) => this.health(req, res, new Map([...this.liveChecks, ...this.readyChecks])).catch(next));
    app.get(["/healthz/:check", "/livez/:check", "/readyz/:check"], (req, res, next) => this.singleCheck(req, res).catch(next));
    app.use((req, res, next) => {
      this.handle(req, res).catch(next);
    });
    app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => sendError(res, err));
  }

  private async health(req: Request, res: Response, checks: Map<string, HealthCheck>): Promise<void> {
    const lines: string[] = ["[+]ping ok"];
    let failed = false;
    for (const [name, check] of checks) {
      const err = await check();
      if (err) {
        failed = true;
        lines.push(`[-]${name} failed: reason withheld`);
      } else lines.push(`[+]${name} ok`);
    }
    const verbose = req.query.verbose !== undefined;
    res.status(failed ? 500 : 200).type("text/plain; charset=utf-8");
    res.setHeader("Cache-Control", "no-cache, private");
    res.setHeader("X-Content-Type-Options", "nosniff");
    if (failed || verbose) res.send(`${lines.join("\n")}\n${req.path.slice(1)} check ${failed ? "failed" : "passed"}\n`);
    else res.send("ok");
  }

  private async singleCheck(req: Request, res: Response): Promise<void> {
    const name = String(req.params.check);
    const check = name === "ping" ? () => undefined : (this.readyChecks.get(name) ?? this.liveChecks.get(name));
    if (!check) {
      res.status(404).type("text/plain").send("404 page not found\n");
      return;
    }
    const err = await check();
    res.status(err ? 500 : 200).type("text/plain; charset=utf-8").send(err ? `internal server error: ${err}\n` : "ok");
  }

  /** Whether the delegate (APIServerOptions.delegate) answered the request. */
  private async delegated(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const delegate = this.opts.delegate;
    return delegate ? delegate(req, res, await this.user(req)) : false;
  }

  /** The API dispatcher: the delegate first, then discovery documents and resource requests. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (await this.delegated(req, res)) return;
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    const query = url.searchParams;
    const watchParam = query.get("watch") === "true" || query.get("watch") === "1";
    const info = parseRequestInfo(method, url.pathname, watchParam);
    if (!info.prefix) {
      res.statusCode = 404;
      res.setHeader("Content-Type", "text/plain; charset=utf-8");
      res.end("404 page not found\n");
      return;
    }
    const user = await this.user(req);
    if (!info.isResourceRequest) {
      if (method !== "GET" && method !== "HEAD") throw newMethodNotAllowed();
      this.serveDiscovery(req, res, info.prefix, info.group, info.version, info.parts.length);
      return;
    }
    const createOnly = this.createOnly.get(`${info.group}/${info.version}/${info.resource}`);
    if (createOnly) {
      await serveCreateOnly(createOnly.def, createOnly.handler, info, req, res, user);
      return;
    }
    const computed = this.computed.get(`${info.group}/${info.version}/${info.resource}`);
    if (computed) {
      await serveComputed(computed.def, computed.handler, info, req, res, user, query);
      return;
    }
    const scope = this.scopes.get(`${info.group}/${info.version}/${info.resource}`);
    if (!scope) throw newGenericNotFound();
    await currentRequest.run({ query }, () => serveResource(scope, info, req, res, { user, query }));
  }

  private serveDiscovery(req: IncomingMessage, res: ServerResponse, prefix: string, group: string, version: string, extraParts: number): void {
    if (extraParts > 0) throw newGenericNotFound();
    const address = this.opts.serverAddress?.() ?? "127.0.0.1:6443";
    if (prefix === "api" && !version) {
      const rep = negotiateDiscovery(req.headers.accept);
      if (rep.kind === "aggregated") {
        res.setHeader("Vary", "Accept");
        sendObject(res, 200, aggregatedDiscovery(this.discovery, true, rep.version), "json", aggregatedContentType(rep.version));
      } else sendObject(res, 200, apiVersions(this.discovery, address));
      return;
    }
    if (prefix === "apis" && !group) {
      const rep = negotiateDiscovery(req.headers.accept);
      if (rep.kind === "aggregated") {
        res.setHeader("Vary", "Accept");
        sendObject(res, 200, aggregatedDiscovery(this.discovery, false, rep.version), "json", aggregatedContentType(rep.version));
      } else sendObject(res, 200, apiGroupList(this.discovery));
      return;
    }
    if (prefix === "apis" && !version) {
      if (!this.discovery.hasGroup(group)) throw newGenericNotFound();
      sendObject(res, 200, { kind: "APIGroup", apiVersion: "v1", ...apiGroup(this.discovery, group) });
      return;
    }
    const gv = this.discovery.groupVersion(prefix === "api" ? "" : group, version);
    if (!gv) throw newGenericNotFound();
    sendObject(res, 200, apiResourceList(gv));
  }
}

export { allVerbs };

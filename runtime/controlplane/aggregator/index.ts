/**
 * The aggregator of the local control plane (kube-aggregator in front of kube-apiserver): APIServices decide
 * who serves a group-version. Those with a service are proxied (proxy.ts) to the Service's endpoints with the
 * front-proxy credentials (frontproxy.ts, backend.ts), after this server has authenticated and authorized the
 * request, as kube-apiserver's handler chain does before its aggregator; their availability is checked
 * (availability.ts); discovery and the OpenAPI v3 index merge them in (discovery.ts, openapi.ts). Built-in and
 * custom resource group-versions get local APIServices (autoregister.ts), and the
 * kube-system/extension-apiserver-authentication ConfigMap tells extension servers how to trust the front proxy
 * (authconfig.ts).
 *
 *   const aggregator = new Aggregator(server, { frontProxy });
 *   new APIServer({ ..., delegate: (req, res, user) => aggregator.handle(req, res, user) });
 *   httpsServer.on("upgrade", (req, socket, head) => aggregator.acceptUpgrade(req, socket, head, server.app));
 *   await aggregator.start();   // after the default namespaces exist
 */
import { ServerResponse, type IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { UserInfo } from "../../apiserver/admission/types.js";
import { negotiateDiscovery } from "../../apiserver/http/negotiation.js";
import { sendError, sendObject } from "../../apiserver/http/respond.js";
import type { Store } from "../../apiserver/registry/store.js";
import type { APIServer } from "../../apiserver/server.js";
import { aggregatedContentType } from "../../apiserver/discovery.js";
import { newServiceUnavailable } from "../../core/errors.js";
import { EndpointsServiceResolver } from "../webhook/resolve.js";
import { apiServiceName, asAPIService, isAvailable, serviceRef, type APIService } from "../builtin/apiregistration/types.js";
import { authenticationConfigMapData, publishAuthenticationConfigMap } from "./authconfig.js";
import { AutoRegistration } from "./autoregister.js";
import { AvailabilityController } from "./availability.js";
import { BackendConnector, backendTarget } from "./backend.js";
import { ObjectCache } from "./cache.js";
import { aggregatedGroupList, apiGroupDocument, discoveredGroupVersions, legacyGroupList, RemoteDiscovery } from "./discovery.js";
import { generateFrontProxyCredentials, type FrontProxyCredentials } from "./frontproxy.js";
import { mergeOpenAPIV3Index, openAPIV3GroupVersion } from "./openapi.js";
import { APIServiceProxy, type UpgradeConnection } from "./proxy.js";

export interface AggregatorOptions {
  /** The request-header CA and front-proxy client certificate; generated at start when absent. */
  frontProxy?: FrontProxyCredentials;
  /** Deadline of proxied requests that are not long-running (default 60 s, kube-apiserver's --request-timeout). */
  requestTimeoutMs?: number;
  /** How often every APIService's availability is re-checked (default 30 s). */
  availabilityResyncMs?: number;
  /** Timeout of one availability discovery check (default 5 s). */
  availabilityCheckTimeoutMs?: number;
  /** How often aggregated servers' discovery is refetched (default 60 s). */
  discoveryRefreshMs?: number;
  /** Timeout of one discovery fetch (default 5 s). */
  discoveryTimeoutMs?: number;
}

export class Aggregator {
  private frontProxyCreds: FrontProxyCredentials | undefined;
  private clientCAPEM: string | undefined;
  private readonly upgrades = new WeakMap<IncomingMessage, UpgradeConnection>();
  private parts: { apiServices: Store; configMaps: Store; cache: ObjectCache; services: ObjectCache; endpoints: ObjectCache; backends: BackendConnector; proxy: APIServiceProxy; availability: AvailabilityController; discovery: RemoteDiscovery; autoregister: AutoRegistration } | undefined;
  private started = false;

  constructor(
    private readonly server: APIServer,
    private readonly opts: AggregatorOptions = {},
  ) {
    this.frontProxyCreds = opts.frontProxy;
  }

  /** The front-proxy credentials (available once started, or when given). */
  get frontProxy(): FrontProxyCredentials {
    if (!this.frontProxyCreds) throw new Error("aggregator not started: front-proxy credentials not generated yet");
    return this.frontProxyCreds;
  }

  /** Sets the CA client certificates chain to (the ConfigMap's client-ca-file); republishes when started. */
  async setClientCA(pem: string): Promise<void> {
    this.clientCAPEM = pem;
    if (this.started) await this.publishConfigMap();
  }

  private wire(): NonNullable<Aggregator["parts"]> {
    const store = (group: string, resource: string): Store => {
      const s = this.server.store(group, "v1", resource);
      if (!s) throw new Error(`the aggregator needs ${group || "core"}/v1 ${resource}`);
      return s;
    };
    const apiServices = store("apiregistration.k8s.io", "apiservices");
    const services = store("", "services");
    const endpoints = store("", "endpoints");
    const cache = new ObjectCache(apiServices, "kube-aggregator");
    const serviceCache = new ObjectCache(services, "kube-aggregator");
    const endpointsCache = new ObjectCache(endpoints, "kube-aggregator");
    const backends = new BackendConnector(new EndpointsServiceResolver(services.storage, endpoints.storage), () => this.frontProxy);
    return {
      apiServices,
      configMaps: store("", "configmaps"),
      cache,
      services: serviceCache,
      endpoints: endpointsCache,
      backends,
      proxy: new APIServiceProxy(backends, { requestTimeoutMs: this.opts.requestTimeoutMs ?? 60_000 }),
      availability: new AvailabilityController(apiServices, cache, serviceCache, endpointsCache, backends, {
        resyncIntervalMs: this.opts.availabilityResyncMs ?? 30_000,
        checkTimeoutMs: this.opts.availabilityCheckTimeoutMs ?? 5_000,
      }),
      discovery: new RemoteDiscovery(cache, backends, { refreshIntervalMs: this.opts.discoveryRefreshMs ?? 60_000, timeoutMs: this.opts.discoveryTimeoutMs ?? 5_000 }),
      autoregister: new AutoRegistration(this.server, apiServices, cache),
    };
  }

  /** Generates the front-proxy credentials if needed, publishes the ConfigMap, registers local APIServices and starts the controllers. */
  async start(): Promise<void> {
    if (this.started) return;
    this.frontProxyCreds ??= await generateFrontProxyCredentials();
    const p = (this.parts ??= this.wire());
    await Promise.all([p.cache.start(), p.services.start(), p.endpoints.start()]);
    await p.autoregister.start();
    p.availability.start();
    p.discovery.start();
    this.started = true;
    await this.publishConfigMap();
  }

  stop(): void {
    this.started = false;
    const p = this.parts;
    if (!p) return;
    p.autoregister.stop();
    p.availability.stop();
    p.discovery.stop();
    p.cache.stop();
    p.services.stop();
    p.endpoints.stop();
    p.backends.close();
  }

  /** Resolves when the aggregator's controllers have nothing queued (checks and fetches in flight included). */
  async idle(): Promise<void> {
    const p = this.parts;
    if (!p) return;
    await Promise.all([p.autoregister.idle(), p.availability.idle(), p.discovery.idle()]);
  }

  private async publishConfigMap(): Promise<void> {
    const p = this.parts;
    if (!p) return;
    await publishAuthenticationConfigMap(p.configMaps, authenticationConfigMapData({ ...(this.clientCAPEM ? { clientCAPEM: this.clientCAPEM } : {}), requestHeaderCAPEM: this.frontProxy.caPEM }));
  }

  /**
   * Takes over a connection upgrade from the HTTPS server: the request goes through the server's app (so it is
   * authenticated and authorized like any other) with a response bound to the socket; an aggregated
   * group-version's upgrade is then spliced to its backend, anything else answered by the app.
   */
  acceptUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, app: (req: IncomingMessage, res: ServerResponse) => void): void {
    this.upgrades.set(req, { socket, head });
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.on("finish", () => {
      res.detachSocket(socket as Socket);
      socket.end();
    });
    socket.on("error", () => socket.destroy());
    app(req, res);
  }

  private apiServiceList(): APIService[] {
    return (this.parts?.cache.list() ?? []).map(asAPIService);
  }

  /** The delegate of the API server: true when the request was answered here. */
  async handle(req: IncomingMessage, res: ServerResponse, user: UserInfo): Promise<boolean> {
    const p = this.parts;
    if (!p || !this.started) return false;
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    const read = method === "GET" || method === "HEAD";
    const segs = url.pathname.split("/").filter(Boolean);
    if (segs[0] === "apis") {
      if (segs.length === 1 && read && url.pathname !== "/apis/") return this.serveGroupList(req, res);
      const group = decodeURIComponent(segs[1] ?? "");
      if (segs.length === 2 && read) {
        const doc = apiGroupDocument(discoveredGroupVersions(this.server.discovery, this.apiServiceList()), group);
        if (!doc) return false;
        sendObject(res, 200, doc);
        return true;
      }
      if (segs.length < 3) return false;
      const version = decodeURIComponent(segs[2] ?? "");
      return this.proxyIfAggregated(req, res, user, group, version);
    }
    if (read && url.pathname === "/openapi/v3") {
      const local = await this.server.openAPIV3IndexDocument();
      const remote = this.apiServiceList().flatMap((s) => {
        const u = serviceRef(s) ? p.discovery.openAPIURL(s.metadata.name ?? "") : undefined;
        return u ? [{ group: s.spec?.group ?? "", version: s.spec?.version ?? "", url: u }] : [];
      });
      sendObject(res, 200, mergeOpenAPIV3Index(local, remote));
      return true;
    }
    const gv = read ? openAPIV3GroupVersion(url.pathname) : undefined;
    if (gv) return this.proxyIfAggregated(req, res, user, gv.group, gv.version);
    return false;
  }

  private serveGroupList(req: IncomingMessage, res: ServerResponse): boolean {
    const p = this.parts;
    if (!p) return false;
    const entries = discoveredGroupVersions(this.server.discovery, this.apiServiceList());
    const rep = negotiateDiscovery(req.headers.accept);
    if (rep.kind === "aggregated") {
      res.setHeader("Vary", "Accept");
      sendObject(res, 200, aggregatedGroupList(this.server.discovery, entries, (name) => p.discovery.versionEntry(name), rep.version), "json", aggregatedContentType(rep.version));
    } else {
      sendObject(res, 200, legacyGroupList(entries));
    }
    return true;
  }

  private async proxyIfAggregated(req: IncomingMessage, res: ServerResponse, user: UserInfo, group: string, version: string): Promise<boolean> {
    const p = this.parts;
    const obj = p?.cache.get(apiServiceName(group, version));
    if (!p || !obj) return false;
    const svc = asAPIService(obj);
    const target = backendTarget(svc);
    if (!target) return false;
    if (!isAvailable(svc)) {
      sendError(res, newServiceUnavailable("service unavailable"));
      return true;
    }
    await p.proxy.serve(req, res, user, target, this.upgrades.get(req));
    return true;
  }
}

export type { FrontProxyCredentials } from "./frontproxy.js";
export { generateFrontProxyCredentials, frontProxyHeaders, userFromFrontProxyHeaders, headerKeyEscape } from "./frontproxy.js";
export { authenticationConfigMapName, authenticationConfigMapNamespace } from "./authconfig.js";

/**
 * The local control plane: the generic API server with the built-in kinds, NamespaceLifecycle admission, the
 * namespace controller and the garbage collector, on a storage backend (memory by default). `listen` serves
 * it over HTTPS. Requests are authenticated (client certificates, service account tokens, impersonation) and
 * authorized by RBAC over the stored policy (`auth`, see ./auth/index.ts); system:masters may do anything.
 * The aggregator (`aggregator`, see ./aggregator/index.ts) serves APIServices: it proxies aggregated
 * group-versions to their backends after authentication and authorization, and merges them into discovery.
 */
import type { IncomingMessage } from "node:http";
import { createServer as createHttpsServer, type Server } from "node:https";
import type { Duplex } from "node:stream";
import type { AddressInfo } from "node:net";
import { isAlreadyExists } from "../core/errors.js";
import type { KubeObject } from "../core/object.js";
import type { Store } from "../apiserver/registry/store.js";
import { APIServer, type VersionInfo } from "../apiserver/server.js";
import type { StorageBackend } from "../storage/interface.js";
import { MemoryBackend } from "../storage/memory.js";
import { ControlPlaneAuth } from "./auth/index.js";
import { namespaceLifecycle } from "./admission/namespace-lifecycle.js";
import { builtinResources, ServiceAllocator } from "./builtin/index.js";
import { repairServiceAllocations } from "./builtin/core/index.js";
import { controllerContext } from "./controllers/context.js";
import { CRDController } from "./builtin/apiextensions/controller.js";
import { GarbageCollector } from "./controllers/garbagecollector.js";
import { NamespaceController } from "./controllers/namespace.js";
import { namespaceFinalize, podBinding } from "./subresources.js";
import { installWebhooks, type WebhookRuntime } from "./webhook/install.js";
import { Aggregator, type AggregatorOptions, type FrontProxyCredentials } from "./aggregator/index.js";

export const defaultNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"] as const;

export interface ControlPlaneOptions {
  /** Storage backend; default an in-memory backend. */
  storage?: StorageBackend;
  /** Watch history per resource for the default memory backend (410 Expired beyond it). */
  historyCapacity?: number;
  /** Interval of watch bookmarks for the default memory backend. */
  bookmarkIntervalMs?: number;
  version?: VersionInfo;
  /** The request-header CA and the front-proxy client certificate (CN=front-proxy-client); generated at start when absent. */
  frontProxy?: FrontProxyCredentials;
  /** Timeouts and intervals of the aggregator (proxied request timeout, availability and discovery re-checks). */
  aggregator?: Omit<AggregatorOptions, "frontProxy">;
}

export interface TLSOptions {
  certPEM: string;
  keyPEM: string;
  /** CA that client certificates must chain to. */
  clientCAPEM: string;
}

export class ControlPlane {
  readonly server: APIServer;
  readonly storage: StorageBackend;
  /** Authentication (certificates, service account tokens, impersonation) and RBAC authorization. */
  readonly auth = new ControlPlaneAuth();
  /** APIServices: local ones for the served groups, proxying and availability of aggregated ones, merged discovery. */
  readonly aggregator: Aggregator;
  private readonly namespaceController: NamespaceController;
  private readonly gc: GarbageCollector;
  private readonly crdController: CRDController;
  private readonly webhooks: WebhookRuntime;
  private httpServer: Server | undefined;
  private address = "127.0.0.1:6443";
  private readonly serviceAllocator = new ServiceAllocator();
  private repairTimer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(opts: ControlPlaneOptions = {}) {
    this.storage =
      opts.storage ??
      new MemoryBackend({
        ...(opts.historyCapacity !== undefined ? { historyCapacity: opts.historyCapacity } : {}),
        ...(opts.bookmarkIntervalMs !== undefined ? { bookmarkIntervalMs: opts.bookmarkIntervalMs } : {}),
      });
    this.server = new APIServer({
      storage: this.storage,
      ...(opts.version ? { version: opts.version } : {}),
      authenticate: (req) => this.auth.authenticate(req),
      authorize: (attrs) => this.auth.authorize(attrs),
      serverAddress: () => this.address,
      // after authentication and authorization, before the local routes: aggregated group-versions and discovery
      delegate: (req, res, user) => this.aggregator.handle(req, res, user),
    });
    this.aggregator = new Aggregator(this.server, { ...opts.aggregator, ...(opts.frontProxy ? { frontProxy: opts.frontProxy } : {}) });
    let pods: Store | undefined;
    let namespaces: Store | undefined;
    for (const def of builtinResources(this.serviceAllocator)) {
      if (def.group === "" && def.names.plural === "pods") {
        pods = this.server.installResource(def, { binding: podBinding(this.lazy(() => pods)) });
      } else if (def.group === "" && def.names.plural === "serviceaccounts") {
        this.server.installResource(def, { token: this.auth.tokenSubresource(this.server) });
      } else if (def.group === "" && def.names.plural === "namespaces") {
        namespaces = this.server.installResource(def, { finalize: namespaceFinalize(this.lazy(() => namespaces)) });
      } else {
        this.server.installResource(def);
      }
    }
    if (!namespaces) throw new Error("built-in namespaces resource missing");
    this.auth.install(this.server);
    const nsStore = namespaces;
    this.server.admission.add(namespaceLifecycle(nsStore.storage, (attrs) => this.server.store(attrs.resource.group, attrs.resource.version, attrs.resource.resource)?.def.namespaced ?? false));
    // admission webhooks run after every built-in plugin: keep this the last admission.add
    this.webhooks = installWebhooks(this.server);
    this.namespaceController = new NamespaceController(nsStore, () => this.storageOwners().filter((s) => s.def.namespaced));
    this.gc = new GarbageCollector(() => this.storageOwners());
    this.server.onResourcesChanged(() => this.gc.resync());
    const crds = this.server.store("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    if (!crds) throw new Error("built-in customresourcedefinitions resource missing");
    this.crdController = new CRDController(this.server, crds);
    this.server.addReadyCheck("informer-sync", () => (this.started ? undefined : "not started"));
  }

  /** A store reference resolved at first use (subresources are installed before their store exists). */
  private lazy(get: () => Store | undefined): Store {
    return new Proxy({} as Store, {
      get: (_t, prop) => {
        const s = get();
        if (!s) throw new Error("store not installed");
        const v = (s as unknown as Record<string | symbol, unknown>)[prop];
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(s) : v;
      },
    });
  }

  /** One store per distinct storage (events.k8s.io and core events share one). */
  storageOwners(): Store[] {
    const seen = new Set<string>();
    const out: Store[] = [];
    for (const s of this.server.allStores()) {
      const key = s.def.storageName ?? `${s.def.group}/${s.def.names.plural}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(s);
    }
    return out;
  }

  /** Creates the default namespaces and starts the built-in controllers. */
  async start(): Promise<void> {
    if (this.started) return;
    const ns = this.server.store("", "v1", "namespaces");
    if (!ns) throw new Error("namespaces not served");
    for (const name of defaultNamespaces) {
      try {
        await ns.create(controllerContext("bootstrap"), { apiVersion: "v1", kind: "Namespace", metadata: { name } });
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    }
    await this.bootstrapServices();
    await this.auth.start();
    await this.aggregator.start();
    // like kube-apiserver's repair loop: allocations leaked by dry runs or failed writes are reclaimed
    this.repairTimer = setInterval(() => void this.repairServiceAllocations().catch(() => undefined), 60_000);
    this.repairTimer.unref();
    await this.namespaceController.start();
    await this.gc.start();
    await this.crdController.start();
    this.started = true;
  }

  /** Rebuilds Service IP/port allocations from the stored Services; returns them. */
  private async repairServiceAllocations(): Promise<KubeObject[]> {
    const services = this.server.store("", "v1", "services");
    if (!services) return [];
    const all = await services.list(controllerContext("service-ip-repair"), {});
    repairServiceAllocations(this.serviceAllocator, all.items);
    return all.items;
  }

  /** Repairs allocations and makes sure `default/kubernetes` exists (first service IP). */
  private async bootstrapServices(): Promise<void> {
    const services = this.server.store("", "v1", "services");
    if (!services) return;
    const ctx = controllerContext("bootstrap");
    const all = await this.repairServiceAllocations();
    if (all.some((s) => s.metadata.namespace === "default" && s.metadata.name === "kubernetes")) return;
    try {
      await services.create(
        { ...ctx, namespace: "default" },
        {
          apiVersion: "v1",
          kind: "Service",
          metadata: { name: "kubernetes", namespace: "default", labels: { component: "apiserver", provider: "kubernetes" } },
          spec: { type: "ClusterIP", clusterIP: "10.96.0.1", ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }], sessionAffinity: "None" },
        },
      );
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }

  /** Serves HTTPS on host:port (port 0 = ephemeral); resolves with the bound address. */
  async listen(host: string, port: number, tls: TLSOptions): Promise<AddressInfo> {
    // published in kube-system/extension-apiserver-authentication as client-ca-file
    await this.aggregator.setClientCA(tls.clientCAPEM);
    await this.start();
    const server = createHttpsServer(
      { cert: tls.certPEM, key: tls.keyPEM, ca: tls.clientCAPEM, requestCert: true, rejectUnauthorized: false, keepAliveTimeout: 60_000 },
      this.server.app,
    );
    server.headersTimeout = 0;
    server.requestTimeout = 0;
    // connection upgrades go through the app too (authentication, authorization); aggregated ones are spliced to the backend
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => this.aggregator.acceptUpgrade(req, socket, head, this.server.app));
    this.httpServer = server;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      server.once("error", onError);
      server.listen(port, host, () => {
        server.off("error", onError);
        resolve();
      });
    });
    const addr = server.address() as AddressInfo;
    this.address = `${addr.address}:${addr.port}`;
    return addr;
  }

  /** Stops serving (open watches are ended), the controllers and the storage. */
  async stop(): Promise<void> {
    clearInterval(this.repairTimer);
    this.namespaceController.stop();
    this.gc.stop();
    this.crdController.stop();
    this.auth.stop();
    this.webhooks.stop();
    this.aggregator.stop();
    const server = this.httpServer;
    this.httpServer = undefined;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    }
    await this.storage.close();
  }

  /** Resolves once the built-in controllers have nothing queued (useful in tests). */
  async controllersIdle(): Promise<void> {
    await Promise.all([this.namespaceController.idle(), this.gc.idle(), this.crdController.idle(), this.auth.idle(), this.aggregator.idle()]);
  }
}

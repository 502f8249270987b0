/**
 * An aggregated (extension) API server, the TypeScript counterpart of a k8s.io/apiserver server built with
 * RecommendedOptions like sample-apiserver: the generic API server (storage, strategies, discovery, OpenAPI,
 * tables, watch, admission) for the given resource definitions, on a StorageBackend (memory or etcd), with
 * delegated authentication and authorization, served over HTTPS.
 *
 *   const server = new AggregatedAPIServer({
 *     resources: [flunders],
 *     storage: new EtcdBackend({ endpoints: ["http://127.0.0.1:2379"], prefix: "/wardle" }),
 *     kubeConfig,            // the core API server: TokenReview, SubjectAccessReview, the auth ConfigMap
 *     port: 8443,
 *   });
 *   server.installComputedResource(podMetrics, { get, list });
 *   await server.start();
 *   ...
 *   await server.stop();
 *
 * Contract:
 * - Authentication (DelegatingAuthenticator): front-proxy headers only from a request-header client
 *   certificate with an allowed CN; client certificates of the client CA; bearer tokens by TokenReview;
 *   otherwise anonymous. Configuration from kube-system/extension-apiserver-authentication unless given.
 * - Authorization (DelegatingAuthorizer): system:masters and /healthz, /readyz, /livez allowed; everything
 *   else by SubjectAccessReview.
 * - `start` resolves once the authentication configuration is loaded and the server listens; it throws (and
 *   serves nothing) when the configuration cannot be loaded, as upstream fails to start.
 * - Health: /healthz and /livez (ping), /readyz (also `informer-sync`: the ConfigMap listed; `shutdown`:
 *   fails once `stop` began, so load balancers drain the server first).
 * - `stop`: graceful (serving.ts), then the delegation clients and the storage are closed.
 */
import type { AddressInfo } from "node:net";
import type { KubeConfig } from "@kubernetes/client-node";
import type { StorageBackend } from "../../storage/interface.js";
import { MemoryBackend } from "../../storage/memory.js";
import type { AdmissionChain } from "../admission/types.js";
import { DelegatingAuthenticator, type DelegatingAuthenticationOptions } from "../delegated/authentication.js";
import { DelegatingAuthorizer, type DelegatingAuthorizationOptions } from "../delegated/authorization.js";
import type { SubresourceInfo } from "../discovery.js";
import type { ComputedResourceHandler } from "../handlers/computed.js";
import type { SubresourceHandler } from "../handlers/rest.js";
import type { Store } from "../registry/store.js";
import type { ResourceDefinition } from "../resource.js";
import { APIServer, type VersionInfo } from "../server.js";
import { SecureServer, selfSignedServingCertificate, type ServingCertificate } from "./serving.js";

export interface AggregatedAPIServerOptions {
  /** Stored resources served from the start (more with `installResource`). */
  resources?: readonly ResourceDefinition[];
  /** Storage backend; default a MemoryBackend (EtcdBackend for durability and several replicas). */
  storage?: StorageBackend;
  /**
   * The core API server that authentication and authorization are delegated to (both kubeconfigs); default
   * the in-cluster service account. `authentication.kubeConfig` / `authorization.kubeConfig` override it.
   */
  kubeConfig?: KubeConfig;
  authentication?: DelegatingAuthenticationOptions;
  authorization?: DelegatingAuthorizationOptions;
  /** Serving certificate and key (PEM); default self-signed for localhost, 127.0.0.1, ::1 and the alternates. */
  servingCertificate?: ServingCertificate;
  /** Extra DNS names of the self-signed certificate (e.g. "api.my-ns.svc"). */
  alternateDNS?: readonly string[];
  /** Extra IPs of the self-signed certificate. */
  alternateIPs?: readonly string[];
  /** Bind address; default "0.0.0.0" (upstream's --bind-address). */
  host?: string;
  /** Port; default 0 (ephemeral: see `address`). */
  port?: number;
  version?: VersionInfo;
  admission?: AdmissionChain;
  /** Longest wait for in-flight requests at `stop` (ms); default 10000. */
  shutdownTimeoutMs?: number;
}

export class AggregatedAPIServer {
  /** The generic API server (its express `app`, stores, discovery, admission, health checks). */
  readonly server: APIServer;
  readonly authenticator: DelegatingAuthenticator;
  readonly authorizer: DelegatingAuthorizer;
  readonly storage: StorageBackend;
  private secure: SecureServer | undefined;
  private servingCAPEM: string | undefined;
  private certificate: ServingCertificate | undefined;
  private stopping = false;
  private started: Promise<AddressInfo> | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly opts: AggregatedAPIServerOptions = {}) {
    this.storage = opts.storage ?? new MemoryBackend();
    const authn: DelegatingAuthenticationOptions = { ...opts.authentication };
    const authz: DelegatingAuthorizationOptions = { ...opts.authorization };
    const kc = opts.kubeConfig;
    if (kc && !authn.kubeConfig) authn.kubeConfig = kc;
    if (kc && !authz.kubeConfig) authz.kubeConfig = kc;
    this.authenticator = new DelegatingAuthenticator(authn);
    this.authorizer = new DelegatingAuthorizer(authz);
    this.server = new APIServer({
      storage: this.storage,
      ...(opts.admission ? { admission: opts.admission } : {}),
      ...(opts.version ? { version: opts.version } : {}),
      authenticate: (req) => this.authenticator.authenticate(req),
      authorize: this.authorizer.authorizeRequest,
      serverAddress: () => {
        const a = this.secure?.address;
        return a ? `${a.address}:${a.port}` : `${opts.host ?? "0.0.0.0"}:${opts.port ?? 443}`;
      },
    });
    this.server.addReadyCheck("informer-sync", () => this.authenticator.notReadyReason() ?? this.authorizer.notReadyReason());
    this.server.addReadyCheck("shutdown", () => (this.stopping ? "process is shutting down" : undefined));
    for (const def of opts.resources ?? []) this.server.installResource(def);
  }

  /** Serves a stored resource (see APIServer.installResource); returns its Store. */
  installResource(def: ResourceDefinition, subresources: Record<string, { info: SubresourceInfo; handler: SubresourceHandler }> = {}): Store {
    return this.server.installResource(def, subresources);
  }

  /** Serves a read-only resource computed per request (see APIServer.installComputedResource). */
  installComputedResource(def: ResourceDefinition, handler: ComputedResourceHandler): void {
    this.server.installComputedResource(def, handler);
  }

  /** Starts delegated authentication and authorization, then listens. Resolves with the bound address. */
  start(): Promise<AddressInfo> {
    this.started ??= this.doStart();
    return this.started;
  }

  private async doStart(): Promise<AddressInfo> {
    await Promise.all([this.authenticator.start(), this.authorizer.start()]);
    await this.authenticator.waitForSync(30_000);
    let certificate = this.opts.servingCertificate;
    if (!certificate) {
      const self = await selfSignedServingCertificate(["localhost", ...(this.opts.alternateDNS ?? [])], ["127.0.0.1", "::1", ...(this.opts.alternateIPs ?? [])]);
      this.servingCAPEM = self.caPEM;
      certificate = { certPEM: self.certPEM, keyPEM: self.keyPEM };
    }
    this.certificate = certificate;
    const secure = new SecureServer({
      host: this.opts.host ?? "0.0.0.0",
      port: this.opts.port ?? 0,
      certificate,
      clientCAs: () => this.authenticator.clientCAs(),
      handler: this.server.app,
      shutdownTimeoutMs: this.opts.shutdownTimeoutMs ?? 10_000,
    });
    const addr = await secure.listen();
    this.secure = secure;
    this.unsubscribe = this.authenticator.onConfigChange(() => secure.reloadClientCAs());
    return addr;
  }

  /** The bound address (after `start`). */
  get address(): AddressInfo | undefined {
    return this.secure?.address;
  }

  /** `https://<host>:<port>` of the bound address (127.0.0.1 for a wildcard bind). */
  get url(): string {
    const a = this.address;
    if (!a) throw new Error("AggregatedAPIServer is not listening");
    const host = a.address === "0.0.0.0" || a.address === "::" ? "127.0.0.1" : a.address.includes(":") ? `[${a.address}]` : a.address;
    return `https://${host}:${a.port}`;
  }

  /** The serving certificate (PEM) after `start`, and the CA of a self-signed one (an APIService's caBundle). */
  get serving(): { certPEM: string; caPEM: string | undefined } | undefined {
    return this.certificate ? { certPEM: this.certificate.certPEM, caPEM: this.servingCAPEM } : undefined;
  }

  /** Graceful stop: readyz fails, listening stops, watches end, in-flight requests finish; then everything closes. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.started?.catch(() => undefined);
    this.unsubscribe?.();
    await this.secure?.shutdown();
    await Promise.all([this.authenticator.stop(), this.authorizer.stop()]);
    await this.storage.close();
  }
}

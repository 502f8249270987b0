/**
 * Secure serving of an extension API server (k8s.io/apiserver's SecureServingInfo): HTTPS with a serving
 * certificate (given, or self-signed for localhost/127.0.0.1 like sample-apiserver's
 * MaybeDefaultWithSelfSignedCerts), client certificates requested but not required — the authenticators
 * verify them against their own CA bundles — with the current client CAs announced in the handshake and
 * replaced without a restart when they change, and a graceful shutdown.
 *
 * Shutdown: stop accepting connections; answer requests that arrive on open keep-alive connections with
 * `Connection: close`; end long-running requests (watches) at once; wait up to `shutdownTimeoutMs` for the
 * other in-flight requests; then close every connection.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { createCA } from "../certs.js";

export interface ServingCertificate {
  certPEM: string;
  keyPEM: string;
}

/** A self-signed serving certificate and the CA that signed it (give `caPEM` as the APIService's caBundle). */
export interface SelfSignedServingCertificate extends ServingCertificate {
  caPEM: string;
}

/** A CA and a serving certificate for `dnsNames` and `ips` (GenerateSelfSignedCertKey: CN "<host>@<unix time>"). */
export async function selfSignedServingCertificate(dnsNames: readonly string[], ips: readonly string[]): Promise<SelfSignedServingCertificate> {
  const host = dnsNames[0] ?? ips[0] ?? "localhost";
  const stamp = Math.floor(Date.now() / 1000);
  const ca = await createCA(`${host}-ca@${stamp}`);
  const cert = await ca.issue({ subject: `CN=${host}@${stamp}`, dnsNames: [...dnsNames], ips: [...ips], server: true });
  return { ...cert, caPEM: ca.certPEM };
}

export interface SecureServerOptions {
  host: string;
  port: number;
  certificate: ServingCertificate;
  /** The CA bundles (PEM) announced to clients in the certificate request; read at start and on `reloadClientCAs`. */
  clientCAs: () => string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Longest wait for in-flight requests at shutdown (ms). */
  shutdownTimeoutMs: number;
}

/** Whether a request stays open indefinitely (watch, upgrade): it is ended, not waited for, at shutdown. */
export function isLongRunning(req: IncomingMessage): boolean {
  if (req.headers.upgrade) return true;
  const url = new URL(req.url ?? "/", "http://localhost");
  const watch = url.searchParams.get("watch");
  return watch === "true" || watch === "1" || /^\/apis?\/(?:[^/]+\/)?[^/]+\/watch\//.test(url.pathname);
}

export class SecureServer {
  private server: Server | undefined;
  private readonly inFlight = new Map<ServerResponse, boolean>();
  private shuttingDown = false;
  private idle: (() => void) | undefined;

  constructor(private readonly opts: SecureServerOptions) {}

  private secureContext(): { cert: string; key: string; ca?: string[] } {
    const cas = this.opts.clientCAs();
    return { cert: this.opts.certificate.certPEM, key: this.opts.certificate.keyPEM, ...(cas.length ? { ca: cas } : {}) };
  }

  /** Listens; resolves with the bound address. */
  async listen(): Promise<AddressInfo> {
    const server = createServer({ ...this.secureContext(), requestCert: true, rejectUnauthorized: false, keepAliveTimeout: 60_000 }, (req, res) => this.serve(req, res));
    server.headersTimeout = 0;
    server.requestTimeout = 0;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      server.once("error", onError);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off("error", onError);
        resolve();
      });
    });
    this.server = server;
    return server.address() as AddressInfo;
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    if (this.shuttingDown) res.setHeader("Connection", "close");
    this.inFlight.set(res, isLongRunning(req));
    res.once("close", () => {
      this.inFlight.delete(res);
      if (this.idle && ![...this.inFlight.values()].some((long) => !long)) this.idle();
    });
    this.opts.handler(req, res);
  }

  /** Announces the current client CAs to new connections (after a CA rotation). */
  reloadClientCAs(): void {
    this.server?.setSecureContext(this.secureContext());
  }

  get address(): AddressInfo | undefined {
    return this.server?.address() as AddressInfo | undefined;
  }

  /** Graceful shutdown (see the module comment). Idempotent. */
  async shutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.shuttingDown = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    for (const [res, long] of this.inFlight) if (long) res.end();
    if ([...this.inFlight.values()].some((long) => !long)) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.opts.shutdownTimeoutMs);
        this.idle = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.idle = undefined;
    }
    server.closeAllConnections();
    await closed;
  }
}

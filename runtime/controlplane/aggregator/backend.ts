/**
 * How the aggregator reaches the server behind an APIService (kube-aggregator's BuildTransportConfig and endpoint
 * service resolver): the Service resolves to one of its Endpoints (which may name 127.0.0.1 on this machine);
 * the connection is HTTPS with the front-proxy client certificate, SNI `<service>.<namespace>.svc`, and the
 * serving certificate is verified for that name against `spec.caBundle` (the system roots when empty) unless
 * `spec.insecureSkipTLSVerify`.
 */
import { Agent, request, type RequestOptions } from "node:https";
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders } from "node:http";
import { isIP } from "node:net";
import { goTransportError } from "../webhook/client.js";
import { caBundlePEM, type ServiceResolver } from "../webhook/resolve.js";
import type { APIService } from "../builtin/apiregistration/types.js";
import { serviceRef } from "../builtin/apiregistration/types.js";
import type { FrontProxyCredentials } from "./frontproxy.js";

/** Where and how to reach an APIService's backend. */
export interface BackendTarget {
  apiService: string;
  namespace: string;
  name: string;
  port: number;
  /** `<name>.<namespace>.svc`: SNI and the name the serving certificate must carry. */
  serverName: string;
  caPEM?: string;
  insecureSkipTLSVerify: boolean;
}

/** The target of an APIService with a service reference; undefined for a local one. */
export function backendTarget(svc: APIService): BackendTarget | undefined {
  const ref = serviceRef(svc);
  if (!ref) return undefined;
  const caPEM = caBundlePEM(svc.spec?.caBundle);
  return {
    apiService: svc.metadata.name ?? "",
    namespace: ref.namespace,
    name: ref.name,
    port: ref.port,
    serverName: `${ref.name}.${ref.namespace}.svc`,
    ...(caPEM ? { caPEM } : {}),
    insecureSkipTLSVerify: svc.spec?.insecureSkipTLSVerify === true,
  };
}

/** "host:port" as Go prints an address (IPv6 in brackets). */
export function hostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A Node transport failure in the words of Go's net/http (dial, TLS, malformed responses). */
export function transportErrorMessage(err: unknown, host: string, port: number): string {
  const e = err as NodeJS.ErrnoException & { rawPacket?: Buffer };
  if (typeof e?.code === "string" && e.code.startsWith("HPE_")) {
    const first = e.rawPacket ? e.rawPacket.toString("latin1").split(/\r?\n/)[0] ?? "" : "";
    return `net/http: HTTP/1.x transport connection broken: malformed HTTP response ${JSON.stringify(first)}`;
  }
  if (e?.code === "ECONNRESET" || e?.message === "socket hang up") return "EOF";
  return goTransportError(err, host, port);
}

export interface BackendRequest {
  method: string;
  /** Path and query. */
  path: string;
  headers: OutgoingHttpHeaders;
  /** Skip verifying the serving certificate (the availability check does, as upstream's). */
  insecure?: boolean;
  /** A fresh connection that is not pooled (connection upgrades). */
  fresh?: boolean;
}

/** Opens requests to backends: resolution through the Service's Endpoints, TLS as described above, pooled connections. */
export class BackendConnector {
  private readonly agent = new Agent({ keepAlive: true, maxFreeSockets: 32, scheduling: "lifo" });
  private readonly open = new Set<ClientRequest>();

  constructor(
    private readonly resolver: ServiceResolver,
    private readonly frontProxy: () => FrontProxyCredentials,
  ) {}

  /** The endpoint address for the target's Service port; throws when it cannot be resolved. */
  resolve(target: BackendTarget): Promise<{ host: string; port: number }> {
    return this.resolver.resolve(target.namespace, target.name, target.port);
  }

  /** Starts a request to `addr` (the caller writes the body and ends it). */
  request(target: BackendTarget, addr: { host: string; port: number }, req: BackendRequest, onResponse?: (res: IncomingMessage) => void): ClientRequest {
    const creds = this.frontProxy();
    const insecure = req.insecure === true || target.insecureSkipTLSVerify;
    const opts: RequestOptions = {
      host: addr.host,
      port: addr.port,
      method: req.method,
      path: req.path,
      headers: req.headers,
      servername: target.serverName,
      cert: creds.certPEM,
      key: creds.keyPEM,
      rejectUnauthorized: !insecure,
      ...(target.caPEM && !insecure ? { ca: target.caPEM } : {}),
      agent: req.fresh ? false : this.agent,
    };
    const r = onResponse ? request(opts, onResponse) : request(opts);
    this.open.add(r);
    r.once("close", () => this.open.delete(r));
    return r;
  }

  /**
   * A GET whose whole response is read, within `timeoutMs` (resolution included). Rejects with Go-style
   * wording: `Get "<url>": <transport error>` or `... context deadline exceeded`.
   */
  async get(target: BackendTarget, path: string, headers: OutgoingHttpHeaders, timeoutMs: number): Promise<{ status: number; contentType: string; body: Buffer }> {
    const deadline = Date.now() + timeoutMs;
    const addr = await this.resolve(target);
    const url = `https://${hostPort(addr.host, addr.port)}${path}`;
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (f: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        f();
      };
      const req = this.request(target, addr, { method: "GET", path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => settle(() => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks) })));
        res.on("error", (err) => settle(() => reject(new Error(`Get ${JSON.stringify(url)}: ${transportErrorMessage(err, addr.host, addr.port)}`))));
      });
      const timer = setTimeout(() => {
        settle(() => reject(new Error(`Get ${JSON.stringify(url)}: context deadline exceeded`)));
        req.destroy();
      }, Math.max(0, deadline - Date.now()));
      req.on("error", (err) => settle(() => reject(new Error(`Get ${JSON.stringify(url)}: ${transportErrorMessage(err, addr.host, addr.port)}`))));
      req.end();
    });
  }

  /** Ends every open backend request and pooled connection (shutdown). */
  close(): void {
    for (const r of this.open) r.destroy();
    this.open.clear();
    this.agent.destroy();
  }
}

/**
 * A plain Node `https` client with a keep-alive agent and a client certificate: the transport every
 * target (kubeforge, the Node peer, etcd's JSON gateway) is measured with, so that client cost is equal.
 */
import { Agent, request as httpsRequest } from "node:https";
import type { ClientRequest, IncomingMessage } from "node:http";

/** Where a target listens and the credentials to talk to it (PEM strings). */
export interface Endpoint {
  url: string;
  caPEM: string;
  certPEM: string;
  keyPEM: string;
}

export interface Response {
  status: number;
  body: Buffer;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

export class HttpsClient {
  readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(
    readonly endpoint: Endpoint,
    maxSockets = 64,
  ) {
    const u = new URL(endpoint.url);
    this.host = u.hostname;
    this.port = Number(u.port || 443);
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, ca: endpoint.caPEM, cert: endpoint.certPEM, key: endpoint.keyPEM });
  }

  /** Sends one request and buffers the whole response body. */
  request(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Response> {
    return new Promise((resolve, reject) => {
      const req = this.open(method, path, body, headers, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks) }));
        res.on("error", reject);
      });
      req.on("error", reject);
    });
  }

  /** Like request, but throws HttpError unless the status is 2xx. */
  async expectOK(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Buffer> {
    const res = await this.request(method, path, body, headers);
    if (res.status < 200 || res.status > 299) throw new HttpError(res.status, res.body.toString(), `${method} ${path}`);
    return res.body;
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const buf = await this.expectOK(method, path, body === undefined ? undefined : JSON.stringify(body), { "Content-Type": "application/json" });
    return JSON.parse(buf.toString()) as T;
  }

  /** Opens a streaming request (a watch): `onChunk` sees each chunk; resolves once the response headers arrived. */
  stream(method: string, path: string, body: string | undefined, onChunk: (chunk: Buffer) => void): Promise<StreamHandle> {
    return new Promise((resolve, reject) => {
      // a dedicated agent-less socket per watch: a watch must never hold a pooled socket the load needs
      const req = this.open(method, path, body, { "Content-Type": "application/json" }, (res) => {
        if ((res.statusCode ?? 0) !== 200) {
          reject(new HttpError(res.statusCode ?? 0, "", `${method} ${path}`));
          res.resume();
          return;
        }
        res.on("data", onChunk);
        res.on("error", () => undefined);
        resolve({ close: () => req.destroy() });
      }, false);
      req.on("error", (err) => reject(err));
    });
  }

  close(): void {
    this.agent.destroy();
  }

  private open(method: string, path: string, body: string | Buffer | undefined, headers: Record<string, string>, onResponse: (res: IncomingMessage) => void, pooled = true): ClientRequest {
    const hdrs: Record<string, string | number> = { Accept: "application/json", ...headers };
    if (body !== undefined) hdrs["Content-Length"] = Buffer.byteLength(body);
    const req = httpsRequest(
      {
        host: this.host,
        port: this.port,
        method,
        path,
        headers: hdrs,
        ...(pooled ? { agent: this.agent } : { agent: false, ca: this.endpoint.caPEM, cert: this.endpoint.certPEM, key: this.endpoint.keyPEM }),
      },
      onResponse,
    );
    req.end(body);
    return req;
  }
}

export interface StreamHandle {
  close(): void;
}

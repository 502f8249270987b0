/**
 * HTTP(S) transport of the client: one keep-alive `Agent` per client, credentials and TLS settings from a
 * @kubernetes/client-node `KubeConfig`, client-side rate limiting, `Warning` headers, client-go's retry rules,
 * and every failure as a typed error (`ApiError` subclasses for responses, `TransportError` without one).
 *
 * Why not client-node's generated clients: they open a new TLS connection per request (about 130 requests/s
 * against the local control plane); here sockets are reused.
 *
 * Credentials: `KubeConfig.applyToHTTPSOptions` is called once for static credentials (client certificate,
 * token, basic auth, impersonation) and before every request for users with an `exec` plugin or an
 * `auth-provider` (client-node caches and refreshes those tokens itself). The TLS settings it returns (CA,
 * client certificate and key, server name, insecure-skip-tls-verify) build the keep-alive agent. Clusters with
 * a `proxy-url` use client-node's proxy agent instead (keep-alive then depends on that agent).
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import type { KubeConfig } from "@kubernetes/client-node";
import { apiErrorFromResponse, DecodeError, TransportError, type RequestInfo } from "./errors.js";
import { rateLimiterFor, type RateLimiter } from "./ratelimit.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface HttpRequest {
  method: HttpMethod;
  /** API path from the server root, e.g. "/api/v1/namespaces/default/pods" (the cluster URL's own path is prefixed). */
  path: string;
  query?: URLSearchParams;
  /** JSON-encoded unless a string or Buffer. */
  body?: unknown;
  /** Default "application/json" when there is a body. */
  contentType?: string;
  /** Default "application/json". */
  accept?: string;
  signal?: AbortSignal;
  /** Per-request timeout in ms (overrides the transport's; 0 = none). Not applied to streams. */
  timeoutMs?: number;
}

export interface HttpResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One `Warning` response header entry (RFC 7234 `warn-code warn-agent "warn-text"`). */
export interface WarningInfo {
  code: number;
  agent: string;
  method: string;
  path: string;
}

export type WarningHandler = (message: string, info: WarningInfo) => void;

export interface TransportOptions {
  /** Requests per second (default 20); 0 or negative: unlimited. */
  qps?: number;
  /** Bucket size (default 30). */
  burst?: number;
  /** Replaces the qps/burst token bucket. */
  rateLimiter?: RateLimiter;
  /** Default `kubeforge (<os>/<arch>) node/<version>`. */
  userAgent?: string;
  /** Called for every `Warning` header entry of every response. */
  onWarning?: WarningHandler;
  /** Timeout of non-watch requests in ms (default 0: none, like client-go). */
  timeoutMs?: number;
  /**
   * Retries of a request answered 429, or 5xx with `Retry-After`, after the delay the server asked for
   * (client-go's rule; default 10). A request sent on a reused keep-alive socket that the server had already
   * closed (ECONNRESET/EPIPE before any response) is resent once in addition.
   */
  maxRetries?: number;
  /** Upper bound of sockets to the server (default unlimited: watches hold one each). */
  maxSockets?: number;
}

/** Counters of a transport (for tests and metrics). */
export interface TransportStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Distinct sockets (TCP/TLS connections) requests went out on. */
  sockets: number;
  /** Requests resent (429/5xx Retry-After, stale keep-alive socket). */
  retries: number;
}

interface Setup {
  base: URL;
  prefix: string;
  agent: http.Agent;
  headers: Record<string, string | string[]>;
  isHttps: boolean;
  /** Re-reads the auth headers before each request (exec / auth-provider users). */
  dynamicAuth: boolean;
}

const defaultUserAgent = `kubeforge (${process.platform}/${process.arch === "x64" ? "amd64" : process.arch}) node/${process.version}`;
const maxRetryDelaySeconds = 30;

export class Transport {
  readonly stats: TransportStats = { requests: 0, sockets: 0, retries: 0 };
  private readonly limiter: RateLimiter;
  private readonly userAgent: string;
  private readonly maxRetries: number;
  private setupPromise: Promise<Setup> | undefined;
  private readonly seenSockets = new WeakSet<Socket>();
  private closed = false;

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly opts: TransportOptions = {},
  ) {
    this.limiter = opts.rateLimiter ?? rateLimiterFor(opts.qps, opts.burst);
    this.userAgent = opts.userAgent ?? defaultUserAgent;
    this.maxRetries = Math.max(0, opts.maxRetries ?? 10);
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error("kubeconfig has no current cluster (check current-context)");
  }

  /** The server URL of the kubeconfig's current cluster. */
  get server(): string {
    return this.kubeConfig.getCurrentCluster()?.server ?? "";
  }

  private setup(): Promise<Setup> {
    this.setupPromise ??= this.buildSetup().catch((err: unknown) => {
      this.setupPromise = undefined;
      throw err;
    });
    return this.setupPromise;
  }

  private async buildSetup(): Promise<Setup> {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error("kubeconfig has no current cluster (check current-context)");
    const base = new URL(cluster.server);
    const isHttps = base.protocol === "https:";
    if (!isHttps && base.protocol !== "http:") throw new Error(`kubeconfig cluster ${cluster.name}: unsupported server URL ${cluster.server}`);
    const opts = await this.httpsOptions(isHttps);
    const user = this.kubeConfig.getCurrentUser();
    let agent: http.Agent;
    if (cluster.proxyUrl && opts.agent instanceof http.Agent) {
      agent = opts.agent;
    } else if (isHttps) {
      const ao: https.AgentOptions = { keepAlive: true, scheduling: "lifo" };
      if (this.opts.maxSockets) ao.maxSockets = this.opts.maxSockets;
      if (opts.ca !== undefined) ao.ca = opts.ca;
      if (opts.cert !== undefined) ao.cert = opts.cert;
      if (opts.key !== undefined) ao.key = opts.key;
      if (opts.pfx !== undefined) ao.pfx = opts.pfx;
      if (opts.passphrase !== undefined) ao.passphrase = opts.passphrase;
      if (opts.servername !== undefined) ao.servername = opts.servername;
      if (opts.rejectUnauthorized !== undefined) ao.rejectUnauthorized = opts.rejectUnauthorized;
      agent = new https.Agent(ao);
    } else {
      const ao: http.AgentOptions = { keepAlive: true, scheduling: "lifo" };
      if (this.opts.maxSockets) ao.maxSockets = this.opts.maxSockets;
      agent = new http.Agent(ao);
    }
    return {
      base,
      prefix: base.pathname.replace(/\/+$/, ""),
      agent,
      headers: authHeaders(opts),
      isHttps,
      dynamicAuth: !!(user?.exec || user?.authProvider),
    };
  }

  /** client-node's request options for the current context (TLS material and auth headers). */
  private async httpsOptions(isHttps: boolean): Promise<https.RequestOptions> {
    const opts: https.RequestOptions = {};
    try {
      await this.kubeConfig.applyToHTTPSOptions(opts);
    } catch (err) {
      // client-node refuses plain-http servers without insecure-skip-tls-verify while building its agent,
      // after it has applied the auth headers; kubectl accepts them, and so do we
      if (isHttps || opts.headers === undefined) throw err;
    }
    return opts;
  }

  /** Sends a request and reads the whole response; error statuses throw an ApiError. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const res = await this.send(req, false);
    const body = await readAll(res, req);
    return { statusCode: res.statusCode ?? 0, headers: res.headers, body };
  }

  /** As `request`, parsing the body as JSON. */
  async requestJSON<T>(req: HttpRequest): Promise<T> {
    const res = await this.request(req);
    return parseJSON<T>(res.body, info(req));
  }

  /**
   * Sends a request and resolves with the response stream once a 2xx status arrives (for watches); error
   * statuses throw an ApiError. The caller must consume or destroy the stream.
   */
  stream(req: HttpRequest): Promise<IncomingMessage> {
    return this.send(req, true);
  }

  /** Closes idle keep-alive sockets and refuses further requests. */
  close(): void {
    this.closed = true;
    void this.setupPromise?.then((s) => s.agent.destroy()).catch(() => undefined);
  }

  private async send(req: HttpRequest, isStream: boolean): Promise<IncomingMessage> {
    if (this.closed) throw new TransportError(info(req), new Error("client is closed"));
    const setup = await this.setup();
    let staleRetried = false;
    for (let attempt = 0; ; attempt++) {
      await this.limiter.wait(req.signal);
      let res: IncomingMessage;
      try {
        res = await this.sendOnce(setup, req, isStream);
      } catch (err) {
        const e = err as { stale?: boolean };
        if (e.stale && !staleRetried && !req.signal?.aborted) {
          staleRetried = true;
          this.stats.retries++;
          attempt--;
          continue;
        }
        throw err;
      }
      const code = res.statusCode ?? 0;
      this.handleWarnings(res, req);
      if (code >= 200 && code < 300) return res;
      const body = await readAll(res, req);
      const retryAfter = retryAfterSeconds(res.headers);
      if ((code === 429 || (code >= 500 && retryAfter !== undefined)) && attempt < this.maxRetries) {
        this.stats.retries++;
        await sleep(Math.min(retryAfter ?? 1, maxRetryDelaySeconds) * 1000, req.signal);
        continue;
      }
      throw apiErrorFromResponse(code, body, { request: info(req), ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}) });
    }
  }

  private async sendOnce(setup: Setup, req: HttpRequest, isStream: boolean): Promise<IncomingMessage> {
    const headers: OutgoingHttpHeaders = { ...setup.headers };
    if (setup.dynamicAuth) Object.assign(headers, authHeaders(await this.httpsOptions(setup.isHttps)));
    headers["User-Agent"] = this.userAgent;
    headers.Accept = req.accept ?? "application/json";
    let payload: Buffer | undefined;
    if (req.body !== undefined) {
      payload = Buffer.isBuffer(req.body) ? req.body : Buffer.from(typeof req.body === "string" ? req.body : JSON.stringify(req.body));
      headers["Content-Type"] = req.contentType ?? "application/json";
      headers["Content-Length"] = payload.length;
    }
    const qs = req.query?.toString();
    const path = `${setup.prefix}${req.path}${qs ? `?${qs}` : ""}`;
    const options: http.RequestOptions = {
      method: req.method,
      protocol: setup.base.protocol,
      hostname: setup.base.hostname.replace(/^\[|\]$/g, ""),
      port: setup.base.port || (setup.isHttps ? 443 : 80),
      path,
      headers,
      agent: setup.agent,
    };
    const timeoutMs = isStream ? 0 : (req.timeoutMs ?? this.opts.timeoutMs ?? 0);
    const mod = setup.isHttps ? https : http;
    this.stats.requests++;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const r = mod.request(options);
      let response: IncomingMessage | undefined;
      let timer: NodeJS.Timeout | undefined;
      // an abort or timeout before the response rejects; after it, it destroys the body stream (whose reader fails)
      const onAbort = (): void => {
        if (response) response.destroy();
        else {
          r.destroy();
          reject(req.signal?.reason);
        }
      };
      const cleanup = (): void => {
        if (timer) clearTimeout(timer);
        req.signal?.removeEventListener("abort", onAbort);
      };
      r.on("socket", (s: Socket) => {
        if (!this.seenSockets.has(s)) {
          this.seenSockets.add(s);
          this.stats.sockets++;
        }
      });
      r.on("response", (res) => {
        response = res;
        res.once("close", cleanup);
        resolve(res);
      });
      r.on("error", (err: NodeJS.ErrnoException) => {
        if (response) return;
        cleanup();
        if (req.signal?.aborted) {
          reject(req.signal.reason);
          return;
        }
        const te = new TransportError(info(req), err);
        if (r.reusedSocket && (err.code === "ECONNRESET" || err.code === "EPIPE")) Object.assign(te, { stale: true });
        reject(te);
      });
      if (req.signal) {
        if (req.signal.aborted) {
          onAbort();
          return;
        }
        req.signal.addEventListener("abort", onAbort, { once: true });
      }
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          const err = Object.assign(new Error(`request timed out after ${timeoutMs} ms`), { code: "ETIMEDOUT" });
          if (response) response.destroy(err);
          else r.destroy(err);
        }, timeoutMs);
      }
      r.end(payload);
    });
  }

  private handleWarnings(res: IncomingMessage, req: HttpRequest): void {
    const handler = this.opts.onWarning;
    if (!handler) return;
    const raw = res.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      if (raw[i]?.toLowerCase() !== "warning") continue;
      for (const w of parseWarningHeader(raw[i + 1] ?? "")) {
        try {
          handler(w.text, { code: w.code, agent: w.agent, method: req.method, path: req.path });
        } catch {
          // a failing warning handler must not fail the request
        }
      }
    }
  }
}

function info(req: HttpRequest): RequestInfo {
  const qs = req.query?.toString();
  return { method: req.method, path: qs ? `${req.path}?${qs}` : req.path };
}

function authHeaders(opts: https.RequestOptions): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const h = opts.headers;
  if (h && !Array.isArray(h)) {
    for (const [k, v] of Object.entries(h)) {
      if (v === undefined) continue;
      out[k] = Array.isArray(v) ? v.map(String) : String(v);
    }
  }
  if (opts.auth && out.Authorization === undefined && out.authorization === undefined) {
    out.Authorization = `Basic ${Buffer.from(opts.auth).toString("base64")}`;
  }
  return out;
}

function readAll(res: IncomingMessage, req: HttpRequest): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let done = false;
    const fail = (err: unknown): void => {
      if (done) return;
      done = true;
      reject(req.signal?.aborted ? req.signal.reason : new TransportError(info(req), err));
    };
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
    res.on("error", fail);
    res.on("close", () => fail(new Error("connection closed before the response was complete")));
  });
}

function parseJSON<T>(body: Buffer, request: RequestInfo): T {
  const text = body.toString("utf8");
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new DecodeError(`${request.method} ${request.path}: response is not JSON: ${(err as Error).message}`, text, request, { cause: err });
  }
}

/** `Retry-After` in seconds (integer form; HTTP dates are ignored like client-go does). */
function retryAfterSeconds(headers: IncomingHttpHeaders): number | undefined {
  const v = headers["retry-after"];
  if (v === undefined || !/^\d+$/.test(v.trim())) return undefined;
  return Number(v.trim());
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Parses a `Warning` header value: one or more `code agent "text" ["date"]` entries separated by commas
 * (k8s.io/apimachinery/pkg/util/net.ParseWarningHeaders). Malformed entries are skipped.
 */
export function parseWarningHeader(value: string): { code: number; agent: string; text: string }[] {
  const out: { code: number; agent: string; text: string }[] = [];
  let i = 0;
  const n = value.length;
  const skipSpace = (): void => {
    while (i < n && (value[i] === " " || value[i] === "\t")) i++;
  };
  const quoted = (): string | undefined => {
    if (value[i] !== '"') return undefined;
    i++;
    let s = "";
    while (i < n && value[i] !== '"') {
      if (value[i] === "\\" && i + 1 < n) i++;
      s += value[i];
      i++;
    }
    if (i >= n) return undefined;
    i++;
    return s;
  };
  while (i < n) {
    skipSpace();
    const codeMatch = /^(\d{3})\s+/.exec(value.slice(i));
    if (!codeMatch?.[1]) break;
    i += codeMatch[0].length;
    const agentMatch = /^(\S+)\s+/.exec(value.slice(i));
    if (!agentMatch?.[1]) break;
    i += agentMatch[0].length;
    const text = quoted();
    if (text === undefined) break;
    skipSpace();
    if (value[i] === '"') quoted();
    out.push({ code: Number(codeMatch[1]), agent: agentMatch[1], text });
    skipSpace();
    if (value[i] !== ",") break;
    i++;
  }
  return out;
}

/**
 * The HTTPS client kube-apiserver uses to call admission and conversion webhooks (k8s.io/apiserver/pkg/util/webhook):
 * a JSON POST to the webhook's URL with `?timeout=<n>s` appended, trusting only the configuration's caBundle (the
 * system roots when it is empty), verifying the serving certificate against the host name the configuration names
 * (`<service>.<namespace>.svc` for service references) while connecting to wherever that name resolves.
 *
 * Errors read like Go's net/http and rest client errors, which is what upstream's messages embed:
 * `Post "https://svc.ns.svc:443/path?timeout=10s": context deadline exceeded`.
 */
import { request } from "node:https";
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import type { PeerCertificate } from "node:tls";

/** Where a call goes. */
export interface WebhookEndpoint {
  /** The URL the request names, without the timeout parameter. */
  url: URL;
  /** The URL as Go prints it (a service reference keeps its explicit :443), without the timeout parameter. */
  display: string;
  /** The address to connect to (a Service's endpoint); resolution errors fail the call like dial errors. */
  resolve(): Promise<{ host: string; port: number }>;
  /** PEM CA bundle to trust; undefined = the system roots. */
  caPEM?: string;
}

/** A failed call: `message` is the Go-style error text (without any "failed calling webhook" prefix). */
export class WebhookCallError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WebhookCallError";
  }
}

/** time.Duration.String() for whole milliseconds (10s, 1.5s, 250ms). */
export function formatGoDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  const rest = s - m * 60;
  if (m < 60) return `${m}m${rest}s`;
  return `${Math.floor(m / 60)}h${m % 60}m${rest}s`;
}

/** Go's JSON syntax error for a body that is not JSON (the first offending character). */
function goJSONError(text: string): string {
  const trimmed = text.trimStart();
  if (trimmed === "") return "unexpected end of JSON input";
  const c = trimmed[0] ?? "";
  if (!`{["-0123456789tfn`.includes(c)) return `invalid character '${c}' looking for beginning of value`;
  return "invalid JSON";
}

const unknownAuthority = new Set(["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "UNABLE_TO_GET_ISSUER_CERT", "CERT_SIGNATURE_FAILURE"]);

/** A Node network/TLS error as Go's transport would word it (also used by the aggregator's proxy). */
export function goTransportError(err: unknown, host: string, port: number): string {
  const e = err as NodeJS.ErrnoException & { cert?: PeerCertificate; host?: string };
  const code = e?.code ?? "";
  if (unknownAuthority.has(code)) return "tls: failed to verify certificate: x509: certificate signed by unknown authority";
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") return "tls: failed to verify certificate: x509: certificate has expired or is not yet valid";
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    const names = (e.cert?.subjectaltname ?? "")
      .split(/,\s*/)
      .filter((n) => n.startsWith("DNS:") || n.startsWith("IP Address:"))
      .map((n) => n.replace(/^DNS:|^IP Address:/, ""));
    return `tls: failed to verify certificate: x509: certificate is valid for ${names.join(", ")}, not ${e.host ?? ""}`;
  }
  if (code === "ECONNREFUSED") return `dial tcp ${host}:${port}: connect: connection refused`;
  if (code === "ECONNRESET") return "EOF";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `dial tcp: lookup ${host}: no such host`;
  return e instanceof Error ? e.message : String(err);
}

const statusMessages: Record<number, string> = {
  400: "the server rejected our request for an unknown reason",
  401: "the server has asked for the client to provide credentials",
  403: "the server does not allow access to the requested resource",
  404: "the server could not find the requested resource",
  405: "the server does not allow this method on the requested resource",
  406: "the server was unable to respond with a content type that the client supports",
  409: "the server reported a conflict",
  410: "the server has asked for the client to provide credentials",
  415: "the server was unable to respond with a content type that the client supports",
  422: "the server rejected our request due to an error in our request",
  429: "the server has received too many requests and has asked us to try again later",
  503: "the server is currently unable to handle the request",
  504: "the server was unable to return a response in the time allotted, but may still be processing the request",
};

/** client-go's message for a non-2xx response that is not a Status object. */
function unstructuredResponseError(status: number, body: string): string {
  const parsed = safeJSON(body);
  if (parsed && typeof parsed === "object" && (parsed as { kind?: unknown }).kind === "Status") {
    const msg = (parsed as { message?: unknown }).message;
    if (typeof msg === "string" && msg) return msg;
  }
  if (status === 500 || status === 502) {
    const text = body.trim();
    return text ? `an error on the server ("${text.slice(0, 1024)}") has prevented the request from succeeding` : "an error on the server (\"unknown\") has prevented the request from succeeding";
  }
  return statusMessages[status] ?? `the server responded with the status code ${status} but did not return more information`;
}

function safeJSON(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * POSTs `body` as JSON and returns the parsed response. Rejects with a WebhookCallError: transport failures and
 * timeouts as `Post "<url>": <reason>`, non-2xx answers and undecodable bodies with client-go's wording.
 */
export async function postJSON(endpoint: WebhookEndpoint, body: unknown, timeoutMs: number): Promise<unknown> {
  const printed = `${endpoint.display}${endpoint.display.includes("?") ? "&" : "?"}timeout=${formatGoDuration(timeoutMs)}`;
  const fail = (reason: string, cause?: unknown): WebhookCallError => new WebhookCallError(`Post "${printed}": ${reason}`, { cause });
  const deadline = Date.now() + timeoutMs;
  let target: { host: string; port: number };
  try {
    target = await withDeadline(endpoint.resolve(), deadline);
  } catch (err) {
    if (err === deadlineExceeded) throw fail("context deadline exceeded");
    throw fail(err instanceof Error ? err.message : String(err), err);
  }
  const payload = JSON.stringify(body);
  const hostname = endpoint.url.hostname.replace(/^\[(.*)\]$/, "$1");
  const path = `${endpoint.url.pathname || "/"}?timeout=${formatGoDuration(timeoutMs)}`;
  const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    let settled = false;
    const done = (f: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      f();
    };
    const req = request(
      {
        host: target.host,
        port: target.port,
        method: "POST",
        path,
        // SNI and the certificate check use the configured host name (an IP address is checked against the IP SANs)
        ...(isIP(hostname) ? {} : { servername: hostname }),
        headers: { "Content-Type": "application/json", Accept: "application/json, */*", "Content-Length": Buffer.byteLength(payload), Host: endpoint.url.host },
        ...(endpoint.caPEM ? { ca: endpoint.caPEM } : {}),
        agent: false,
        rejectUnauthorized: true,
      },
      (r: IncomingMessage) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => done(() => resolve({ status: r.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") })));
        r.on("error", (err) => done(() => reject(fail(goTransportError(err, target.host, target.port), err))));
      },
    );
    const timer = setTimeout(() => {
      done(() => reject(fail("context deadline exceeded")));
      req.destroy();
    }, Math.max(0, deadline - Date.now()));
    req.on("error", (err) => done(() => reject(fail(goTransportError(err, target.host, target.port), err))));
    req.end(payload);
  });
  if (res.status < 200 || res.status > 299) throw new WebhookCallError(unstructuredResponseError(res.status, res.text));
  const parsed = safeJSON(res.text);
  if (parsed === undefined) throw new WebhookCallError(`couldn't get version/kind; json parse error: ${goJSONError(res.text)}`);
  return parsed;
}

const deadlineExceeded = Symbol("deadline exceeded");

function withDeadline<T>(p: Promise<T>, deadline: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(deadlineExceeded), Math.max(0, deadline - Date.now()));
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

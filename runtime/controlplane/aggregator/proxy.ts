/**
 * The aggregator's proxy (kube-aggregator's proxyHandler with apimachinery's UpgradeAwareHandler): forwards an
 * authenticated request for an aggregated group-version to a backend endpoint of the APIService's Service.
 *
 * - The client's credentials and identity claims (`Authorization`, `Impersonate-*`, every `X-Remote-*`) and the
 *   hop-by-hop headers are dropped; the user the control plane authenticated goes as front-proxy headers, over a
 *   connection that presents the front-proxy client certificate (see frontproxy.ts and backend.ts).
 * - The response (status, headers, body) is passed through as it arrives: watch streams flush every chunk, and
 *   the backend request is aborted when the client goes away.
 * - Connection upgrades (exec, attach, port-forward, websockets) are forwarded and then spliced byte for byte.
 * - Failures: an endpoint that cannot be resolved is 503 "service unavailable"; a backend that cannot be
 *   reached or answers garbage is 503 with the transport error; a request that is not long-running (watch or an
 *   upgrade) and does not complete within `requestTimeoutMs` (or the client's shorter `?timeout=`) is 504 with
 *   kube-apiserver's timeout message, and the backend request is abandoned. All errors are metav1.Status objects.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { UserInfo } from "../../apiserver/admission/types.js";
import { sendError } from "../../apiserver/http/respond.js";
import { parseRequestInfo } from "../../apiserver/requestinfo.js";
import { parseGoDuration } from "../../core/duration.js";
import { newServiceUnavailable, newTimeout } from "../../core/errors.js";
import { hostPort, transportErrorMessage, type BackendConnector, type BackendTarget } from "./backend.js";
import { frontProxyHeaders, isIdentityHeader } from "./frontproxy.js";

export interface ProxyOptions {
  /** Deadline of requests that are not long-running (kube-apiserver's --request-timeout, 60 s). */
  requestTimeoutMs: number;
}

/** A connection upgrade the server handed over: the client socket and the bytes read past the request head. */
export interface UpgradeConnection {
  socket: Duplex;
  head: Buffer;
}

const hopByHop = new Set(["connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length"]);

const longRunningSubresources = new Set(["proxy", "attach", "exec", "log", "portforward"]);

export const timeoutMessage = "Timeout: request did not complete within requested timeout - context deadline exceeded";

/** Upstream's LongRunningRequestCheck: watches, upgrades and the streaming subresources. */
export function isLongRunning(method: string, url: URL, upgrade: boolean): boolean {
  if (upgrade) return true;
  const w = url.searchParams.get("watch");
  const info = parseRequestInfo(method, url.pathname, w === "true" || w === "1");
  return info.verb === "watch" || longRunningSubresources.has(info.subresource);
}

/** The request headers to forward: the client's, minus identity and hop-by-hop ones, keeping repeated headers. */
function forwardedHeaders(req: IncomingMessage, upgrade: boolean): OutgoingHttpHeaders {
  const out: Record<string, string | string[]> = {};
  const connectionTokens = new Set(
    String(req.headers.connection ?? "")
      .split(",")
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t && t !== "upgrade"),
  );
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? "";
    const value = raw[i + 1] ?? "";
    const lower = name.toLowerCase();
    if (hopByHop.has(lower) || connectionTokens.has(lower) || isIdentityHeader(lower)) continue;
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  if (req.headers["content-length"] !== undefined) out["Content-Length"] = req.headers["content-length"];
  if (upgrade) {
    out["Connection"] = "Upgrade";
    out["Upgrade"] = String(req.headers.upgrade ?? "");
  }
  const client = req.socket.remoteAddress;
  if (client) {
    const prior = req.headers["x-forwarded-for"];
    out["X-Forwarded-For"] = prior ? `${String(prior)}, ${client}` : client;
  }
  return out;
}

/** Response headers to pass back, repeated ones kept (hop-by-hop ones are the server's own business). */
function responseHeaders(res: IncomingMessage): OutgoingHttpHeaders {
  const out: Record<string, string | string[]> = {};
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? "";
    const value = raw[i + 1] ?? "";
    const lower = name.toLowerCase();
    if (hopByHop.has(lower) && lower !== "content-length") continue;
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

export class APIServiceProxy {
  constructor(
    private readonly backends: BackendConnector,
    private readonly opts: ProxyOptions,
  ) {}

  /** Proxies `req` for `user` to `target`'s backend; `upgrade` when the server handed over the connection. */
  async serve(req: IncomingMessage, res: ServerResponse, user: UserInfo, target: BackendTarget, upgrade?: UpgradeConnection): Promise<void> {
    let addr: { host: string; port: number };
    try {
      addr = await this.backends.resolve(target);
    } catch {
      sendError(res, newServiceUnavailable("service unavailable"));
      return;
    }
    const headers = { ...forwardedHeaders(req, upgrade !== undefined), ...frontProxyHeaders(user), Host: hostPort(addr.host, addr.port) };
    if (upgrade) {
      this.upgrade(req, res, target, addr, headers, upgrade);
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const longRunning = isLongRunning(req.method ?? "GET", url, false);
    // like kube-apiserver's request deadline: the client's ?timeout= when shorter than the server's
    let deadlineMs = this.opts.requestTimeoutMs;
    const asked = url.searchParams.get("timeout");
    if (asked) {
      try {
        const ms = parseGoDuration(asked);
        if (ms > 0 && ms < deadlineMs) deadlineMs = ms;
      } catch {
        // an unparsable timeout leaves the server's
      }
    }
    await new Promise<void>((resolve) => {
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        resolve();
      };
      const backend = this.backends.request(target, addr, { method: req.method ?? "GET", path: req.url ?? "/", headers }, (bres) => {
        res.writeHead(bres.statusCode ?? 502, bres.statusMessage, responseHeaders(bres));
        // watch streams: the client sees each event as the backend sends it
        res.flushHeaders();
        bres.pipe(res);
        bres.on("error", () => res.destroy());
        bres.on("aborted", () => res.destroy());
        res.on("finish", finish);
      });
      const timer = longRunning
        ? undefined
        : setTimeout(() => {
            backend.destroy();
            if (!res.headersSent) sendError(res, newTimeout(timeoutMessage));
            else res.destroy();
            finish();
          }, deadlineMs);
      backend.on("error", (err) => {
        if (finished) return;
        if (!res.headersSent) sendError(res, newServiceUnavailable(transportErrorMessage(err, addr.host, addr.port)));
        else res.destroy();
        finish();
      });
      // the client went away (or the response ended): stop the backend request
      res.on("close", () => {
        if (!res.writableFinished) backend.destroy();
        finish();
      });
      req.pipe(backend);
    });
  }

  /** Forwards an upgrade request; on 101 splices the two connections, otherwise relays the backend's answer. */
  private upgrade(req: IncomingMessage, res: ServerResponse, target: BackendTarget, addr: { host: string; port: number }, headers: OutgoingHttpHeaders, conn: UpgradeConnection): void {
    const client = conn.socket;
    const backend = this.backends.request(target, addr, { method: req.method ?? "GET", path: req.url ?? "/", headers, fresh: true }, (bres) => {
      // the backend declined the upgrade: an ordinary response
      res.writeHead(bres.statusCode ?? 502, bres.statusMessage, responseHeaders(bres));
      bres.pipe(res);
    });
    backend.on("upgrade", (bres, upstream, upstreamHead) => {
      res.detachSocket(client as never);
      let head = `HTTP/1.1 ${bres.statusCode ?? 101} ${bres.statusMessage ?? "Switching Protocols"}\r\n`;
      const raw = bres.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) head += `${raw[i] ?? ""}: ${raw[i + 1] ?? ""}\r\n`;
      client.write(`${head}\r\n`);
      if (upstreamHead.length > 0) client.write(upstreamHead);
      if (conn.head.length > 0) upstream.write(conn.head);
      upstream.pipe(client);
      client.pipe(upstream);
      const end = (): void => {
        upstream.destroy();
        client.destroy();
      };
      upstream.on("error", end);
      client.on("error", end);
      upstream.on("close", end);
      client.on("close", end);
    });
    backend.on("error", (err) => {
      if (!res.headersSent) sendError(res, newServiceUnavailable(transportErrorMessage(err, addr.host, addr.port)));
      else client.destroy();
    });
    client.on("close", () => backend.destroy());
    backend.end();
  }
}

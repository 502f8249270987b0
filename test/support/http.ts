/** Raw HTTPS requests to a running control plane as the admin, for tests that check the wire format. */
import { Agent, request } from "node:https";
import type { IncomingHttpHeaders } from "node:http";
import type { RunningControlPlane } from "../../runtime/testing/index.js";

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

export interface RawRequest {
  body?: string | Buffer | object;
  headers?: Record<string, string>;
  /** Content-Type for an object body (default application/json). */
  contentType?: string;
}

const agents = new WeakMap<RunningControlPlane, Agent>();

function agentFor(cp: RunningControlPlane): Agent {
  let a = agents.get(cp);
  if (!a) {
    a = new Agent({ ca: cp.credentials.caPEM, cert: cp.credentials.certPEM, key: cp.credentials.keyPEM, keepAlive: true });
    agents.set(cp, a);
  }
  return a;
}

export function api(cp: RunningControlPlane, method: string, path: string, req: RawRequest = {}): Promise<RawResponse> {
  const payload = req.body === undefined ? undefined : typeof req.body === "string" || Buffer.isBuffer(req.body) ? req.body : JSON.stringify(req.body);
  const headers: Record<string, string> = { Accept: "application/json", ...req.headers };
  if (payload !== undefined && !headers["Content-Type"]) headers["Content-Type"] = req.contentType ?? "application/json";
  if (payload !== undefined) headers["Content-Length"] = String(Buffer.byteLength(payload));
  return new Promise((resolve, reject) => {
    const r = request(`${cp.url}${path}`, { method, headers, agent: agentFor(cp) }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on("error", reject);
    });
    r.on("error", reject);
    if (payload !== undefined) r.write(payload);
    r.end();
  });
}

export interface WatchEventLine {
  type: string;
  object: { kind?: string; metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> }; [k: string]: unknown };
}

/** Opens a watch and collects its events until `until` returns true, the stream ends, or `timeoutMs` passes. */
export function watchEvents(cp: RunningControlPlane, path: string, until: (events: WatchEventLine[]) => boolean, timeoutMs = 10_000): Promise<{ status: number; events: WatchEventLine[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const events: WatchEventLine[] = [];
    let buf = "";
    let settled = false;
    const r = request(`${cp.url}${path}`, { method: "GET", headers: { Accept: "application/json" }, agent: agentFor(cp) }, (res) => {
      const finish = (ended: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        r.destroy();
        resolve({ status: res.statusCode ?? 0, events, ended });
      };
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        buf += c;
        let i: number;
        while ((i = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, i).trim();
          buf = buf.slice(i + 1);
          if (line) events.push(JSON.parse(line) as WatchEventLine);
        }
        if (until(events)) finish(false);
      });
      res.on("end", () => finish(true));
      res.on("error", () => finish(true));
    });
    const timer = setTimeout(() => {
      if (!settled) {
        settled = true;
        r.destroy();
        resolve({ status: 0, events, ended: false });
      }
    }, timeoutMs);
    r.on("error", (err) => {
      if (!settled) reject(err);
    });
    r.end();
  });
}

/**
 * A real aggregated API server for the aggregator tests: the generic API server library (`APIServer` on a
 * `MemoryBackend`) serving wardle.example.com/v1alpha1 Flunder over HTTPS with a serving certificate for
 * `<service>.<namespace>.svc` from its own CA. It trusts front-proxy headers only on a connection whose client
 * certificate verifies against the request-header CA and names CN=front-proxy-client (its own small check, not
 * the aggregator's code), and records every identity it saw. It also answers connection upgrades by echoing,
 * and can be told to hang resource requests.
 *
 * Also: servers that answer TLS with garbage or never answer at all.
 */
import { createServer as createHttpsServer, type Server } from "node:https";
import type { IncomingMessage } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createServer as createTLSServer, type TLSSocket } from "node:tls";
import { APIServer, MemoryBackend, type ResourceDefinition, type UserInfo } from "../../runtime/apiserver/index.js";
import { createCA } from "../../runtime/controlplane/certs.js";
import { newUnauthorized } from "../../runtime/core/errors.js";

export const wardleGroup = "wardle.example.com";
export const wardleVersion = "v1alpha1";

export const flunderResource: ResourceDefinition = {
  group: wardleGroup,
  version: wardleVersion,
  names: { plural: "flunders", singular: "flunder", kind: "Flunder", listKind: "FlunderList", shortNames: ["fl"] },
  namespaced: true,
  unstructured: true,
  openAPISchema: {
    type: "object",
    description: "Flunder is an example type with a reference to another flunder.",
    properties: {
      spec: {
        type: "object",
        description: "FlunderSpec is the desired state of a flunder.",
        properties: { reference: { type: "string", description: "A name of another flunder." } },
      },
    },
  },
};

/** What the backend saw of a request. */
export interface SeenRequest {
  method: string;
  path: string;
  user: UserInfo;
  /** Every X-Remote-User line received (exactly one when the proxy behaves). */
  remoteUserLines: string[];
  authorization: boolean;
  impersonation: boolean;
}

export interface Backend {
  host: string;
  port: number;
  /** base64 PEM of the CA that signed the serving certificate (the APIService's caBundle). */
  caBundle: string;
  seen: SeenRequest[];
  /** Requests that got 401 (no valid front-proxy certificate). */
  rejected: { path: string; remoteUser: string | undefined }[];
  /** When set, resource requests (not discovery) get no answer. */
  hangResources: boolean;
  /** Watch requests the backend is serving right now. */
  openWatches(): number;
  server: APIServer;
  stop(): Promise<void>;
}

async function servingCert(dnsNames: string[]): Promise<{ caPEM: string; certPEM: string; keyPEM: string }> {
  const ca = await createCA("wardle-serving-ca");
  const kp = await ca.issue({ subject: "CN=wardle-apiserver", dnsNames, server: true });
  return { caPEM: ca.certPEM, ...kp };
}

function lines(req: IncomingMessage, name: string): string[] {
  return req.headersDistinct[name] ?? [];
}

/** The identity of a front-proxied request, or a 401 (a certificate check independent of the aggregator's code). */
function frontProxyUser(req: IncomingMessage): UserInfo {
  const sock = req.socket as TLSSocket;
  const cert = sock.getPeerX509Certificate?.();
  if (!cert || !sock.authorized || !cert.subject.split("\n").includes("CN=front-proxy-client")) throw newUnauthorized();
  const username = lines(req, "x-remote-user")[0];
  if (!username) throw newUnauthorized();
  const extra: Record<string, string[]> = {};
  for (const name of Object.keys(req.headers)) {
    if (name.startsWith("x-remote-extra-")) extra[decodeURIComponent(name.slice("x-remote-extra-".length)).toLowerCase()] = lines(req, name);
  }
  return { username, groups: lines(req, "x-remote-group"), extra };
}

/** Starts the wardle server on 127.0.0.1 for Service `name` in `namespace`, trusting `requestHeaderCAPEM`. */
export async function startWardle(opts: { requestHeaderCAPEM: string; namespace: string; name: string }): Promise<Backend> {
  const tls = await servingCert([`${opts.name}.${opts.namespace}.svc`]);
  const seen: SeenRequest[] = [];
  const rejected: Backend["rejected"] = [];
  const state = { hangResources: false, watches: 0 };
  const api = new APIServer({
    storage: new MemoryBackend(),
    authenticate: (req) => {
      let user: UserInfo;
      try {
        user = frontProxyUser(req);
      } catch (err) {
        rejected.push({ path: req.url ?? "", remoteUser: lines(req, "x-remote-user")[0] });
        throw err;
      }
      seen.push({
        method: req.method ?? "",
        path: req.url ?? "",
        user,
        remoteUserLines: lines(req, "x-remote-user"),
        authorization: req.headers.authorization !== undefined,
        impersonation: Object.keys(req.headers).some((h) => h.startsWith("impersonate-")),
      });
      return user;
    },
  });
  api.installResource(flunderResource);
  const server: Server = createHttpsServer({ cert: tls.certPEM, key: tls.keyPEM, ca: opts.requestHeaderCAPEM, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const resource = /^\/apis\/[^/]+\/[^/]+\/.+/.test(url.pathname);
    if (state.hangResources && resource) return; // never answers
    if (url.searchParams.get("watch") === "true") {
      state.watches++;
      res.on("close", () => state.watches--);
    }
    api.app(req, res);
  });
  // upgrades: 101 and an echo, for front-proxied connections only
  server.on("upgrade", (req: IncomingMessage, socket: Socket) => {
    let user: UserInfo;
    try {
      user = frontProxyUser(req);
    } catch {
      socket.end("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    seen.push({ method: req.method ?? "", path: req.url ?? "", user, remoteUserLines: lines(req, "x-remote-user"), authorization: req.headers.authorization !== undefined, impersonation: false });
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${String(req.headers.upgrade)}\r\nX-Echo-User: ${user.username}\r\n\r\n`);
    socket.on("data", (d: Buffer) => socket.write(Buffer.concat([Buffer.from("echo:"), d])));
    socket.on("error", () => socket.destroy());
  });
  server.headersTimeout = 0;
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address() as AddressInfo;
  return {
    host: "127.0.0.1",
    port: addr.port,
    caBundle: Buffer.from(tls.caPEM).toString("base64"),
    seen,
    rejected,
    get hangResources() {
      return state.hangResources;
    },
    set hangResources(v: boolean) {
      state.hangResources = v;
    },
    openWatches: () => state.watches,
    server: api,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** A TLS server that answers anything with bytes that are not HTTP, or (`silent`) never answers. */
export async function startBrokenBackend(kind: "garbage" | "silent", dnsName: string): Promise<{ port: number; caBundle: string; stop(): Promise<void> }> {
  const tls = await servingCert([dnsName]);
  const sockets = new Set<TLSSocket>();
  const server = createTLSServer({ cert: tls.certPEM, key: tls.keyPEM }, (sock) => {
    sockets.add(sock);
    sock.on("close", () => sockets.delete(sock));
    sock.on("error", () => sock.destroy());
    if (kind === "garbage") sock.once("data", () => sock.end("this is not an HTTP response at all\r\n\r\n"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    caBundle: Buffer.from(tls.caPEM).toString("base64"),
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

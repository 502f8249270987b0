/** Transport details against a local HTTP server: stale keep-alive sockets, URL prefixes, auth headers, Warning parsing. */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseWarningHeader, Transport, TransportError } from "./index.js";

let server: http.Server;
let port = 0;
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end("{}");

beforeAll(async () => {
  server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function kubeConfig(serverURL: string, user: Record<string, unknown> = {}): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: serverURL, skipTLSVerify: true }],
    users: [{ name: "u", ...user }],
    contexts: [{ name: "c", cluster: "c", user: "u" }],
    currentContext: "c",
  });
  return kc;
}

describe("Transport", () => {
  it("resends once when a reused keep-alive socket turns out to be closed", async () => {
    const requestsPerSocket = new WeakMap<Socket, number>();
    handler = (req, res) => {
      const n = (requestsPerSocket.get(req.socket) ?? 0) + 1;
      requestsPerSocket.set(req.socket, n);
      // a server that dropped the idle connection just as the second request arrived on it
      if (n === 2) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json" }).end('{"ok":true}');
    };
    const t = new Transport(kubeConfig(`http://127.0.0.1:${port}`), { qps: 0 });
    try {
      expect(await t.requestJSON({ method: "GET", path: "/a" })).toEqual({ ok: true });
      expect(await t.requestJSON({ method: "POST", path: "/b", body: { x: 1 } })).toEqual({ ok: true });
      expect(t.stats).toEqual({ requests: 3, sockets: 2, retries: 1 });
    } finally {
      t.close();
    }
  });

  it("a reset on a fresh socket is not retried", async () => {
    handler = (req) => req.socket.destroy();
    const t = new Transport(kubeConfig(`http://127.0.0.1:${port}`), { qps: 0 });
    try {
      const err = await t.request({ method: "GET", path: "/x" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportError);
      expect(t.stats.retries).toBe(0);
    } finally {
      t.close();
    }
  });

  it("keeps the cluster URL's path prefix and sends basic auth and impersonation headers", async () => {
    let seen: IncomingMessage | undefined;
    handler = (req, res) => {
      seen = req;
      res.writeHead(200, { "Content-Type": "application/json" }).end("{}");
    };
    const t = new Transport(kubeConfig(`http://127.0.0.1:${port}/k8s/clusters/c-1/`, { username: "alice", password: "pw", impersonateUser: "bob" }), { qps: 0 });
    try {
      await t.request({ method: "GET", path: "/api/v1/pods", query: new URLSearchParams({ labelSelector: "a=b" }) });
      expect(seen?.url).toBe("/k8s/clusters/c-1/api/v1/pods?labelSelector=a%3Db");
      expect(seen?.headers.authorization).toBe(`Basic ${Buffer.from("alice:pw").toString("base64")}`);
      expect(seen?.headers["impersonate-user"]).toBe("bob");
      expect(seen?.headers.accept).toBe("application/json");
    } finally {
      t.close();
    }
  });

  it("plain http without insecure-skip-tls-verify is accepted (client-node refuses it)", async () => {
    handler = (_req, res) => res.writeHead(200, { "Content-Type": "application/json" }).end('{"v":1}');
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "c", server: `http://127.0.0.1:${port}`, skipTLSVerify: false }],
      users: [{ name: "u", token: "t" }],
      contexts: [{ name: "c", cluster: "c", user: "u" }],
      currentContext: "c",
    });
    const t = new Transport(kc, { qps: 0 });
    try {
      expect(await t.requestJSON({ method: "GET", path: "/v" })).toEqual({ v: 1 });
    } finally {
      t.close();
    }
  });

  it("a kubeconfig without a current cluster fails at construction", () => {
    expect(() => new Transport(new KubeConfig())).toThrow(/no current cluster/);
  });
});

describe("parseWarningHeader", () => {
  it("parses single, multiple, escaped and dated entries", () => {
    expect(parseWarningHeader('299 - "hello"')).toEqual([{ code: 299, agent: "-", text: "hello" }]);
    expect(parseWarningHeader('299 - "a, b", 299 kube "c \\"quoted\\""')).toEqual([
      { code: 299, agent: "-", text: "a, b" },
      { code: 299, agent: "kube", text: 'c "quoted"' },
    ]);
    expect(parseWarningHeader('199 agent "text" "Wed, 21 Oct 2015 07:28:00 GMT", 299 - "next"')).toEqual([
      { code: 199, agent: "agent", text: "text" },
      { code: 299, agent: "-", text: "next" },
    ]);
    expect(parseWarningHeader("garbage")).toEqual([]);
    expect(parseWarningHeader('299 - "unterminated')).toEqual([]);
  });
});

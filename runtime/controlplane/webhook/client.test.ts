import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCA } from "../certs.js";
import { formatGoDuration, postJSON, WebhookCallError } from "./client.js";
import { webhookEndpoint, type ServiceResolver } from "./resolve.js";

let server: Server;
let port: number;
let caBundle: string;
let otherCABundle: string;

beforeAll(async () => {
  const ca = await createCA("client-test-ca");
  const other = await createCA("other-ca");
  const serving = await ca.issue({ subject: "CN=hook", dnsNames: ["hook.ns.svc"], ips: ["127.0.0.1"], server: true });
  caBundle = Buffer.from(ca.certPEM).toString("base64");
  otherCABundle = Buffer.from(other.certPEM).toString("base64");
  server = createServer({ cert: serving.certPEM, key: serving.keyPEM }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "https://x");
      if (url.pathname === "/hang") return;
      if (url.pathname === "/boom") return void res.writeHead(500).end("exploded");
      if (url.pathname === "/text") return void res.writeHead(200).end("<html>");
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ path: url.pathname, query: url.search, host: req.headers.host, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const local: ServiceResolver = { resolve: async () => ({ host: "127.0.0.1", port }) };

describe("webhook client", () => {
  it("posts JSON to a service reference, verifying the certificate for <name>.<namespace>.svc, with ?timeout=", async () => {
    const ep = webhookEndpoint({ service: { namespace: "ns", name: "hook", path: "/review", port: 443 }, caBundle }, local);
    expect(ep.display).toBe("https://hook.ns.svc:443/review");
    await expect(postJSON(ep, { a: 1 }, 10_000)).resolves.toEqual({ path: "/review", query: "?timeout=10s", host: "hook.ns.svc", body: { a: 1 } });
  });

  it("posts to a URL", async () => {
    const ep = webhookEndpoint({ url: `https://127.0.0.1:${port}/x`, caBundle }, local);
    await expect(postJSON(ep, {}, 2_000)).resolves.toMatchObject({ path: "/x", query: "?timeout=2s" });
  });

  it("words failures as Go's client does", async () => {
    const svc = (path: string, ca = caBundle): ReturnType<typeof webhookEndpoint> => webhookEndpoint({ service: { namespace: "ns", name: "hook", path, port: 443 }, caBundle: ca }, local);
    const started = Date.now();
    await expect(postJSON(svc("/hang"), {}, 300)).rejects.toThrow('Post "https://hook.ns.svc:443/hang?timeout=300ms": context deadline exceeded');
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(postJSON(svc("/ok", otherCABundle), {}, 1_000)).rejects.toThrow('Post "https://hook.ns.svc:443/ok?timeout=1s": tls: failed to verify certificate: x509: certificate signed by unknown authority');
    const wrongName = webhookEndpoint({ service: { namespace: "other", name: "hook", port: 443 }, caBundle }, local);
    await expect(postJSON(wrongName, {}, 1_000)).rejects.toThrow("x509: certificate is valid for hook.ns.svc, 127.0.0.1, not hook.other.svc");
    await expect(postJSON(svc("/boom"), {}, 1_000)).rejects.toThrow('an error on the server ("exploded") has prevented the request from succeeding');
    await expect(postJSON(svc("/text"), {}, 1_000)).rejects.toThrow("couldn't get version/kind; json parse error: invalid character '<' looking for beginning of value");
    const refused = webhookEndpoint({ url: "https://127.0.0.1:1/x" }, local);
    await expect(postJSON(refused, {}, 1_000)).rejects.toThrow('Post "https://127.0.0.1:1/x?timeout=1s": dial tcp 127.0.0.1:1: connect: connection refused');
    const unresolved = webhookEndpoint({ service: { namespace: "ns", name: "gone", port: 443 } }, { resolve: () => Promise.reject(new Error('service "gone" not found')) });
    await expect(postJSON(unresolved, {}, 1_000)).rejects.toBeInstanceOf(WebhookCallError);
    await expect(postJSON(unresolved, {}, 1_000)).rejects.toThrow('Post "https://gone.ns.svc:443?timeout=1s": service "gone" not found');
  });

  it("formats durations as Go does", () => {
    expect([250, 1000, 10_000, 1500, 90_000].map(formatGoDuration)).toEqual(["250ms", "1s", "10s", "1.5s", "1m30s"]);
  });
});

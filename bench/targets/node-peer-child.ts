/**
 * Child process: the transport ceiling. A minimal Node `https` server (same TLS set-up as kubeforge: ECDSA P-256,
 * client certificates requested, keep-alive) that answers fixed JSON bodies of the sizes kubeforge answers:
 *   ANY  /fixed/<name>   reads the request body, answers the body loaded as <name>
 *   GET  /watch          a chunked stream of watch events
 *   POST /publish        sends `{"type":"ADDED","object":<request body>}` to every /watch stream, answers the body
 */
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile } from "node:fs/promises";
import { createCA } from "../../runtime/controlplane/certs.js";
import { serveParent } from "../lib/child.js";
import type { Endpoint } from "../lib/client.js";

const bodies = new Map<string, Buffer>();
const watchers = new Set<ServerResponse>();
let server: Server | undefined;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: Buffer): void {
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": body.length });
  res.end(body);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? "/";
  if (url.startsWith("/watch")) {
    res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
    res.flushHeaders();
    watchers.add(res);
    res.on("close", () => watchers.delete(res));
    return;
  }
  const body = await readBody(req);
  if (url.startsWith("/publish")) {
    const line = Buffer.concat([Buffer.from('{"type":"ADDED","object":'), body, Buffer.from("}\n")]);
    for (const w of watchers) w.write(line);
    send(res, 201, body);
    return;
  }
  const fixed = url.startsWith("/fixed/") ? bodies.get(url.slice("/fixed/".length).split("?")[0] ?? "") : undefined;
  if (!fixed) {
    send(res, 404, Buffer.from('{"kind":"Status","code":404}'));
    return;
  }
  send(res, 200, fixed);
}

async function start(): Promise<Endpoint> {
  const ca = await createCA("bench-peer-ca");
  const [serving, client] = await Promise.all([
    ca.issue({ subject: "CN=bench-peer", dnsNames: ["localhost"], ips: ["127.0.0.1"], server: true }),
    ca.issue({ subject: "CN=bench-client", client: true }),
  ]);
  const s = createServer({ cert: serving.certPEM, key: serving.keyPEM, ca: ca.certPEM, requestCert: true, rejectUnauthorized: false, keepAliveTimeout: 60_000 }, (req, res) => {
    handle(req, res).catch(() => send(res, 500, Buffer.from("{}")));
  });
  s.headersTimeout = 0;
  s.requestTimeout = 0;
  server = s;
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  return { url: `https://127.0.0.1:${port}`, caPEM: ca.certPEM, certPEM: client.certPEM, keyPEM: client.keyPEM };
}

interface LoadArg {
  name: string;
  file: string;
}

void serveParent(
  start,
  {
    load: async (arg) => {
      const { name, file } = arg as LoadArg;
      bodies.set(name, await readFile(file));
      return bodies.get(name)?.length ?? 0;
    },
    memory: () => process.memoryUsage(),
  },
  async () => {
    const s = server;
    if (!s) return;
    for (const w of watchers) w.end();
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  },
);

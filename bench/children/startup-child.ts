/**
 * Child process: start-to-ready and stop times of startControlPlane() in a fresh process. The first start
 * includes the CA and key generation (cached per process); the following ones reuse it. "ready" is the first
 * `GET /readyz` answering `ok` over a new TLS connection with the admin certificate. Also the peer: a bare
 * Node `https` server (already-made certificates) from createServer to its first answered request.
 */
import { performance } from "node:perf_hooks";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { serveParent } from "../lib/child.js";
import { HttpsClient, type Endpoint } from "../lib/client.js";
import { endpointOf } from "../targets/endpoint.js";

interface StartRun {
  "start ms": number;
  "ready ms": number;
  "stop ms": number;
}

async function readyz(ep: Endpoint): Promise<void> {
  const c = new HttpsClient(ep, 1);
  try {
    for (;;) {
      const r = await c.request("GET", "/readyz");
      if (r.status === 200 && r.body.toString() === "ok") return;
    }
  } finally {
    c.close();
  }
}

async function measure(starts: number): Promise<{ importMs: number; runs: StartRun[]; node: StartRun[] }> {
  const i0 = performance.now();
  const { startControlPlane } = await import("../../runtime/testing/index.js");
  const importMs = performance.now() - i0;
  const runs: StartRun[] = [];
  for (let i = 0; i < starts; i++) {
    const t0 = performance.now();
    const cp = await startControlPlane();
    const started = performance.now() - t0;
    await readyz(endpointOf(cp));
    const ready = performance.now() - t0;
    const s0 = performance.now();
    await cp.stop();
    runs.push({ "start ms": started, "ready ms": ready, "stop ms": performance.now() - s0 });
  }
  const { createCA } = await import("../../runtime/controlplane/certs.js");
  const ca = await createCA("bench-peer-ca");
  const [serving, client] = await Promise.all([
    ca.issue({ subject: "CN=bench-peer", ips: ["127.0.0.1"], server: true }),
    ca.issue({ subject: "CN=bench-client", client: true }),
  ]);
  const node: StartRun[] = [];
  for (let i = 0; i < starts; i++) {
    const t0 = performance.now();
    const s = createServer({ cert: serving.certPEM, key: serving.keyPEM, ca: ca.certPEM, requestCert: true, rejectUnauthorized: false }, (_req, res) => res.end("ok"));
    await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
    const started = performance.now() - t0;
    await readyz({ url: `https://127.0.0.1:${(s.address() as AddressInfo).port}`, caPEM: ca.certPEM, certPEM: client.certPEM, keyPEM: client.keyPEM });
    const ready = performance.now() - t0;
    const s0 = performance.now();
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
    node.push({ "start ms": started, "ready ms": ready, "stop ms": performance.now() - s0 });
  }
  return { importMs, runs, node };
}

void serveParent(async () => ({ pid: process.pid }), {
  measure: (arg) => measure(Number(arg)),
});

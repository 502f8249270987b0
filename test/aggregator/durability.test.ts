/**
 * Durability of an aggregated API server on etcd: kill -9 it during a stream of writes, start it again, and check
 * that every write acknowledged before the kill is there and that a watcher resuming from the last
 * resourceVersion it saw gets every later change exactly once (no gap, no duplicate).
 *
 * The server is a real process (fixtures/etcd-server.mjs, on the compiled library in dist/) on a real etcd, its
 * authentication and authorization delegated to a real local control plane.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { Agent, request } from "node:https";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EtcdProcess } from "../../runtime/storage/etcd/process.js";
import { startControlPlane, type RunningControlPlane } from "../../runtime/testing/index.js";

const script = new URL("./fixtures/etcd-server.mjs", import.meta.url).pathname;
const base = "/apis/durable.kubeforge.dev/v1/namespaces/default/records";

let etcd: EtcdProcess;
let cp: RunningControlPlane;
let dir: string;

beforeAll(async () => {
  [etcd, cp] = await Promise.all([EtcdProcess.start(), startControlPlane()]);
  dir = await mkdtemp(join(tmpdir(), "kubeforge-durability-"));
  await cp.writeKubeconfig(join(dir, "kubeconfig"));
}, 30_000);

afterAll(async () => {
  await cp?.stop();
  await etcd?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface Running {
  proc: ChildProcess;
  agent: Agent;
  url: string;
}

async function startServer(port: number, prefix: string): Promise<Running> {
  const proc = spawn(process.execPath, [script], {
    env: { ...process.env, ETCD_ENDPOINT: etcd.endpoint, ETCD_PREFIX: prefix, KUBECONFIG_FILE: join(dir, "kubeconfig"), CLIENT_CA: cp.credentials.caPEM, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  proc.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    let buf = "";
    proc.stdout?.on("data", (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf("\n");
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    proc.once("exit", (code) => reject(new Error(`aggregated server exited (${code}) before serving: ${stderr}`)));
  });
  const { caPEM } = JSON.parse(line) as { caPEM: string };
  // the admin's client certificate: its CA is the server's client CA, and system:masters is always allowed
  const agent = new Agent({ ca: caPEM, cert: cp.credentials.certPEM, key: cp.credentials.keyPEM, keepAlive: true });
  return { proc, agent, url: `https://127.0.0.1:${port}` };
}

function call(s: Running, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (payload !== undefined) Object.assign(headers, { "Content-Type": method === "PATCH" ? "application/merge-patch+json" : "application/json", "Content-Length": String(Buffer.byteLength(payload)) });
    const r = request(`${s.url}${path}`, { method, headers, agent: s.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || "{}") as Record<string, unknown> }));
      res.on("error", reject);
    });
    r.on("error", reject);
    if (payload !== undefined) r.write(payload);
    r.end();
  });
}

interface SeenEvent {
  type: string;
  name: string;
  rv: string;
}

/** A watch from `rv` that records events until the stream ends (the server died or the test stops it). */
function openWatch(s: Running, rv: string, seen: SeenEvent[]): { ended: Promise<void>; stop(): void } {
  let stop = (): void => undefined;
  const ended = new Promise<void>((resolve) => {
    const r = request(`${s.url}${base}?watch=true&resourceVersion=${rv}`, { method: "GET", headers: { Accept: "application/json" }, agent: s.agent }, (res) => {
      let buf = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        buf += c;
        for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
          const ev = JSON.parse(buf.slice(0, nl)) as { type: string; object: { metadata: { name: string; resourceVersion: string } } };
          buf = buf.slice(nl + 1);
          seen.push({ type: ev.type, name: ev.object.metadata.name, rv: ev.object.metadata.resourceVersion });
        }
      });
      res.on("end", () => resolve());
      res.on("error", () => resolve());
      res.on("aborted", () => resolve());
    });
    r.on("error", () => resolve());
    r.end();
    stop = () => r.destroy();
  });
  return { ended, stop };
}

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("aggregated API server on etcd", () => {
  it("keeps every acknowledged write across kill -9, and a resumed watch has no gap", async () => {
    const port = await freePort();
    const prefix = `/durability-${process.pid}`;
    let server = await startServer(port, prefix);
    const start = await call(server, "GET", base);
    expect(start.status).toBe(200);
    const startRV = (start.json["metadata"] as { resourceVersion: string }).resourceVersion;

    const seen: SeenEvent[] = [];
    const watch1 = openWatch(server, startRV, seen);

    // 4 writers: each creates a record, then updates it once; a write counts once its 2xx arrived
    const acknowledged = new Map<string, string>(); // "name@rv" → the kind of write
    let n = 0;
    let killed = false;
    const writer = async (w: number): Promise<void> => {
      while (!killed) {
        const name = `rec-${w}-${n++}`;
        try {
          const created = await call(server, "POST", base, { apiVersion: "durable.kubeforge.dev/v1", kind: "Record", metadata: { name }, data: { step: 0 } });
          if (created.status !== 201) throw new Error(`create ${name}: ${created.status} ${JSON.stringify(created.json)}`);
          acknowledged.set(`${name}@${(created.json["metadata"] as { resourceVersion: string }).resourceVersion}`, "create");
          const patched = await call(server, "PATCH", `${base}/${name}`, { data: { step: 1 } });
          if (patched.status !== 200) throw new Error(`patch ${name}: ${patched.status} ${JSON.stringify(patched.json)}`);
          acknowledged.set(`${name}@${(patched.json["metadata"] as { resourceVersion: string }).resourceVersion}`, "update");
        } catch (err) {
          if (killed) return; // the connection died with the server: this write was never acknowledged
          throw err;
        }
      }
    };
    const writers = [0, 1, 2, 3].map((w) => writer(w));
    await until(() => acknowledged.size >= 300, 30_000, "300 acknowledged writes");
    killed = true;
    server.proc.kill("SIGKILL");
    await Promise.all(writers);
    await watch1.ended;
    const ackedBeforeKill = new Map(acknowledged);
    expect(ackedBeforeKill.size).toBeGreaterThanOrEqual(300);

    server = await startServer(port, prefix);
    try {
      const list = await call(server, "GET", base);
      expect(list.status).toBe(200);
      const items = (list.json["items"] as { metadata: { name: string; resourceVersion: string } }[]).map((i) => i.metadata);
      const stored = new Map(items.map((m) => [m.name, Number(m.resourceVersion)]));
      // every acknowledged write is there: the object exists at that resourceVersion or a later one
      for (const key of ackedBeforeKill.keys()) {
        const [name, rv] = key.split("@") as [string, string];
        expect(stored.get(name), `acknowledged write ${key}`).toBeGreaterThanOrEqual(Number(rv));
      }

      // resume from the last resourceVersion the watcher saw; a write after the restart marks the end
      const lastSeen = seen.at(-1)?.rv ?? startRV;
      const watch2 = openWatch(server, lastSeen, seen);
      const marker = await call(server, "POST", base, { apiVersion: "durable.kubeforge.dev/v1", kind: "Record", metadata: { name: "after-restart" } });
      expect(marker.status).toBe(201);
      await until(() => seen.some((e) => e.name === "after-restart"), 10_000, "the post-restart write on the resumed watch");
      watch2.stop();

      const rvs = seen.map((e) => Number(e.rv));
      expect(rvs.every((rv, i) => i === 0 || rv > (rvs[i - 1] ?? 0)), "resourceVersions strictly increase: no duplicate, no reordering").toBe(true);
      const seenKeys = new Set(seen.map((e) => `${e.name}@${e.rv}`));
      const missing = [...ackedBeforeKill.keys()].filter((k) => !seenKeys.has(k));
      expect(missing, "acknowledged writes missing from the watch").toEqual([]);
      // and the watch agrees with storage: each object's last event is its stored resourceVersion
      const lastEvent = new Map(seen.map((e) => [e.name, Number(e.rv)]));
      for (const [name, rv] of stored) expect(lastEvent.get(name), name).toBe(rv);
    } finally {
      server.proc.kill("SIGTERM");
      await new Promise((r) => server.proc.once("exit", r));
    }
  }, 90_000);
});

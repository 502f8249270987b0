/**
 * etcd as a peer: the storage kube-apiserver sits on, reached through its HTTP/JSON gateway (/v3/kv/put,
 * /v3/kv/range, /v3/watch) over mutual TLS with the same kind of certificates as kubeforge. The data directory
 * is on tmpfs (/dev/shm) when there is one, so fsync is cheap: etcd's best case against our memory storage.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile, readFile } from "node:fs/promises";
import { existsSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createCA } from "../../runtime/controlplane/certs.js";
import { HttpsClient, type Endpoint } from "../lib/client.js";

export const b64 = (s: string | Buffer): string => (typeof s === "string" ? Buffer.from(s) : s).toString("base64");

/** The key just after every key with this prefix (etcd's range_end for a prefix). */
export function prefixEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix);
  for (let i = b.length - 1; i >= 0; i--) {
    const v = b[i] ?? 0;
    if (v < 0xff) {
      b[i] = v + 1;
      return b.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

/** `etcd --version`'s first line, or undefined when etcd is not installed. */
export function etcdVersion(): string | undefined {
  const r = spawnSync("etcd", ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) return undefined;
  return r.stdout.split("\n")[0]?.trim();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export class EtcdPeer {
  /** etcd does not die with its parent: kill it and drop its data if the bench exits abruptly. */
  private readonly onExit = (): void => {
    this.proc.kill("SIGKILL");
    rmSync(this.dataDir, { recursive: true, force: true });
  };

  private constructor(
    readonly endpoint: Endpoint,
    readonly dataDir: string,
    private readonly proc: ChildProcess,
  ) {
    process.once("exit", this.onExit);
  }

  static async start(): Promise<EtcdPeer> {
    const base = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
    const dir = await mkdtemp(join(base, "kubeforge-bench-etcd-"));
    const ca = await createCA("bench-etcd-ca");
    // the gateway dials etcd's own gRPC with the serving certificate, so it must also be a client certificate
    const [serving, client] = await Promise.all([
      ca.issue({ subject: "CN=etcd", dnsNames: ["localhost"], ips: ["127.0.0.1"], server: true, client: true }),
      ca.issue({ subject: "CN=bench-client", client: true }),
    ]);
    const f = (n: string): string => join(dir, n);
    await Promise.all([writeFile(f("ca.crt"), ca.certPEM), writeFile(f("server.crt"), serving.certPEM), writeFile(f("server.key"), serving.keyPEM, { mode: 0o600 })]);
    const [clientPort, peerPort] = [await freePort(), await freePort()];
    const clientURL = `https://127.0.0.1:${clientPort}`;
    const peerURL = `http://127.0.0.1:${peerPort}`;
    const proc = spawn(
      "etcd",
      [
        "--name=bench",
        `--data-dir=${f("data")}`,
        `--listen-client-urls=${clientURL}`,
        `--advertise-client-urls=${clientURL}`,
        `--listen-peer-urls=${peerURL}`,
        `--initial-advertise-peer-urls=${peerURL}`,
        `--initial-cluster=bench=${peerURL}`,
        `--cert-file=${f("server.crt")}`,
        `--key-file=${f("server.key")}`,
        `--trusted-ca-file=${f("ca.crt")}`,
        "--client-cert-auth",
        "--quota-backend-bytes=8589934592",
        "--log-level=error",
        "--logger=zap",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    proc.stderr?.on("data", (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-4000);
    });
    const endpoint: Endpoint = { url: clientURL, caPEM: ca.certPEM, certPEM: client.certPEM, keyPEM: client.keyPEM };
    const peer = new EtcdPeer(endpoint, dir, proc);
    const c = new HttpsClient(endpoint, 1);
    try {
      for (let i = 0; ; i++) {
        if (proc.exitCode !== null) throw new Error(`etcd exited (${proc.exitCode}): ${stderr}`);
        try {
          const h = JSON.parse((await c.expectOK("GET", "/health")).toString()) as { health?: string };
          if (h.health === "true") break;
        } catch (err) {
          if (i > 200) throw new Error(`etcd not healthy after 10 s: ${err instanceof Error ? err.message : String(err)}; ${stderr}`);
        }
        await sleep(50);
      }
    } catch (err) {
      await peer.stop();
      throw err;
    } finally {
      c.close();
    }
    return peer;
  }

  get pid(): number {
    return this.proc.pid ?? 0;
  }

  /** Resident set size of the etcd process, in bytes (Linux). */
  async rssBytes(): Promise<number> {
    const status = await readFile(`/proc/${this.pid}/status`, "utf8");
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return m ? Number(m[1]) * 1024 : Number.NaN;
  }

  async stop(): Promise<void> {
    process.off("exit", this.onExit);
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.proc.once("exit", () => resolve()));
      this.proc.kill("SIGTERM");
      const t = setTimeout(() => this.proc.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
    }
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** The JSON bodies of the gateway's KV calls. */
export const etcdKV = {
  put: (key: string, value: string): string => JSON.stringify({ key: b64(key), value: b64(value) }),
  get: (key: string): string => JSON.stringify({ key: b64(key) }),
  prefix: (prefix: string, limit = 0): string => JSON.stringify({ key: b64(prefix), range_end: b64(prefixEnd(prefix)), ...(limit ? { limit } : {}) }),
  /** The next page of a prefix range after `lastKey`. */
  after: (lastKey: string, prefix: string, limit: number): string => JSON.stringify({ key: b64(`${lastKey}\0`), range_end: b64(prefixEnd(prefix)), limit }),
};

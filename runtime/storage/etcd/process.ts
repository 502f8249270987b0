/**
 * A throw-away single-member etcd for tests: plain HTTP on 127.0.0.1, data on tmpfs (/dev/shm) when available.
 * Needs the etcd binary (Debian: `apt-get install -y etcd-server`, which installs /usr/bin/etcd).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const DEFAULT_ETCD_BINARY = "/usr/bin/etcd";

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

export class EtcdProcess {
  private readonly onExit = (): void => {
    this.proc.kill("SIGKILL");
    rmSync(this.dataDir, { recursive: true, force: true });
  };

  private constructor(
    readonly endpoint: string,
    readonly dataDir: string,
    private readonly proc: ChildProcess,
  ) {
    process.once("exit", this.onExit);
  }

  /** Starts etcd and waits until it answers /health. Throws with set-up instructions when the binary is missing. */
  static async start(binary = process.env["KUBEFORGE_ETCD_BINARY"] ?? DEFAULT_ETCD_BINARY): Promise<EtcdProcess> {
    if (!existsSync(binary)) {
      throw new Error(`etcd not found at ${binary}: install it (Debian/Ubuntu: apt-get install -y etcd-server) or set KUBEFORGE_ETCD_BINARY`);
    }
    const dir = await mkdtemp(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "kubeforge-etcd-"));
    const [clientPort, peerPort] = [await freePort(), await freePort()];
    const clientURL = `http://127.0.0.1:${clientPort}`;
    const peerURL = `http://127.0.0.1:${peerPort}`;
    const proc = spawn(
      binary,
      [
        "--name=test",
        `--data-dir=${join(dir, "data")}`,
        `--listen-client-urls=${clientURL}`,
        `--advertise-client-urls=${clientURL}`,
        `--listen-peer-urls=${peerURL}`,
        `--initial-advertise-peer-urls=${peerURL}`,
        `--initial-cluster=test=${peerURL}`,
        "--log-level=error",
        "--logger=zap",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    proc.stderr?.on("data", (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-4000);
    });
    const etcd = new EtcdProcess(clientURL, dir, proc);
    try {
      const deadline = Date.now() + 15_000;
      for (;;) {
        if (proc.exitCode !== null) throw new Error(`etcd exited (${proc.exitCode}): ${stderr}`);
        try {
          const res = await fetch(`${clientURL}/health`);
          const h = (await res.json()) as { health?: string };
          if (h.health === "true") break;
        } catch (err) {
          if (Date.now() > deadline) throw new Error(`etcd not healthy after 15 s: ${err instanceof Error ? err.message : String(err)}; ${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    } catch (err) {
      await etcd.stop();
      throw err;
    }
    return etcd;
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

/** The three targets of one bench run: kubeforge and the Node peer in their own processes, etcd if installed. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Child } from "../lib/child.js";
import type { Endpoint } from "../lib/client.js";
import { EtcdPeer, etcdVersion } from "./etcd.js";

export interface Targets {
  kubeforge: Child<Endpoint>;
  node: Child<Endpoint>;
  /** Loads a fixed body the Node peer answers at /fixed/<name>. */
  loadFixed(name: string, body: Buffer): Promise<void>;
  etcd: EtcdPeer | undefined;
  etcdVersion: string | undefined;
  /** Why etcd is not measured (when it is not). */
  etcdSkipped: string | undefined;
  stop(): Promise<void>;
}

export async function startTargets(log: (s: string) => void): Promise<Targets> {
  const dir = await mkdtemp(join(tmpdir(), "kubeforge-bench-"));
  const [kubeforge, node] = await Promise.all([Child.start<Endpoint>("../targets/kubeforge-child.js"), Child.start<Endpoint>("../targets/node-peer-child.js")]);
  const version = etcdVersion();
  let etcd: EtcdPeer | undefined;
  let skipped: string | undefined;
  if (!version) {
    skipped = "etcd is not installed (`command -v etcd` is empty; `apt-get install -y etcd-server` provides it): the etcd peer is SKIPPED";
  } else {
    try {
      etcd = await EtcdPeer.start();
    } catch (err) {
      skipped = `etcd failed to start, the etcd peer is SKIPPED: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  if (skipped) log(`!! ${skipped}`);
  let n = 0;
  return {
    kubeforge,
    node,
    etcd,
    etcdVersion: version,
    etcdSkipped: skipped,
    async loadFixed(name, body) {
      const file = join(dir, `${n++}.json`);
      await writeFile(file, body);
      await node.call("load", { name, file });
    },
    async stop() {
      await Promise.allSettled([kubeforge.stop(), node.stop(), etcd?.stop()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

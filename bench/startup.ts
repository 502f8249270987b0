/**
 * Benchmark 1: startControlPlane() start-to-ready and stop times, in fresh processes (the first start of a
 * process includes CA and key generation), with a bare Node HTTPS server and etcd (spawn to healthy) as peers.
 */
import { performance } from "node:perf_hooks";
import { Child } from "./lib/child.js";
import type { Recorder } from "./lib/results.js";
import { EtcdPeer } from "./targets/etcd.js";

export interface StartupOptions {
  processes: number;
  startsPerProcess: number;
  etcdRuns: number;
  etcd: boolean;
}

type Run = Record<"start ms" | "ready ms" | "stop ms", number>;

export async function benchStartup(rec: Recorder, o: StartupOptions, log: (s: string) => void): Promise<void> {
  const first: Run[] = [];
  const later: Run[] = [];
  const node: Run[] = [];
  const imports: number[] = [];
  for (let p = 0; p < o.processes; p++) {
    const child = await Child.start<{ pid: number }>("../children/startup-child.js");
    try {
      const r = await child.call<{ importMs: number; runs: Run[]; node: Run[] }>("measure", o.startsPerProcess);
      imports.push(r.importMs);
      const [f, ...rest] = r.runs;
      if (f) first.push(f);
      later.push(...rest);
      node.push(...r.node);
    } finally {
      await child.stop();
    }
  }
  const show = (label: string, m: { median: Record<string, number> }): void =>
    log(`  ${label.padEnd(34)} ${Object.entries(m.median).map(([k, v]) => `${k} ${v.toFixed(1)}`).join("  ")}`);
  show("module import (kubeforge/testing)", rec.add("startup", "import", "kubeforge", imports.map((ms) => ({ "import ms": ms }))));
  show("first start (with CA generation)", rec.add("startup", "first start", "kubeforge", first));
  show("subsequent starts", rec.add("startup", "subsequent start", "kubeforge", later));
  const nodeM = rec.add("startup", "subsequent start", "node-https", node, "bare https.createServer + listen, first request answered");
  show("peer: bare Node https server", nodeM);
  if (o.etcd) {
    const etcd: Run[] = [];
    for (let i = 0; i < o.etcdRuns; i++) {
      const t0 = performance.now();
      const peer = await EtcdPeer.start();
      const ready = performance.now() - t0;
      const s0 = performance.now();
      await peer.stop();
      etcd.push({ "start ms": Number.NaN, "ready ms": ready, "stop ms": performance.now() - s0 });
    }
    const m = rec.add("startup", "first start", "etcd", etcd.map((r) => ({ "ready ms": r["ready ms"], "stop ms": r["stop ms"] })), "CA + certificates, spawn, first healthy /health; stop = SIGTERM to exit + removing the data dir");
    show("peer: etcd (certs, spawn → /health)", m);
  }
}

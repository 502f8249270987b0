/**
 * Benchmark 2c (for reference): the same get and list through @kubernetes/client-node's CoreV1Api against
 * kubeforge, to show what the client library adds on top of plain keep-alive HTTPS.
 */
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { kubeconfigObject } from "../runtime/controlplane/kubeconfig.js";
import { runLoad, type LoadResult } from "./lib/load.js";
import type { Recorder } from "./lib/results.js";
import type { Targets } from "./targets/index.js";

export interface ClientNodeOptions {
  concurrencies: number[];
  runs: number;
  durationMs: number;
  listSize: number;
}

export async function benchClientNode(t: Targets, rec: Recorder, o: ClientNodeOptions, log: (s: string) => void): Promise<void> {
  const ep = t.kubeforge.ready;
  const kc = new KubeConfig();
  kc.loadFromString(JSON.stringify(kubeconfigObject({ server: ep.url, caPEM: ep.caPEM, clientCertPEM: ep.certPEM, clientKeyPEM: ep.keyPEM })));
  const core = kc.makeApiClient(CoreV1Api);
  const ops = {
    get: async (seq: number) => void (await core.readNamespacedPod({ namespace: "bench-list", name: `l-${seq % o.listSize}` })),
    list: async () => void (await core.listNamespacedPod({ namespace: "bench-list" })),
  };
  for (const [op, fn] of Object.entries(ops)) {
    await runLoad({ concurrency: 8, durationMs: 200, op: fn });
    for (const c of o.concurrencies) {
      const results: LoadResult[] = [];
      for (let i = 0; i < o.runs; i++) {
        const r = await runLoad({ concurrency: c, durationMs: o.durationMs, op: fn });
        if (r.errors) throw new Error(`client-node ${op}: ${r.firstError ?? ""}`);
        results.push(r);
      }
      const m = rec.add("crud via client-node", `${op} c=${c}`, "client-node", results.map((r) => ({ "ops/s": r.opsPerSec, "p50 ms": r.p50Ms, "p99 ms": r.p99Ms })));
      log(`  ${op.padEnd(6)} c=${String(c).padEnd(3)} client-node ${m.median["ops/s"]?.toFixed(0).padStart(7)} ops/s  p50 ${m.median["p50 ms"]?.toFixed(2)} ms  p99 ${m.median["p99 ms"]?.toFixed(2)} ms`);
    }
  }
}

/** Benchmark 3: memory per stored pod, in a child process started with --expose-gc (one fresh control plane per run). */
import { Child } from "./lib/child.js";
import type { Recorder } from "./lib/results.js";

export interface MemoryOptions {
  pods: number;
  runs: number;
}

export async function benchMemory(rec: Recorder, o: MemoryOptions, log: (s: string) => void): Promise<void> {
  const child = await Child.start<{ pid: number }>("../children/memory-child.js", [], ["--expose-gc"]);
  try {
    const runs: Record<string, number>[] = [];
    for (let i = 0; i < o.runs; i++) runs.push(await child.call<Record<string, number>>("measure", o.pods));
    const m = rec.add("memory", `${o.pods} pods`, "kubeforge", runs);
    log(`  ${o.pods} pods kubeforge  ${Object.entries(m.median).map(([k, v]) => `${k} ${v.toFixed(0)}`).join("  ")}`);
  } finally {
    await child.stop();
  }
}

/** Closed-loop load: `concurrency` workers each issue one operation after another for a fixed time. */
import { performance } from "node:perf_hooks";
import { percentile } from "./stats.js";

export interface LoadOptions {
  concurrency: number;
  durationMs: number;
  /** One operation; `seq` is unique across all workers of this run. */
  op: (seq: number) => Promise<void>;
}

export interface LoadResult {
  ops: number;
  errors: number;
  firstError?: string;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let seq = 0;
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const deadline = start + o.durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await o.op(seq++);
        latencies.push(performance.now() - t0);
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const elapsed = performance.now() - start;
  return {
    ops: latencies.length,
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
    opsPerSec: (latencies.length / elapsed) * 1000,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}


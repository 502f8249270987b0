/**
 * Benchmark 5: the work queue's cost per item — one `add`, one `get` (awaited by an async worker) and one `done` —
 * with 1 and 8 workers, in process (no I/O). The peer, measured in the same run with the same driver, is the
 * floor: a naive array FIFO with a `Set` for dedup and the same promise-based `get`, without the processing set,
 * re-queue on done, or shutdown drain. The anchor is controller-runtime (client-go's queue in Go): ≈ 1 µs per item.
 *
 * Driver: W workers wait in `get()`; the producer adds N distinct pre-built string keys in chunks of 1,000,
 * yielding a macrotask after each chunk (so items are both handed to waiting workers and queued), then shuts the
 * queue down; the time until every worker has exited, divided by N, is ns/item.
 */
import { performance } from "node:perf_hooks";
import type { Recorder, TargetName } from "./lib/results.js";
import { Queue, type MetricsProvider } from "../runtime/workqueue/index.js";

export interface WorkqueueBenchOptions {
  /** Items per run. */
  items: number;
  /** Worker counts, one case each. */
  workers: number[];
  runs: number;
}

/** controller-runtime's figure for add + get + done per item (client-go workqueue, Go). */
const anchorNs = 1000;
const chunk = 1000;
/** The peer is not one of the servers of lib/results.ts's TargetName; the Recorder treats targets as labels. */
const naiveTarget = "naive-fifo" as TargetName;

type Result<T> = { readonly shutdown: false; readonly item: T } | { readonly shutdown: true };

interface BenchQueue {
  add(item: string): void;
  get(): Promise<Result<string>>;
  done(item: string): void;
  shutDown(): void;
}

const shut: Result<never> = { shutdown: true };

/** The floor: array push/shift, a Set so that an item waiting is not added twice, waiters served in order. */
class NaiveFifo implements BenchQueue {
  readonly #items: string[] = [];
  readonly #queued = new Set<string>();
  readonly #waiters: ((r: Result<string>) => void)[] = [];
  #closed = false;

  add(item: string): void {
    if (this.#closed || this.#queued.has(item)) return;
    const w = this.#waiters.shift();
    if (w) {
      w({ shutdown: false, item });
      return;
    }
    this.#queued.add(item);
    this.#items.push(item);
  }

  get(): Promise<Result<string>> {
    if (this.#items.length > 0) {
      const item = this.#items.shift() as string;
      this.#queued.delete(item);
      return Promise.resolve({ shutdown: false, item });
    }
    if (this.#closed) return Promise.resolve(shut);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  done(): void {}

  shutDown(): void {
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) w(shut);
  }
}

/** A provider whose handles just count, so "metrics on" measures the queue's bookkeeping, not a registry. */
function countingProvider(): MetricsProvider {
  let sink = 0;
  const h = { inc: () => void sink++, dec: () => void sink--, set: (v: number) => void (sink += v), observe: (v: number) => void (sink += v) };
  return {
    newDepthMetric: () => h,
    newAddsMetric: () => h,
    newLatencyMetric: () => h,
    newWorkDurationMetric: () => h,
    newUnfinishedWorkSecondsMetric: () => h,
    newLongestRunningProcessorSecondsMetric: () => h,
    newRetriesMetric: () => h,
  };
}

const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** One run: returns ns per item, and checks that every item was processed exactly once. */
async function runOnce(q: BenchQueue, keys: readonly string[], workers: number): Promise<number> {
  let processed = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const r = await q.get();
      if (r.shutdown) return;
      processed++;
      q.done(r.item);
    }
  };
  const t0 = performance.now();
  const running = Array.from({ length: workers }, worker);
  for (let i = 0; i < keys.length; i += chunk) {
    const end = Math.min(keys.length, i + chunk);
    for (let j = i; j < end; j++) q.add(keys[j] as string);
    await macrotask();
  }
  q.shutDown();
  await Promise.all(running);
  const ns = ((performance.now() - t0) * 1e6) / keys.length;
  if (processed !== keys.length) throw new Error(`workqueue bench: processed ${processed} of ${keys.length} items`);
  return ns;
}

export async function benchWorkqueue(rec: Recorder, o: WorkqueueBenchOptions, log: (s: string) => void): Promise<void> {
  const keys = Array.from({ length: o.items }, (_, i) => `namespace-${i % 100}/object-${i}`);
  const makers: [string, TargetName, () => BenchQueue][] = [
    ["", "kubeforge", () => new Queue<string>()],
    ["", naiveTarget, () => new NaiveFifo()],
    [", metrics on", "kubeforge", () => new Queue<string>({ name: "bench", metricsProvider: countingProvider() })],
  ];
  for (const w of o.workers) {
    const kase = (suffix: string): string => `add+get+done, ${w} worker${w === 1 ? "" : "s"}${suffix}`;
    const runs = new Map<string, number[]>();
    // One warm-up round, then `runs` rounds with the targets interleaved.
    for (let i = -1; i < o.runs; i++) {
      for (const [suffix, target, make] of makers) {
        const ns = await runOnce(make(), keys, w);
        if (i < 0) continue;
        const k = `${suffix}\u0000${target}`;
        runs.set(k, [...(runs.get(k) ?? []), ns]);
      }
    }
    for (const [suffix, target] of makers) {
      const rs = runs.get(`${suffix}\u0000${target}`) ?? [];
      const m = rec.add("workqueue", kase(suffix), target, rs.map((ns) => ({ "ns/item": ns })));
      const ns = m.median["ns/item"] ?? Number.NaN;
      const vsAnchor = target === "kubeforge" ? ` (${(ns / anchorNs).toFixed(2)}× controller-runtime's ≈ ${anchorNs} ns)` : "";
      log(`  ${kase(suffix).padEnd(34)} ${target.padEnd(10)} ${ns.toFixed(0).padStart(5)} ns/item${vsAnchor}`);
    }
  }
  rec.notes.push(
    `workqueue: ${o.items} distinct items per run, median of ${o.runs}; anchor: controller-runtime (client-go workqueue, Go) ≈ ${anchorNs} ns per item for add+get+done; peer naive-fifo = array FIFO + Set dedup (the floor)`,
  );
}

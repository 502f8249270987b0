/** What every benchmark records: per target, the median of several runs of named metrics (units in the name). */
import { medianOf } from "./stats.js";

/** "direct": benchmark 10's peer, the aggregated server called without the aggregator. */
export type TargetName = "kubeforge" | "node-https" | "etcd" | "client-node" | "direct";

export interface Measurement {
  bench: string;
  case: string;
  target: TargetName;
  /** Median over `runs` of each metric. */
  median: Record<string, number>;
  runs: Record<string, number>[];
  note?: string;
}

export interface Ratio {
  bench: string;
  case: string;
  peer: TargetName;
  metric: string;
  /** kubeforge ÷ peer (medians of the same run of the suite). */
  ratio: number;
}

export class Recorder {
  readonly measurements: Measurement[] = [];
  readonly notes: string[] = [];

  add(bench: string, kase: string, target: TargetName, runs: Record<string, number>[], note?: string): Measurement {
    const keys = Object.keys(runs[0] ?? {});
    const m: Measurement = { bench, case: kase, target, median: medianOf(runs, keys), runs, ...(note ? { note } : {}) };
    this.measurements.push(m);
    return m;
  }

  /** kubeforge ÷ peer for every metric both measured in the same bench and case. */
  ratios(): Ratio[] {
    const out: Ratio[] = [];
    for (const k of this.measurements.filter((m) => m.target === "kubeforge")) {
      for (const p of this.measurements.filter((m) => m.bench === k.bench && m.case === k.case && m.target !== "kubeforge")) {
        for (const [metric, v] of Object.entries(k.median)) {
          const pv = p.median[metric];
          if (pv === undefined || !comparable(metric, v, pv)) continue;
          out.push({ bench: k.bench, case: k.case, peer: p.target, metric, ratio: v / pv });
        }
      }
    }
    return out;
  }
}

/** Metrics whose ratio means something: positive on both sides, not a count or a signed difference. */
export function comparable(metric: string, a: number, b: number): boolean {
  if (/^(lost|pages)|ack→event/.test(metric)) return false;
  return Number.isFinite(a) && Number.isFinite(b) && a > 0 && b > 0;
}

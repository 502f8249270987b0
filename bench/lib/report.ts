/** The readable summary table (stdout) and the machine-readable JSON (bench/results/latest.json). */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Recorder } from "./results.js";

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  etcd: string | undefined;
  date: string;
  /** 1, 5 and 15 minute load averages when the run started (other work on the machine skews the numbers). */
  loadAverage: number[];
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return "—";
  const a = Math.abs(v);
  return a >= 1000 ? v.toFixed(0) : a >= 100 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}

function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const line = (r: string[]): string => r.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  const head = rows[0] ?? [];
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

/**
 * One table per benchmark: a row per (case, target), a column per metric; a peer's cell also shows
 * kubeforge ÷ peer for that metric, e.g. `233.4 (4.44×)`.
 */
export function summaryTable(rec: Recorder): string {
  const ratios = rec.ratios();
  const out: string[] = [];
  const benches = [...new Set(rec.measurements.map((m) => m.bench))];
  for (const bench of benches) {
    const ms = rec.measurements.filter((m) => m.bench === bench);
    const metrics = [...new Set(ms.flatMap((m) => Object.keys(m.median)))];
    const rows: string[][] = [[bench, "target", ...metrics]];
    let lastCase = "";
    for (const kase of [...new Set(ms.map((m) => m.case))]) {
      for (const m of ms.filter((x) => x.case === kase)) {
        const cells = metrics.map((metric) => {
          const v = m.median[metric];
          if (v === undefined) return "";
          const r = ratios.find((x) => x.bench === bench && x.case === kase && x.peer === m.target && x.metric === metric);
          return r ? `${fmt(v)} (${fmt(r.ratio)}×)` : fmt(v);
        });
        rows.push([kase === lastCase ? "" : kase, m.target, ...cells]);
        lastCase = kase;
      }
    }
    out.push(table(rows));
  }
  return out.join("\n\n");
}

export async function writeJSON(path: string, machine: MachineInfo, rec: Recorder, config: unknown, durationSec: number, loadAverageAtEnd: number[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const doc = { machine, loadAverageAtEnd, config, durationSec, notes: rec.notes, measurements: rec.measurements, ratios: rec.ratios() };
  await writeFile(path, `${JSON.stringify(doc, null, 2)}\n`);
}

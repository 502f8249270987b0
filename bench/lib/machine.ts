/** The machine a run is measured on. */
import { cpus, loadavg, totalmem } from "node:os";
import type { MachineInfo } from "./report.js";

export function machineInfo(etcd: string | undefined): MachineInfo {
  const c = cpus();
  return {
    cpu: c[0]?.model.trim() ?? "unknown",
    cores: c.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    etcd,
    date: new Date().toISOString(),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

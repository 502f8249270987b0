/**
 * `npm run bench`: every benchmark, each against its peers measured in the same run, then a summary table on
 * stdout and bench/results/latest.json. BENCH_QUICK=1 shortens every phase (a smoke run, not for the record).
 */
import { performance } from "node:perf_hooks";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { benchAggregator } from "./aggregator.js";
import { benchBigList } from "./biglist.js";
import { benchClientNode } from "./clientnode.js";
import { benchCRDValidation } from "./crd-validation.js";
import { benchCrud } from "./crud.js";
import { machineInfo } from "./lib/machine.js";
import { summaryTable, writeJSON } from "./lib/report.js";
import { Recorder } from "./lib/results.js";
import { benchScaffold } from "./scaffold.js";
import { benchMemory } from "./memory.js";
import { benchInformerSync, benchReconcile } from "./runtime.js";
import { benchStartup } from "./startup.js";
import { startTargets } from "./targets/index.js";
import { etcdVersion } from "./targets/etcd.js";
import { benchWatch } from "./watch.js";
import { benchWorkqueue } from "./workqueue.js";

const quick = process.env.BENCH_QUICK === "1";
/** BENCH_ONLY=runtime runs only the runtime benchmarks (6 and 7); BENCH_ONLY=crd-validation only benchmark 8. */
const onlyRuntime = process.env.BENCH_ONLY === "runtime";
const onlyCRDValidation = process.env.BENCH_ONLY === "crd-validation";
/** BENCH_ONLY=scaffold: only benchmark 9 (the scaffolder; needs npm and the registry or npm's cache); BENCH_SKIP=scaffold: all but 9. */
const onlyScaffold = process.env.BENCH_ONLY === "scaffold";
/** BENCH_ONLY=aggregator: only benchmark 10 (through the aggregator vs direct). */
const onlyAggregator = process.env.BENCH_ONLY === "aggregator";
const skipScaffold = process.env.BENCH_SKIP === "scaffold";
const runAll = !onlyRuntime && !onlyCRDValidation && !onlyScaffold && !onlyAggregator;
const config = {
  startup: { processes: 3, startsPerProcess: quick ? 3 : 6, etcdRuns: 3 },
  memory: { pods: 10_000, runs: quick ? 1 : 3 },
  crud: { concurrencies: [1, 8, 32], runs: quick ? 1 : 3, durationMs: quick ? 200 : 500, warmupMs: 200, listSize: 100 },
  clientNode: { concurrencies: [1, 8], runs: quick ? 1 : 3, durationMs: quick ? 200 : 400, listSize: 100 },
  watch: { watchers: [1, 8, 32], runs: quick ? 1 : 3, writeMs: quick ? 200 : 500, writers: 4 },
  bigList: { pods: 10_000, pageSize: 500, runs: quick ? 1 : 5 },
  workqueue: { items: quick ? 50_000 : 200_000, workers: [1, 8], runs: quick ? 1 : 5 },
  informerSync: { pods: quick ? 10_000 : 60_000, runs: quick ? 1 : 3 },
  reconcile: { objects: 1_000, runs: quick ? 1 : 3 },
  crdValidation: { objects: quick ? 500 : 5_000, creates: quick ? 100 : 500, runs: quick ? 1 : 5 },
  aggregator: { concurrencies: [1, 8], runs: quick ? 1 : 5, durationMs: quick ? 200 : 1000, listSize: 100, watchers: 8, watchEvents: quick ? 100 : 500, openWatches: quick ? 50 : 200 },
  scaffold: { kinds: quick ? 10 : 50, groups: quick ? 2 : 5, generateRuns: quick ? 1 : 5, testRuns: quick ? 1 : 3 },
};
const out = resolve(process.cwd(), "bench/results/latest.json");

function log(s: string): void {
  process.stdout.write(`${s}\n`);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const etcd = etcdVersion();
  const machine = machineInfo(etcd);
  log(`kubeforge benchmarks — ${machine.date}`);
  log(`${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}, ${etcd ?? "etcd NOT installed: the etcd peer is skipped"}`);
  log("every ratio is kubeforge ÷ peer, both measured in this run (throughput: <1 is slower; latency, memory: >1 is slower/bigger)\n");
  const rec = new Recorder();
  if (!etcd) rec.notes.push("etcd is not installed: the etcd peer was SKIPPED (apt-get install -y etcd-server)");

  if (runAll) {
    log("1. startControlPlane(): start-to-ready and stop (fresh processes)");
    await benchStartup(rec, { ...config.startup, etcd: etcd !== undefined }, log);

    log(`\n3. memory per stored pod (${config.memory.pods} pods, --expose-gc child)`);
    await benchMemory(rec, config.memory, log);

    const targets = await startTargets(log);
    if (targets.etcdSkipped && etcd) rec.notes.push(targets.etcdSkipped);
    try {
      log("\n2a. create / get / list over keep-alive HTTPS (plain node:https client, client certificate)");
      await benchCrud(targets, rec, config.crud, log);
      log("\n2c. get / list through @kubernetes/client-node (kubeforge only, for reference)");
      await benchClientNode(targets, rec, config.clientNode, log);
      log("\n2b. watch: events delivered to N watchers while 4 writers create pods");
      await benchWatch(targets, rec, config.watch, log);
      log(`\n4. LIST of ${config.bigList.pods} pods (and 3. etcd's memory for them)`);
      await benchBigList(targets, rec, config.bigList, log);
    } finally {
      await targets.stop();
    }

    log("\n5. work queue: add + get + done per item, in process (anchor: controller-runtime ≈ 1 µs per item)");
    await benchWorkqueue(rec, config.workqueue, log);
  }

  if (runAll || onlyRuntime) {
    log(`\n6. informer initial sync and heap per object (${config.informerSync.pods} pods; control plane in its own child, one --expose-gc child per run)`);
    await benchInformerSync(rec, config.informerSync, log);
    log(`\n7. end-to-end no-op reconciles of ${config.reconcile.objects} ConfigMaps (anchor: controller-runtime on envtest ≈ 100 objects/s)`);
    await benchReconcile(rec, config.reconcile, log);
  }

  if (runAll || onlyCRDValidation) {
    log("\n8. CRD validation: a 50-field schema with 5 CEL rules vs. the same schema without rules");
    await benchCRDValidation(rec, config.crdValidation, log);
  }

  if (runAll || onlyAggregator) {
    log("\n10. aggregated API server through the aggregator vs called directly (get, list, watch, heap per open watch)");
    await benchAggregator(rec, config.aggregator, log);
  }

  if ((runAll && !skipScaffold) || onlyScaffold) {
    log(`\n9. scaffolder: init + ${config.scaffold.kinds} create api, kubeforge generate cold / warm, init → green npm test (anchor: controller-gen, minutes on large projects, reported)`);
    await benchScaffold(rec, config.scaffold, log);
  }

  const seconds = (performance.now() - t0) / 1000;
  log(`\nSummary (median of runs; ratio = kubeforge ÷ peer)\n`);
  log(summaryTable(rec));
  for (const n of rec.notes) log(`note: ${n}`);
  const loadAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);
  log(`load average at start ${machine.loadAverage.join(" ")}, at end ${loadAtEnd.join(" ")} (on ${machine.cores} cores; anything else running skews the numbers)`);
  await writeJSON(out, machine, rec, { quick, ...config }, seconds, loadAtEnd);
  log(`\nwrote ${out} — ${seconds.toFixed(0)} s`);
}

for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => process.exit(130));

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

/**
 * Benchmarks 6 and 7: the runtime (what operator authors import), each against a peer built on
 * @kubernetes/client-node 1.4 and measured in the same run, against the same control plane.
 *
 * 6. Informer initial sync: time from start to synced and heap held per cached object, for N realistic pods in
 *    one namespace. The control plane runs in its own child process (seeded through the pods registry, as
 *    bench/memory.ts does); every measured run is a fresh `--expose-gc` child (runtime-informer-child.ts),
 *    targets interleaved run by run.
 * 7. End-to-end no-op reconciles of 1,000 ConfigMaps (custom resources are not served by the control plane
 *    yet): time from start until each object has been reconciled once, then the steady rate when every object
 *    is touched (one annotation update each, written by the control plane child through its registry) until
 *    each has been reconciled again. One fresh child per run (runtime-reconcile-child.ts). Anchor, not measured
 *    here: ≈ 100 objects/s reported for controller-runtime on envtest.
 */
import { Child } from "./lib/child.js";
import type { Endpoint } from "./lib/client.js";
import type { Recorder, TargetName } from "./lib/results.js";
import { median } from "./lib/stats.js";
import type { SyncArg } from "./runtime-informer-child.js";
import type { StartArg } from "./runtime-reconcile-child.js";
import type { RuntimeTarget } from "./runtime-common.js";

export interface InformerSyncOptions {
  pods: number;
  runs: number;
}

export interface ReconcileOptions {
  objects: number;
  runs: number;
}

/** controller-runtime on envtest, as reported in the issue (objects/s); an anchor, not measured here. */
export const reconcileAnchorPerSec = 100;

/** Informer children may hold a 200 MB list response and its parse at once. */
const bigHeap = "--max-old-space-size=8192";

function fmtMetrics(m: Record<string, number>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k} ${v >= 100 ? v.toFixed(0) : v.toFixed(2)}`)
    .join("  ");
}

async function controlPlane(): Promise<Child<Endpoint>> {
  return Child.start<Endpoint>("../runtime-controlplane-child.js", [], [bigHeap]);
}

export async function benchInformerSync(rec: Recorder, o: InformerSyncOptions, log: (s: string) => void): Promise<void> {
  const cp = await controlPlane();
  try {
    const namespace = "sync";
    const seeded = await cp.call<{ ms: number }>("seedPods", { namespace, count: o.pods, prefix: "pod" });
    log(`  seeded ${o.pods} pods through the registry in ${(seeded.ms / 1000).toFixed(1)} s`);
    // (no "kubeforge-raw" variant: pods created through the registry carry no managedFields, so stripping them changes nothing)
    const targets: SyncArg["target"][] = ["kubeforge", "client-node"];
    const runs = new Map<SyncArg["target"], Record<string, number>[]>();
    for (let i = 0; i < o.runs; i++) {
      // rotate the order so that no target always goes first
      for (let j = 0; j < targets.length; j++) {
        const target = targets[(i + j) % targets.length] as SyncArg["target"];
        const child = await Child.start<{ pid: number }>("../runtime-informer-child.js", [], ["--expose-gc", bigHeap]);
        try {
          const r = await child.call<Record<string, number>>("sync", { target, endpoint: cp.ready, namespace, expected: o.pods } satisfies SyncArg);
          runs.set(target, [...(runs.get(target) ?? []), r]);
          log(`  run ${i + 1} ${target.padEnd(13)} ${fmtMetrics(r)}`);
        } finally {
          await child.stop();
        }
      }
    }
    const kase = `${o.pods} pods`;
    const k = rec.add("informer-sync", kase, "kubeforge", runs.get("kubeforge") ?? []);
    const c = rec.add("informer-sync", kase, "client-node", runs.get("client-node") ?? []);
    log(`  median kubeforge     ${fmtMetrics(k.median)}`);
    log(`  median client-node   ${fmtMetrics(c.median)}`);
    rec.notes.push(
      `informer-sync: ${o.pods} realistic pods in one namespace, median of ${o.runs} fresh --expose-gc children per target; kubeforge = SharedIndexInformer + ClientListerWatcher (pages of 500, 20 qps / 30 burst; the pods have no managedFields to strip); client-node = makeInformer + listNamespacedPod (one unpaginated list)`,
    );
  } finally {
    await cp.stop();
  }
}

export async function benchReconcile(rec: Recorder, o: ReconcileOptions, log: (s: string) => void): Promise<void> {
  const cp = await controlPlane();
  try {
    const namespace = "rec";
    const prefix = "cm";
    const seeded = await cp.call<{ ms: number }>("seedConfigMaps", { namespace, count: o.objects, prefix });
    log(`  seeded ${o.objects} ConfigMaps in ${seeded.ms.toFixed(0)} ms`);
    const targets: RuntimeTarget[] = ["kubeforge", "client-node"];
    const runs = new Map<RuntimeTarget, Record<string, number>[]>();
    const touchMs: number[] = [];
    let round = 0;
    for (let i = 0; i < o.runs; i++) {
      for (let j = 0; j < targets.length; j++) {
        const target = targets[(i + j) % targets.length] as RuntimeTarget;
        const child = await Child.start<{ pid: number }>("../runtime-reconcile-child.js");
        try {
          const first = await child.call<{ "initial ms": number; reconciles: number }>("start", { target, endpoint: cp.ready, namespace, prefix, count: o.objects } satisfies StartArg);
          await child.call("arm");
          const all = child.call<{ lastWallMs: number; reconciles: number }>("waitAll");
          const touch = await cp.call<{ startWallMs: number; endWallMs: number }>("touchConfigMaps", { namespace, prefix, count: o.objects, round: ++round });
          const again = await all;
          const steadyMs = again.lastWallMs - touch.startWallMs;
          touchMs.push(touch.endWallMs - touch.startWallMs);
          const r = {
            "initial ms": first["initial ms"],
            "initial obj/s": (o.objects * 1000) / first["initial ms"],
            "touch→all reconciled ms": steadyMs,
            "steady obj/s": (o.objects * 1000) / steadyMs,
          };
          runs.set(target, [...(runs.get(target) ?? []), r]);
          log(`  run ${i + 1} ${target.padEnd(11)} ${fmtMetrics(r)}  (writes took ${(touch.endWallMs - touch.startWallMs).toFixed(0)} ms)`);
        } finally {
          await child.stop();
        }
      }
    }
    const kase = `${o.objects} ConfigMaps, no-op`;
    const k = rec.add("reconcile", kase, "kubeforge", runs.get("kubeforge") ?? []);
    const c = rec.add("reconcile", kase, "client-node" as TargetName, runs.get("client-node") ?? [], "makeInformer + Set queue + one worker");
    const anchor = (v: number | undefined): string => `${((v ?? Number.NaN) / reconcileAnchorPerSec).toFixed(1)}× the controller-runtime/envtest anchor`;
    log(`  median kubeforge     ${fmtMetrics(k.median)}  (steady ${anchor(k.median["steady obj/s"])})`);
    log(`  median client-node   ${fmtMetrics(c.median)}`);
    log(`  the control plane wrote the ${o.objects} updates in ${median(touchMs).toFixed(0)} ms (median), which bounds the steady rate`);
    rec.notes.push(
      `reconcile: ${o.objects} ConfigMaps (custom resources not served yet), median of ${o.runs}; steady = ${o.objects} annotation updates written through the registry in ${median(touchMs).toFixed(0)} ms (median) until each object reconciled again; anchor (not measured): controller-runtime on envtest ≈ ${reconcileAnchorPerSec} objects/s`,
    );
  } finally {
    await cp.stop();
  }
}

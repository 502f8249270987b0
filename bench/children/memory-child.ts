/**
 * Child process (run with --expose-gc): heap and RSS growth of a control plane storing N realistic pods.
 * Each run starts a fresh control plane, stores the pods through the pods registry (the pipeline POST runs:
 * defaulting, validation, admission, storage, watch history, controllers' caches), collects garbage and
 * compares process.memoryUsage() before and after.
 */
import { startControlPlane } from "../../runtime/testing/index.js";
import type { RequestContext } from "../../runtime/apiserver/registry/store.js";
import type { KubeObject } from "../../runtime/core/object.js";
import { serveParent } from "../lib/child.js";
import { realisticPod } from "../lib/pods.js";

const gc = (globalThis as { gc?: () => void }).gc;

function collect(): void {
  if (!gc) throw new Error("run with --expose-gc");
  for (let i = 0; i < 4; i++) gc();
}

function ctx(namespace: string): RequestContext {
  return { namespace, user: { username: "bench", groups: ["system:masters", "system:authenticated"] }, dryRun: false, warnings: [] };
}

interface MemoryRun {
  "heap B/pod": number;
  "RSS B/pod": number;
  "JSON B/pod": number;
}

async function measure(pods: number): Promise<MemoryRun> {
  const cp = await startControlPlane();
  try {
    const server = cp.controlPlane.server;
    const nsStore = server.store("", "v1", "namespaces");
    const podStore = server.store("", "v1", "pods");
    if (!nsStore || !podStore) throw new Error("pods or namespaces not served");
    await nsStore.create(ctx(""), { apiVersion: "v1", kind: "Namespace", metadata: { name: "mem" } });
    await nsStore.create(ctx(""), { apiVersion: "v1", kind: "Namespace", metadata: { name: "warm" } });
    for (let i = 0; i < 200; i++) await podStore.create(ctx("warm"), realisticPod("warm", `w-${i}`, i) as unknown as KubeObject);
    await cp.controlPlane.controllersIdle();
    collect();
    const before = process.memoryUsage();
    let jsonBytes = 0;
    for (let i = 0; i < pods; i++) {
      const stored = await podStore.create(ctx("mem"), realisticPod("mem", `pod-${i}`, i) as unknown as KubeObject);
      if (i % 100 === 0) jsonBytes += Buffer.byteLength(JSON.stringify(stored));
    }
    await cp.controlPlane.controllersIdle();
    collect();
    const after = process.memoryUsage();
    return {
      "heap B/pod": (after.heapUsed - before.heapUsed) / pods,
      "RSS B/pod": (after.rss - before.rss) / pods,
      "JSON B/pod": jsonBytes / Math.ceil(pods / 100),
    };
  } finally {
    await cp.stop();
  }
}

void serveParent(async () => ({ pid: process.pid }), {
  measure: (arg) => measure(Number(arg)),
});

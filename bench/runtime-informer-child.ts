/**
 * Child process (run with --expose-gc), one per measured run: the initial sync of one informer over all pods of
 * a namespace served by the control plane child, and the heap it holds afterwards.
 *
 * - kubeforge: runtime/cache's SharedIndexInformer over a ClientListerWatcher on runtime/client (defaults:
 *   paginated list of 500, client rate limit 20 qps / 30 burst, managedFields stripped, objects frozen,
 *   namespace and owner indexes). Variant "kubeforge-raw": the same with `transform: null` (managedFields kept).
 * - client-node: @kubernetes/client-node's `makeInformer` with `CoreV1Api.listNamespacedPod` (one unpaginated
 *   list), what client-node's documentation shows.
 *
 * The clients are built before the baseline; the figure is the heap growth from just before `start` to just
 * after synced (garbage collected both times), divided by the number of cached pods.
 */
import { performance } from "node:perf_hooks";
import { CoreV1Api, makeInformer, type V1Pod } from "@kubernetes/client-node";
import { Client } from "../runtime/client/index.js";
import { ClientListerWatcher, SharedIndexInformer, silentLogger } from "../runtime/cache/index.js";
import { serveParent } from "./lib/child.js";
import type { Endpoint } from "./lib/client.js";
import { collectGarbage, kubeConfigFor } from "./runtime-common.js";

export interface SyncArg {
  target: "kubeforge" | "kubeforge-raw" | "client-node";
  endpoint: Endpoint;
  namespace: string;
  expected: number;
}

/** Keeps the measured informer reachable until the process exits. */
const keep: unknown[] = [];

async function sync(arg: SyncArg): Promise<Record<string, number>> {
  const kc = kubeConfigFor(arg.endpoint);
  let start: () => Promise<number>;
  if (arg.target === "client-node") {
    const api = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer<V1Pod>(kc, `/api/v1/namespaces/${arg.namespace}/pods`, () => api.listNamespacedPod({ namespace: arg.namespace }));
    informer.on("error", (err: unknown) => process.stderr.write(`client-node informer error: ${String(err)}\n`));
    keep.push(informer, api);
    start = async () => {
      await informer.start();
      return informer.list().length;
    };
  } else {
    const client = new Client(kc);
    const lw = new ClientListerWatcher(client, { group: "", version: "v1", kind: "Pod" }, arg.namespace);
    const informer = new SharedIndexInformer({ listerWatcher: lw, name: "pods", logger: silentLogger, ...(arg.target === "kubeforge-raw" ? { transform: null } : {}) });
    const abort = new AbortController();
    keep.push(informer, client, abort);
    start = async () => {
      void informer.run(abort.signal);
      if (!(await informer.waitForCacheSync())) throw new Error("kubeforge informer stopped before it synced");
      return informer.stats().objects;
    };
  }
  collectGarbage();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const objects = await start();
  const ms = performance.now() - t0;
  if (objects !== arg.expected) throw new Error(`${arg.target}: ${objects} objects cached, expected ${arg.expected}`);
  collectGarbage();
  const after = process.memoryUsage();
  return {
    "sync ms": ms,
    "heap B/object": (after.heapUsed - before.heapUsed) / objects,
    "RSS B/object": (after.rss - before.rss) / objects,
  };
}

void serveParent(async () => ({ pid: process.pid }), {
  sync: (arg) => sync(arg as SyncArg),
});

/**
 * Child process, one per measured run: a controller for ConfigMaps whose reconcile does nothing, against the
 * control plane child. Records when each ConfigMap named `<prefix>-*` in the namespace was reconciled.
 *
 * - kubeforge: a Manager (no leader election, no metrics/health servers) and
 *   `controllerManagedBy(mgr).for(ConfigMap).complete(noop)` — defaults: one worker, the default rate-limited
 *   work queue, cache over runtime/client.
 * - client-node: what people write without a framework — `makeInformer` on the namespace's ConfigMaps, add and
 *   update handlers putting `namespace/name` in a `Set`, one async worker loop draining it into the same no-op.
 *
 * Commands: `start` (resolves when every object has been reconciled once: ms from starting the manager /
 * informer), `arm` (forget who was reconciled), `waitAll` (resolves with the wall-clock time of the last
 * reconcile once every object has been reconciled again after `arm`).
 */
import { performance } from "node:perf_hooks";
import { CoreV1Api, makeInformer, type Informer, type V1ConfigMap } from "@kubernetes/client-node";
import { Manager, silentLogger } from "../runtime/manager/index.js";
import { controllerManagedBy } from "../runtime/builder/index.js";
import { reconcilerFunc } from "../runtime/reconcile/index.js";
import { serveParent } from "./lib/child.js";
import type { Endpoint } from "./lib/client.js";
import { kubeConfigFor, wallMs, type RuntimeTarget } from "./runtime-common.js";

export interface StartArg {
  target: RuntimeTarget;
  endpoint: Endpoint;
  namespace: string;
  prefix: string;
  count: number;
}

let expected = 0;
let prefix = "";
let namespace = "";
let seen = new Set<string>();
let lastWallMs = 0;
let reconciles = 0;
let waiter: (() => void) | undefined;
let stop: (() => Promise<void>) | undefined;

/** The no-op reconcile both targets call; it only records that `ns/name` was reconciled. */
async function noop(ns: string, name: string): Promise<void> {
  reconciles++;
  if (ns !== namespace || !name.startsWith(prefix)) return;
  seen.add(name);
  lastWallMs = wallMs();
  if (seen.size === expected && waiter) {
    const w = waiter;
    waiter = undefined;
    w();
  }
}

function allSeen(): Promise<void> {
  if (seen.size === expected) return Promise.resolve();
  return new Promise((resolve) => (waiter = resolve));
}

function startKubeforge(arg: StartArg): void {
  const manager = new Manager({ kubeConfig: kubeConfigFor(arg.endpoint), logger: silentLogger, gracefulShutdownTimeout: 2_000, setGlobalMetricsProviders: false });
  controllerManagedBy(manager)
    .for({ apiVersion: "v1", kind: "ConfigMap" })
    .complete(reconcilerFunc((_ctx, req) => noop(req.namespace, req.name)));
  const abort = new AbortController();
  const running = manager.start(abort.signal);
  running.catch((err: unknown) => process.stderr.write(`manager failed: ${String(err)}\n`));
  stop = async () => {
    abort.abort();
    await running.catch(() => undefined);
  };
}

/** A plain queue: a Set of keys (dedup while waiting) and one worker loop. */
function startClientNode(arg: StartArg): void {
  const kc = kubeConfigFor(arg.endpoint);
  const api = kc.makeApiClient(CoreV1Api);
  const informer: Informer<V1ConfigMap> = makeInformer<V1ConfigMap>(kc, `/api/v1/namespaces/${arg.namespace}/configmaps`, () => api.listNamespacedConfigMap({ namespace: arg.namespace }));
  const queue = new Set<string>();
  let wake: (() => void) | undefined;
  let stopped = false;
  const enqueue = (obj: V1ConfigMap): void => {
    queue.add(`${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`);
    const w = wake;
    wake = undefined;
    w?.();
  };
  informer.on("add", enqueue);
  informer.on("update", enqueue);
  informer.on("error", (err: unknown) => {
    if (!stopped) process.stderr.write(`client-node informer error: ${String(err)}\n`);
  });
  const worker = async (): Promise<void> => {
    while (!stopped) {
      const next = queue.values().next();
      if (next.done) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      queue.delete(next.value);
      const slash = next.value.indexOf("/");
      try {
        await noop(next.value.slice(0, slash), next.value.slice(slash + 1));
      } catch (err) {
        process.stderr.write(`reconcile failed: ${String(err)}\n`);
      }
    }
  };
  const loop = worker();
  informer.start().catch((err: unknown) => process.stderr.write(`client-node informer failed: ${String(err)}\n`));
  stop = async () => {
    stopped = true;
    wake?.();
    await loop;
    await informer.stop();
  };
}

async function start(arg: StartArg): Promise<Record<string, number>> {
  expected = arg.count;
  prefix = `${arg.prefix}-`;
  namespace = arg.namespace;
  seen = new Set();
  const t0 = performance.now();
  if (arg.target === "kubeforge") startKubeforge(arg);
  else startClientNode(arg);
  await allSeen();
  return { "initial ms": performance.now() - t0, reconciles };
}

void serveParent(
  async () => ({ pid: process.pid }),
  {
    start: (arg) => start(arg as StartArg),
    arm: () => {
      seen = new Set();
      reconciles = 0;
      return null;
    },
    waitAll: async () => {
      await allSeen();
      return { lastWallMs, reconciles };
    },
  },
  async () => {
    await stop?.();
  },
);

/**
 * Child process for the runtime benchmarks: a kubeforge control plane (startControlPlane) on an ephemeral port,
 * so that the informers and controllers being measured never share a process (or a heap) with the server.
 * Seeds realistic pods and small ConfigMaps through the registry (the same pipeline as POST, without HTTP) and
 * "touches" ConfigMaps (an annotation update on each, through the registry) on request.
 */
import { performance } from "node:perf_hooks";
import { startControlPlane, type RunningControlPlane } from "../runtime/testing/index.js";
import type { RequestContext } from "../runtime/apiserver/registry/store.js";
import type { KubeObject } from "../runtime/core/object.js";
import { isAlreadyExists } from "../runtime/core/errors.js";
import { serveParent } from "./lib/child.js";
import { realisticPod } from "./lib/pods.js";
import { endpointOf } from "./targets/endpoint.js";
import { wallMs, type SeedArg, type TouchArg } from "./runtime-common.js";

let cp: RunningControlPlane | undefined;

function running(): RunningControlPlane {
  if (!cp) throw new Error("control plane not started");
  return cp;
}

function ctx(namespace: string): RequestContext {
  return { namespace, user: { username: "bench", groups: ["system:masters", "system:authenticated"] }, dryRun: false, warnings: [] };
}

function store(resource: string): NonNullable<ReturnType<RunningControlPlane["controlPlane"]["server"]["store"]>> {
  const s = running().controlPlane.server.store("", "v1", resource);
  if (!s) throw new Error(`${resource} not served`);
  return s;
}

async function ensureNamespace(name: string): Promise<void> {
  try {
    await store("namespaces").create(ctx(""), { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}


async function seedPods(arg: SeedArg): Promise<{ ms: number }> {
  const t0 = performance.now();
  await ensureNamespace(arg.namespace);
  const pods = store("pods");
  for (let i = 0; i < arg.count; i++) {
    await pods.create(ctx(arg.namespace), realisticPod(arg.namespace, `${arg.prefix}-${i}`, i) as unknown as KubeObject);
  }
  await running().controlPlane.controllersIdle();
  return { ms: performance.now() - t0 };
}

/** A small ConfigMap (~0.5 KB as JSON): labels and a few data keys. */
function configMap(namespace: string, name: string, i: number): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace, labels: { app: `app-${i % 50}`, "app.kubernetes.io/part-of": "shop" } },
    data: { "LOG_LEVEL": "info", "CACHE_TTL": "300", "FEATURE_FLAGS": "checkout-v2,search-v3", "ENDPOINT": `http://svc-${i % 50}.shop.svc:8080` },
  } as KubeObject;
}

async function seedConfigMaps(arg: SeedArg): Promise<{ ms: number }> {
  const t0 = performance.now();
  await ensureNamespace(arg.namespace);
  const cms = store("configmaps");
  for (let i = 0; i < arg.count; i++) await cms.create(ctx(arg.namespace), configMap(arg.namespace, `${arg.prefix}-${i}`, i));
  await running().controlPlane.controllersIdle();
  return { ms: performance.now() - t0 };
}

/** Sets the annotation `bench.kubeforge.dev/touch` on every ConfigMap (one update each, sequentially). */
async function touchConfigMaps(arg: TouchArg): Promise<{ startWallMs: number; endWallMs: number }> {
  const cms = store("configmaps");
  const startWallMs = wallMs();
  for (let i = 0; i < arg.count; i++) {
    await cms.update(ctx(arg.namespace), `${arg.prefix}-${i}`, (cur) => {
      if (!cur) throw new Error(`configmap ${arg.prefix}-${i} missing`);
      return { ...cur, metadata: { ...cur.metadata, annotations: { ...cur.metadata.annotations, "bench.kubeforge.dev/touch": String(arg.round) } } };
    });
  }
  return { startWallMs, endWallMs: wallMs() };
}

void serveParent(
  async () => {
    cp = await startControlPlane();
    return endpointOf(cp);
  },
  {
    seedPods: (arg) => seedPods(arg as SeedArg),
    seedConfigMaps: (arg) => seedConfigMaps(arg as SeedArg),
    touchConfigMaps: (arg) => touchConfigMaps(arg as TouchArg),
    memory: () => process.memoryUsage(),
  },
  async () => {
    await cp?.stop();
  },
);

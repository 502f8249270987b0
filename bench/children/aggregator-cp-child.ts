/**
 * Child process (--expose-gc) for benchmark 10: a local control plane whose aggregator proxies
 * bench.kubeforge.dev/v1 to the aggregated server of aggregated-child.ts, registered with a Service, its
 * Endpoints on 127.0.0.1 and an APIService. "heap" answers the heap after a thorough GC.
 */
import { startControlPlane, type RunningControlPlane } from "../../runtime/testing/index.js";
import { controllerContext } from "../../runtime/controlplane/controllers/context.js";
import { serveParent } from "../lib/child.js";
import { collectGarbage } from "../runtime-common.js";

let cp: RunningControlPlane | undefined;

function running(): RunningControlPlane {
  if (!cp) throw new Error("control plane not started");
  return cp;
}

async function register(arg: unknown): Promise<null> {
  const { port, caBundle } = arg as { port: number; caBundle: string };
  const server = running().controlPlane.server;
  const ctx = controllerContext("bench");
  const store = (group: string, plural: string) => {
    const s = server.store(group, "v1", plural);
    if (!s) throw new Error(`${plural} not served`);
    return s;
  };
  await store("", "services").create({ ...ctx, namespace: "default" }, { apiVersion: "v1", kind: "Service", metadata: { name: "bench-api", namespace: "default" }, spec: { ports: [{ name: "https", port: 443, targetPort: 443 }] } });
  await store("", "endpoints").create(
    { ...ctx, namespace: "default" },
    { apiVersion: "v1", kind: "Endpoints", metadata: { name: "bench-api", namespace: "default" }, subsets: [{ addresses: [{ ip: "127.0.0.1" }], ports: [{ name: "https", port }] }] },
  );
  const apiservices = store("apiregistration.k8s.io", "apiservices");
  await apiservices.create(ctx, {
    apiVersion: "apiregistration.k8s.io/v1",
    kind: "APIService",
    metadata: { name: "v1.bench.kubeforge.dev" },
    spec: { group: "bench.kubeforge.dev", version: "v1", groupPriorityMinimum: 2000, versionPriority: 10, service: { namespace: "default", name: "bench-api" }, caBundle },
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const obj = await apiservices.get(ctx, "v1.bench.kubeforge.dev");
    const conds = (obj["status"] as { conditions?: { type: string; status: string; reason?: string }[] } | undefined)?.conditions ?? [];
    const available = conds.find((c) => c.type === "Available");
    if (available?.status === "True") return null;
    if (Date.now() > deadline) throw new Error(`APIService not Available: ${JSON.stringify(available)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

void serveParent(
  async () => {
    cp = await startControlPlane({ aggregator: { availabilityResyncMs: 500 } });
    return { url: cp.url, credentials: cp.credentials, frontProxyCAPEM: cp.frontProxy.caPEM, kubeconfigYAML: cp.kubeconfigYAML };
  },
  {
    register,
    heap: () => {
      collectGarbage();
      return process.memoryUsage().heapUsed;
    },
  },
  async () => {
    await cp?.stop();
  },
);

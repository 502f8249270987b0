/** Child process: a kubeforge control plane (startControlPlane) on an ephemeral port, seeded on request. */
import { startControlPlane, type RunningControlPlane } from "../../runtime/testing/index.js";
import type { RequestContext } from "../../runtime/apiserver/registry/store.js";
import type { KubeObject } from "../../runtime/core/object.js";
import { isAlreadyExists } from "../../runtime/core/errors.js";
import { serveParent } from "../lib/child.js";
import { endpointOf } from "./endpoint.js";
import { realisticPod } from "../lib/pods.js";

let cp: RunningControlPlane | undefined;

function running(): RunningControlPlane {
  if (!cp) throw new Error("control plane not started");
  return cp;
}

function ctx(namespace: string): RequestContext {
  return { namespace, user: { username: "bench", groups: ["system:masters", "system:authenticated"] }, dryRun: false, warnings: [] };
}

async function ensureNamespace(name: string): Promise<void> {
  const ns = running().controlPlane.server.store("", "v1", "namespaces");
  try {
    await ns?.create(ctx(""), { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

interface SeedArg {
  namespace: string;
  count: number;
  prefix: string;
}

/** Creates `count` realistic pods through the registry (the same pipeline as POST, without HTTP). */
async function seed(arg: SeedArg): Promise<number> {
  await ensureNamespace(arg.namespace);
  const pods = running().controlPlane.server.store("", "v1", "pods");
  if (!pods) throw new Error("pods not served");
  for (let i = 0; i < arg.count; i++) {
    await pods.create(ctx(arg.namespace), realisticPod(arg.namespace, `${arg.prefix}-${i}`, i) as unknown as KubeObject);
  }
  await running().controlPlane.controllersIdle();
  return arg.count;
}

void serveParent(
  async () => {
    cp = await startControlPlane();
    return endpointOf(cp);
  },
  {
    ensureNamespace: (arg) => ensureNamespace(String(arg)),
    seed: (arg) => seed(arg as SeedArg),
    memory: () => process.memoryUsage(),
  },
  async () => {
    await cp?.stop();
  },
);

/**
 * Finding the cluster to talk to, in controller-runtime's order (config.GetConfig): an explicit kubeconfig path
 * (the --kubeconfig flag), then $KUBECONFIG, then the in-cluster service account, then ~/.kube/config.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";

export type { KubeConfig };

export interface LoadKubeConfigOptions {
  /** A kubeconfig file (typically from a --kubeconfig flag); wins over everything else. */
  kubeconfig?: string;
  /** The context to use instead of the file's current-context. */
  context?: string;
}

export class KubeConfigNotFoundError extends Error {
  constructor() {
    super("no cluster configuration found: pass --kubeconfig FILE, set KUBECONFIG, run in a cluster, or create ~/.kube/config (\"kubeforge cluster up\" writes one for a local control plane)");
    this.name = "KubeConfigNotFoundError";
  }
}

/** Loads the kubeconfig a controller should use; throws KubeConfigNotFoundError when there is none. */
export function loadKubeConfig(opts: LoadKubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  const fromFile = (file: string): KubeConfig => {
    if (!existsSync(file)) throw new Error(`kubeconfig ${file} does not exist`);
    kc.loadFromFile(file);
    return kc;
  };
  if (opts.kubeconfig) fromFile(opts.kubeconfig);
  else if (process.env.KUBECONFIG) {
    // several files joined with ':' are merged by client-node
    kc.loadFromDefault();
  } else if (process.env.KUBERNETES_SERVICE_HOST && existsSync("/var/run/secrets/kubernetes.io/serviceaccount/token")) {
    kc.loadFromCluster();
  } else {
    const home = join(homedir(), ".kube", "config");
    if (!existsSync(home)) throw new KubeConfigNotFoundError();
    fromFile(home);
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) throw new Error(`context "${opts.context}" not found in the kubeconfig (contexts: ${kc.getContexts().map((c) => c.name).join(", ") || "none"})`);
    kc.setCurrentContext(opts.context);
  }
  return kc;
}

/**
 * The kubeconfig of the core API server that authentication and authorization are delegated to
 * (--authentication-kubeconfig / --authorization-kubeconfig): the one given, else the in-cluster service
 * account's (what an aggregated server running in a pod uses), else — unless optional — an error worded like
 * upstream's.
 */
import type { KubeConfig } from "@kubernetes/client-node";

export async function delegationKubeConfig(given: KubeConfig | undefined, optional: boolean, what: "authentication" | "authorization"): Promise<KubeConfig | undefined> {
  if (given) return given;
  if (process.env.KUBERNETES_SERVICE_HOST && process.env.KUBERNETES_SERVICE_PORT) {
    const { KubeConfig: KC } = await import("@kubernetes/client-node");
    const kc = new KC();
    kc.loadFromCluster();
    return kc;
  }
  if (optional) return undefined;
  throw new Error(`failed to get delegated ${what} kubeconfig: unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined`);
}

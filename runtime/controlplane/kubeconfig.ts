/** Kubeconfig documents for the local control plane (the YAML kubectl reads, and client-node's KubeConfig). */
import { stringify } from "yaml";

export interface KubeconfigParams {
  server: string;
  caPEM: string;
  clientCertPEM: string;
  clientKeyPEM: string;
  /** Cluster, user and context name (default "kubeforge"). */
  name?: string;
  namespace?: string;
}

const b64 = (s: string): string => Buffer.from(s).toString("base64");

/** A kubeconfig (clientcmd v1 Config) as a plain object. */
export function kubeconfigObject(p: KubeconfigParams): Record<string, unknown> {
  const name = p.name ?? "kubeforge";
  const context: Record<string, string> = { cluster: name, user: `${name}-admin` };
  if (p.namespace) context.namespace = p.namespace;
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server: p.server, "certificate-authority-data": b64(p.caPEM) } }],
    users: [{ name: `${name}-admin`, user: { "client-certificate-data": b64(p.clientCertPEM), "client-key-data": b64(p.clientKeyPEM) } }],
    contexts: [{ name, context }],
    "current-context": name,
    preferences: {},
  };
}

export function kubeconfigYAML(p: KubeconfigParams): string {
  return stringify(kubeconfigObject(p));
}

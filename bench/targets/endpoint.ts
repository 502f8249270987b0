import type { RunningControlPlane } from "../../runtime/testing/index.js";
import type { Endpoint } from "../lib/client.js";

/** URL and PEMs of a running control plane, read back from its client-node KubeConfig. */
export function endpointOf(c: RunningControlPlane): Endpoint {
  const cluster = c.kubeConfig.getCurrentCluster();
  const user = c.kubeConfig.getCurrentUser();
  const pem = (b64: string | undefined): string => Buffer.from(b64 ?? "", "base64").toString();
  return { url: c.url, caPEM: pem(cluster?.caData), certPEM: pem(user?.certData), keyPEM: pem(user?.keyData) };
}

/** The identity and request context the built-in controllers use for their in-process registry calls. */
import type { RequestContext } from "../../apiserver/registry/store.js";

export function controllerContext(name: string, namespace = ""): RequestContext {
  return { namespace, user: { username: `system:serviceaccount:kube-system:${name}`, groups: ["system:serviceaccounts", "system:authenticated"] }, dryRun: false, warnings: [] };
}

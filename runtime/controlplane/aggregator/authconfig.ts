/**
 * kube-system/extension-apiserver-authentication: the ConfigMap kube-apiserver publishes so that extension API
 * servers can authenticate its clients and its front proxy (the cluster authentication trust controller):
 *
 *   client-ca-file                       PEM of the CA client certificates chain to
 *   requestheader-client-ca-file         PEM of the CA that issued the front proxy's client certificate
 *   requestheader-allowed-names          ["front-proxy-client"]
 *   requestheader-username-headers       ["X-Remote-User"]
 *   requestheader-group-headers          ["X-Remote-Group"]
 *   requestheader-extra-headers-prefix   ["X-Remote-Extra-"]
 *
 * The list values are JSON arrays, as upstream writes them. Extension servers read it with the bootstrap Role
 * kube-system/extension-apiserver-authentication-reader.
 */
import { isAlreadyExists, isNotFound } from "../../core/errors.js";
import type { KubeObject } from "../../core/object.js";
import type { Store } from "../../apiserver/registry/store.js";
import { controllerContext } from "../controllers/context.js";
import { extraHeaderPrefix, frontProxyCommonName, groupHeader, usernameHeader } from "./frontproxy.js";

export const authenticationConfigMapNamespace = "kube-system";
export const authenticationConfigMapName = "extension-apiserver-authentication";

/** The ConfigMap's data; `client-ca-file` only when the control plane verifies client certificates. */
export function authenticationConfigMapData(opts: { clientCAPEM?: string; requestHeaderCAPEM: string }): Record<string, string> {
  const data: Record<string, string> = {};
  if (opts.clientCAPEM) data["client-ca-file"] = opts.clientCAPEM;
  data["requestheader-allowed-names"] = JSON.stringify([frontProxyCommonName]);
  data["requestheader-client-ca-file"] = opts.requestHeaderCAPEM;
  data["requestheader-extra-headers-prefix"] = JSON.stringify([extraHeaderPrefix]);
  data["requestheader-group-headers"] = JSON.stringify([groupHeader]);
  data["requestheader-username-headers"] = JSON.stringify([usernameHeader]);
  return data;
}

/** Creates the ConfigMap, or rewrites its data when it differs. */
export async function publishAuthenticationConfigMap(configMaps: Store, data: Record<string, string>): Promise<void> {
  const ctx = { ...controllerContext("cluster-authentication-trust-controller", authenticationConfigMapNamespace), user: { username: "system:apiserver", groups: ["system:masters"] } };
  for (let attempt = 0; attempt < 5; attempt++) {
    let current: KubeObject | undefined;
    try {
      current = await configMaps.get(ctx, authenticationConfigMapName);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (!current) {
      try {
        await configMaps.create(ctx, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: authenticationConfigMapName, namespace: authenticationConfigMapNamespace }, data });
        return;
      } catch (err) {
        if (isAlreadyExists(err)) continue;
        throw err;
      }
    }
    if (JSON.stringify(current["data"]) === JSON.stringify(data)) return;
    const base = current;
    try {
      await configMaps.update(ctx, authenticationConfigMapName, (cur) => ({ ...(cur ?? base), data }));
      return;
    } catch (err) {
      if (isNotFound(err)) continue;
      throw err;
    }
  }
}

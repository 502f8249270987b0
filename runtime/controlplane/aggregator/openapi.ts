/**
 * OpenAPI with aggregated servers (kube-aggregator's OpenAPI v3 spec proxier, kept simple): the /openapi/v3
 * index lists this server's group-versions and, for every APIService with a service whose backend's own index
 * names its group-version, that entry (the backend's URL, hash included); `/openapi/v3/apis/<group>/<version>`
 * of such a group-version is proxied to the backend. The v2 document is not merged.
 */

/** The merged index: the local one plus `apis/<group>/<version>` → backend URL for aggregated group-versions. */
export function mergeOpenAPIV3Index(local: Record<string, unknown>, remote: readonly { group: string; version: string; url: string }[]): Record<string, unknown> {
  const paths: Record<string, unknown> = { ...((local["paths"] as Record<string, unknown> | undefined) ?? {}) };
  for (const r of remote) paths[`apis/${r.group}/${r.version}`] = { serverRelativeURL: r.url };
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(paths).sort()) sorted[k] = paths[k];
  return { ...local, paths: sorted };
}

/** The group-version of an `/openapi/v3/apis/<group>/<version>` path, else undefined. */
export function openAPIV3GroupVersion(pathname: string): { group: string; version: string } | undefined {
  const m = /^\/openapi\/v3\/apis\/([^/]+)\/([^/]+)\/?$/.exec(pathname);
  return m ? { group: decodeURIComponent(m[1] ?? ""), version: decodeURIComponent(m[2] ?? "") } : undefined;
}

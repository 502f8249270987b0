/** Group/version/kind/resource identifiers, mirroring k8s.io/apimachinery/pkg/runtime/schema. */

export interface GroupVersion {
  group: string;
  version: string;
}

export interface GroupVersionKind extends GroupVersion {
  kind: string;
}

export interface GroupVersionResource extends GroupVersion {
  resource: string;
}

export interface GroupResource {
  group: string;
  resource: string;
}

export interface GroupKind {
  group: string;
  kind: string;
}

/** "apps/v1" → {group:"apps", version:"v1"}; "v1" → {group:"", version:"v1"}. */
export function parseApiVersion(apiVersion: string): GroupVersion {
  const i = apiVersion.indexOf("/");
  if (i < 0) return { group: "", version: apiVersion };
  return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function apiVersionOf(gv: GroupVersion): string {
  return gv.group ? `${gv.group}/${gv.version}` : gv.version;
}

/** "deployments.apps", or "configmaps" for the core group: how kube-apiserver names a resource in messages. */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

export function qualifiedKind(gk: GroupKind): string {
  return gk.group ? `${gk.kind}.${gk.group}` : gk.kind;
}

/**
 * The bootstrap RBAC policy kube-apiserver creates at start (plugin/pkg/auth/authorizer/rbac/bootstrappolicy),
 * trimmed to the roles this control plane's resources need: cluster-admin, the user-facing admin/edit/view
 * (aggregated from system:aggregate-to-*), system:discovery, system:basic-user, system:public-info-viewer and
 * system:auth-delegator, with their default ClusterRoleBindings, and the Role
 * kube-system/extension-apiserver-authentication-reader. Existing objects are left as they are.
 */
import type { Store } from "../../../apiserver/registry/store.js";
import { isAlreadyExists } from "../../../core/errors.js";
import type { KubeObject } from "../../../core/object.js";
import { apiserverContext } from "./aggregation.js";
import type { PolicyRule } from "./rules.js";

const rbacAPIVersion = "rbac.authorization.k8s.io/v1";
const bootstrapLabels = { "kubernetes.io/bootstrapping": "rbac-defaults" };
const autoupdate = { "rbac.authorization.kubernetes.io/autoupdate": "true" };

const read = ["get", "list", "watch"];
const write = ["create", "delete", "deletecollection", "patch", "update"];
const readWrite = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

const rule = (verbs: string[], apiGroups: string[], resources: string[]): PolicyRule => ({ verbs, apiGroups, resources });
const urls = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });

function clusterRole(name: string, rules: PolicyRule[], extra: { labels?: Record<string, string>; aggregateFrom?: string } = {}): KubeObject {
  const obj: KubeObject = {
    apiVersion: rbacAPIVersion,
    kind: "ClusterRole",
    metadata: { name, labels: { ...bootstrapLabels, ...extra.labels }, annotations: { ...autoupdate } },
    rules,
  };
  if (extra.aggregateFrom) obj["aggregationRule"] = { clusterRoleSelectors: [{ matchLabels: { [`rbac.authorization.k8s.io/${extra.aggregateFrom}`]: "true" } }] };
  return obj;
}

function clusterRoleBinding(name: string, groups: string[]): KubeObject {
  return {
    apiVersion: rbacAPIVersion,
    kind: "ClusterRoleBinding",
    metadata: { name, labels: { ...bootstrapLabels }, annotations: { ...autoupdate } },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
    subjects: groups.map((g) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: g })),
  };
}

const discoveryURLs = ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"];
const publicInfoURLs = ["/healthz", "/livez", "/readyz", "/version", "/version/"];

export const bootstrapClusterRoles: readonly KubeObject[] = [
  clusterRole("cluster-admin", [rule(["*"], ["*"], ["*"]), urls(["*"], ["*"])]),
  clusterRole("admin", [], { aggregateFrom: "aggregate-to-admin" }),
  clusterRole("edit", [], { aggregateFrom: "aggregate-to-edit", labels: { "rbac.authorization.k8s.io/aggregate-to-admin": "true" } }),
  clusterRole("view", [], { aggregateFrom: "aggregate-to-view", labels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" } }),
  clusterRole(
    "system:aggregate-to-admin",
    [rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]), rule(readWrite, ["rbac.authorization.k8s.io"], ["rolebindings", "roles"])],
    { labels: { "rbac.authorization.k8s.io/aggregate-to-admin": "true" } },
  ),
  clusterRole(
    "system:aggregate-to-edit",
    [
      rule(["create", "delete", "deletecollection", "patch", "update"], [""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"]),
      rule(["create"], [""], ["pods/eviction"]),
      rule(write, [""], ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"]),
      rule(["create"], [""], ["serviceaccounts/token"]),
      rule(write, ["apps"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"]),
      rule(write, ["autoscaling"], ["horizontalpodautoscalers"]),
      rule(write, ["batch"], ["cronjobs", "jobs"]),
      rule(write, ["extensions"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "ingresses", "networkpolicies", "replicasets", "replicasets/scale", "replicationcontrollers/scale"]),
      rule(write, ["policy"], ["poddisruptionbudgets"]),
      rule(write, ["networking.k8s.io"], ["ingresses", "networkpolicies"]),
      rule(write, ["coordination.k8s.io"], ["leases"]),
      rule(read, [""], ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"]),
      rule(["impersonate"], [""], ["serviceaccounts"]),
    ],
    { labels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" } },
  ),
  clusterRole(
    "system:aggregate-to-view",
    [
      rule(read, [""], ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status"]),
      rule(read, [""], ["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status", "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"]),
      rule(read, [""], ["namespaces"]),
      rule(read, ["discovery.k8s.io"], ["endpointslices"]),
      rule(read, ["apps"], ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"]),
      rule(read, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
      rule(read, ["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"]),
      rule(read, ["extensions"], ["daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "ingresses", "ingresses/status", "networkpolicies", "replicasets", "replicasets/scale", "replicasets/status", "replicationcontrollers/scale"]),
      rule(read, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
      rule(read, ["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"]),
      rule(read, ["coordination.k8s.io"], ["leases"]),
    ],
    { labels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" } },
  ),
  clusterRole("system:discovery", [urls(["get"], discoveryURLs)]),
  clusterRole("system:public-info-viewer", [urls(["get"], publicInfoURLs)]),
  clusterRole("system:basic-user", [
    rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
    rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"]),
  ]),
  clusterRole("system:auth-delegator", [rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]), rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"])]),
];

export const bootstrapClusterRoleBindings: readonly KubeObject[] = [
  clusterRoleBinding("cluster-admin", ["system:masters"]),
  clusterRoleBinding("system:discovery", ["system:authenticated"]),
  clusterRoleBinding("system:basic-user", ["system:authenticated"]),
  clusterRoleBinding("system:public-info-viewer", ["system:authenticated", "system:unauthenticated"]),
];

/**
 * Namespaced bootstrap roles (NamespaceRoles): kube-system/extension-apiserver-authentication-reader lets
 * extension API servers read the ConfigMap that says how to trust the front proxy and client certificates.
 */
export const bootstrapNamespaceRoles: readonly KubeObject[] = [
  {
    apiVersion: rbacAPIVersion,
    kind: "Role",
    metadata: { name: "extension-apiserver-authentication-reader", namespace: "kube-system", labels: { ...bootstrapLabels }, annotations: { ...autoupdate } },
    rules: [{ verbs: read, apiGroups: [""], resources: ["configmaps"], resourceNames: ["extension-apiserver-authentication"] }],
  },
];

/** Creates the bootstrap roles and bindings that do not exist yet (namespaced roles when `roles` is given; their namespaces must exist). */
export async function ensureBootstrapPolicy(clusterRoles: Store, clusterRoleBindings: Store, roles?: Store): Promise<void> {
  const ctx = apiserverContext();
  for (const [store, objs] of [
    [clusterRoles, bootstrapClusterRoles],
    [clusterRoleBindings, bootstrapClusterRoleBindings],
  ] as const) {
    for (const obj of objs) {
      try {
        await store.create(ctx, structuredClone(obj));
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    }
  }
  for (const obj of roles ? bootstrapNamespaceRoles : []) {
    try {
      await roles?.create({ ...ctx, namespace: obj.metadata.namespace ?? "" }, structuredClone(obj));
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
}

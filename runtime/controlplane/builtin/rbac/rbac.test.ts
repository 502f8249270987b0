import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../core/object.js";
import { fieldErrorString, type FieldError } from "../../../core/validation.js";
import { clusterRoleResource, clusterRoleBindingResource, rbacResources, roleBindingResource, roleResource } from "./index.js";

const msgs = (errs: FieldError[] | undefined): string[] => (errs ?? []).map(fieldErrorString);

function role(rules: unknown[]): KubeObject {
  return { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "r", namespace: "ns" }, rules };
}

function clusterRole(extra: Record<string, unknown>): KubeObject {
  return { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "system:r" }, ...extra };
}

function binding(kind: string, roleRef: unknown, subjects: unknown[]): KubeObject {
  return { apiVersion: "rbac.authorization.k8s.io/v1", kind, metadata: { name: "b", namespace: "ns" }, roleRef, subjects };
}

function defaulted(def: typeof roleBindingResource, obj: KubeObject): KubeObject {
  def.strategy?.default?.(obj);
  return obj;
}

describe("rbac resources", () => {
  it("declares the four kinds with path-segment names", () => {
    expect(rbacResources.map((r) => `${r.names.plural}:${r.namespaced}`)).toEqual([
      "roles:true",
      "clusterroles:false",
      "rolebindings:true",
      "clusterrolebindings:false",
    ]);
    for (const r of rbacResources) {
      expect(r.group).toBe("rbac.authorization.k8s.io");
      expect(r.nameValidator?.("system:controller:foo", false)).toEqual([]);
      expect(r.nameValidator?.("a/b", false)).toEqual(["may not contain '/'"]);
      expect(r.nameValidator?.("..", false)).toEqual(["may not be '..'"]);
    }
  });
});

describe("Role / ClusterRole validation", () => {
  const validate = (o: KubeObject) => msgs(roleResource.strategy?.validate?.(o));

  it("accepts resource rules", () => {
    expect(validate(role([{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }]))).toEqual([]);
  });

  it("requires verbs, api groups and resources", () => {
    expect(validate(role([{}]))).toEqual([
      "rules[0].verbs: Required value: verbs must contain at least one value",
      "rules[0].apiGroups: Required value: resource rules must supply at least one api group",
      "rules[0].resources: Required value: resource rules must supply at least one resource",
    ]);
  });

  it("rejects resource names across several resources", () => {
    expect(validate(role([{ apiGroups: [""], resources: ["pods", "services"], resourceNames: ["x"], verbs: ["get"] }]))).toEqual([
      "rules[0].resourceNames: Required value: resource names cannot apply to multiple resources",
    ]);
  });

  it("forbids non-resource URLs in namespaced roles", () => {
    expect(validate(role([{ nonResourceURLs: ["/healthz"], verbs: ["get"] }]))).toEqual([
      'rules[0].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs',
    ]);
  });

  it("allows non-resource URLs in cluster roles, but not mixed with resources", () => {
    const v = (o: KubeObject) => msgs(clusterRoleResource.strategy?.validate?.(o));
    expect(v(clusterRole({ rules: [{ nonResourceURLs: ["/healthz", "/version"], verbs: ["get"] }] }))).toEqual([]);
    expect(v(clusterRole({ rules: [{ nonResourceURLs: ["/healthz"], resources: ["pods"], verbs: ["get"] }] }))).toEqual([
      'rules[0].nonResourceURLs: Invalid value: ["/healthz"]: rules cannot apply to both regular resources and non-resource URLs',
    ]);
  });

  it("keeps and validates the aggregation rule", () => {
    const v = (o: KubeObject) => msgs(clusterRoleResource.strategy?.validate?.(o));
    const agg = clusterRole({ aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "rbac.example.com/aggregate-to-monitoring": "true" } }] } });
    clusterRoleResource.strategy?.default?.(agg);
    expect(v(agg)).toEqual([]);
    expect(agg["aggregationRule"]).toEqual({ clusterRoleSelectors: [{ matchLabels: { "rbac.example.com/aggregate-to-monitoring": "true" } }] });
    expect(v(clusterRole({ aggregationRule: {} }))).toEqual([
      "aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil",
    ]);
    expect(v(clusterRole({ aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: "a", operator: "Bad" }] }] } }))).toEqual([
      'aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator: Invalid value: "Bad": not a valid selector operator',
    ]);
  });
});

describe("RoleBinding / ClusterRoleBinding", () => {
  it("defaults roleRef.apiGroup and User/Group subject apiGroups (not ServiceAccount)", () => {
    const b = defaulted(
      roleBindingResource,
      binding("RoleBinding", { kind: "Role", name: "r" }, [
        { kind: "User", name: "alice" },
        { kind: "Group", name: "devs" },
        { kind: "ServiceAccount", name: "default", namespace: "ns" },
      ]),
    );
    expect(b["roleRef"]).toEqual({ kind: "Role", name: "r", apiGroup: "rbac.authorization.k8s.io" });
    expect(b["subjects"]).toEqual([
      { kind: "User", name: "alice", apiGroup: "rbac.authorization.k8s.io" },
      { kind: "Group", name: "devs", apiGroup: "rbac.authorization.k8s.io" },
      { kind: "ServiceAccount", name: "default", namespace: "ns" },
    ]);
    expect(msgs(roleBindingResource.strategy?.validate?.(b))).toEqual([]);
  });

  it("validates roleRef and subjects with upstream messages", () => {
    const b = defaulted(
      roleBindingResource,
      binding("RoleBinding", { apiGroup: "example.com", kind: "Thing", name: "" }, [
        { kind: "Robot", name: "x" },
        { kind: "ServiceAccount", apiGroup: "v1", name: "Bad_Name" },
        { kind: "User", apiGroup: "", name: "" },
      ]),
    );
    // An explicit non-empty apiGroup is kept; an explicit "" on a User is defaulted.
    expect(msgs(roleBindingResource.strategy?.validate?.(b))).toEqual([
      'roleRef.apiGroup: Unsupported value: "example.com": supported values: "rbac.authorization.k8s.io"',
      'roleRef.kind: Unsupported value: "Thing": supported values: "Role", "ClusterRole"',
      "roleRef.name: Required value",
      'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
      "subjects[1].name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      'subjects[1].apiGroup: Unsupported value: "v1": supported values: ""',
      "subjects[2].name: Required value",
      'subjects[2].name: Invalid value: "": user name cannot be empty',
    ]);
  });

  it("cluster role bindings only reference ClusterRoles and need service account namespaces", () => {
    const b = defaulted(clusterRoleBindingResource, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "crb" },
      roleRef: { kind: "Role", name: "r/x" },
      subjects: [{ kind: "ServiceAccount", name: "default" }],
    });
    expect(msgs(clusterRoleBindingResource.strategy?.validate?.(b))).toEqual([
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
      "roleRef.name: Invalid value: \"r/x\": may not contain '/'",
      "subjects[0].namespace: Required value",
    ]);
  });

  it("roleRef cannot change on update", () => {
    const old = defaulted(roleBindingResource, binding("RoleBinding", { kind: "Role", name: "a" }, []));
    const same = defaulted(roleBindingResource, binding("RoleBinding", { kind: "Role", name: "a" }, [{ kind: "User", name: "bob" }]));
    expect(msgs(roleBindingResource.strategy?.validateUpdate?.(same, old))).toEqual([]);
    const changed = defaulted(roleBindingResource, binding("RoleBinding", { kind: "ClusterRole", name: "a" }, []));
    expect(msgs(roleBindingResource.strategy?.validateUpdate?.(changed, old))).toEqual([
      'roleRef: Invalid value: {"kind":"ClusterRole","name":"a","apiGroup":"rbac.authorization.k8s.io"}: cannot change roleRef',
    ]);
    const crOld = defaulted(clusterRoleBindingResource, { ...binding("ClusterRoleBinding", { kind: "ClusterRole", name: "a" }, []), metadata: { name: "c" } });
    const crNew = defaulted(clusterRoleBindingResource, { ...binding("ClusterRoleBinding", { kind: "ClusterRole", name: "b" }, []), metadata: { name: "c" } });
    expect(msgs(clusterRoleBindingResource.strategy?.validateUpdate?.(crNew, crOld))).toHaveLength(1);
  });
});

describe("rbac tables", () => {
  const now = new Date("2024-05-01T12:00:00Z");

  it("roles and cluster roles print NAME and CREATED AT (RFC 3339)", () => {
    expect(roleResource.table?.columns.map((c) => [c.name, c.type, c.priority])).toEqual([
      ["Name", "string", 0],
      ["Created At", "date", 0],
    ]);
    const r = { ...role([]), metadata: { name: "pod-reader", namespace: "ns", creationTimestamp: "2024-04-30T12:00:00Z" } };
    expect(roleResource.table?.cells(r, now)).toEqual(["pod-reader", "2024-04-30T12:00:00Z"]);
    expect(clusterRoleResource.table?.cells(clusterRole({}), now)).toEqual(["system:r", "0001-01-01T00:00:00Z"]);
  });

  it("bindings print NAME ROLE AGE, wide USERS GROUPS SERVICEACCOUNTS", () => {
    const t = roleBindingResource.table;
    expect(t?.columns.map((c) => `${c.name}/${c.priority}`)).toEqual(["Name/0", "Role/0", "Age/0", "Users/1", "Groups/1", "ServiceAccounts/1"]);
    const b = {
      ...binding("RoleBinding", { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" }, [
        { kind: "User", name: "alice" },
        { kind: "User", name: "bob" },
        { kind: "Group", name: "devs" },
        { kind: "ServiceAccount", name: "builder", namespace: "ci" },
      ]),
      metadata: { name: "edit-binding", namespace: "ns", creationTimestamp: "2024-04-30T12:00:00Z" },
    };
    expect(t?.cells(b, now)).toEqual(["edit-binding", "ClusterRole/edit", "24h", "alice, bob", "devs", "ci/builder"]);
    const crb = { ...b, kind: "ClusterRoleBinding", subjects: [] };
    expect(clusterRoleBindingResource.table?.cells(crb, now)).toEqual(["edit-binding", "ClusterRole/edit", "24h", "", "", ""]);
  });
});

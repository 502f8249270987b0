import { afterEach, describe, expect, it } from "vitest";
import type { AdmissionAttributes, UserInfo } from "../../../apiserver/admission/types.js";
import type { StatusError } from "../../../core/errors.js";
import type { KubeObject } from "../../../core/object.js";
import { MemoryBackend } from "../../../storage/memory.js";
import { Authorizer } from "../authorizer.js";
import { aggregatedRules } from "./aggregation.js";
import { rbacEscalationPlugin } from "./escalation.js";
import { RBACPolicy } from "./policy.js";
import type { AuthorizationAttributes } from "./rules.js";

const rbac = "rbac.authorization.k8s.io";
const alice: UserInfo = { username: "alice", groups: ["devs", "system:authenticated"] };
const robot: UserInfo = { username: "system:serviceaccount:ns:robot", groups: ["system:serviceaccounts", "system:serviceaccounts:ns", "system:authenticated"] };

function attrs(user: UserInfo, verb: string, resource: string, namespace: string, extra: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes {
  return { user, verb, isResourceRequest: true, path: "", namespace, apiGroup: "", apiVersion: "v1", resource, subresource: "", name: "", ...extra };
}

const role = (ns: string, name: string, rules: unknown[]): KubeObject => ({ apiVersion: `${rbac}/v1`, kind: "Role", metadata: { name, namespace: ns }, rules });
const clusterRole = (name: string, rules: unknown[], labels?: Record<string, string>): KubeObject => ({ apiVersion: `${rbac}/v1`, kind: "ClusterRole", metadata: { name, ...(labels ? { labels } : {}) }, rules });
const binding = (ns: string, name: string, roleRef: { kind: string; name: string }, subjects: unknown[]): KubeObject => ({
  apiVersion: `${rbac}/v1`,
  kind: ns ? "RoleBinding" : "ClusterRoleBinding",
  metadata: { name, ...(ns ? { namespace: ns } : {}) },
  roleRef: { apiGroup: rbac, ...roleRef },
  subjects,
});

let backend: MemoryBackend | undefined;
let policy: RBACPolicy | undefined;

afterEach(async () => {
  policy?.stop();
  await backend?.close();
});

async function setup(): Promise<{ authz: Authorizer; put: (kind: "roles" | "clusterroles" | "rolebindings" | "clusterrolebindings", obj: KubeObject) => Promise<void>; remove: (kind: string, key: string) => Promise<void> }> {
  backend = new MemoryBackend({});
  const s = (plural: string) => backend!.forResource(`${rbac}/${plural}`);
  policy = new RBACPolicy({ roles: s("roles"), clusterRoles: s("clusterroles"), roleBindings: s("rolebindings"), clusterRoleBindings: s("clusterrolebindings") });
  await policy.start();
  return {
    authz: new Authorizer(policy),
    put: async (kind, obj) => {
      await s(kind).create(obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : (obj.metadata.name ?? ""), obj);
    },
    remove: async (kind, key) => {
      await s(kind).delete(key);
    },
  };
}

describe("RBAC authorizer over the stored policy", () => {
  it("applies role bindings in their namespace and cluster role bindings everywhere, as soon as they are stored", async () => {
    const { authz, put, remove } = await setup();
    expect(authz.authorize(attrs(robot, "list", "pods", "ns")).allowed).toBe(false);
    await put("roles", role("ns", "reader", [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }]));
    await put("rolebindings", binding("ns", "rb", { kind: "Role", name: "reader" }, [{ kind: "ServiceAccount", name: "robot" }]));
    expect(authz.authorize(attrs(robot, "list", "pods", "ns"))).toEqual({ allowed: true, reason: 'RBAC: allowed by RoleBinding "rb/ns" of Role "reader" to ServiceAccount "robot/ns"' });
    expect(authz.authorize(attrs(robot, "list", "pods", "other")).allowed).toBe(false);
    expect(authz.authorize(attrs(robot, "list", "pods", "")).allowed).toBe(false);

    await put("clusterroles", clusterRole("node-reader", [{ verbs: ["get"], apiGroups: [""], resources: ["nodes"] }]));
    await put("clusterrolebindings", binding("", "devs-nodes", { kind: "ClusterRole", name: "node-reader" }, [{ kind: "Group", name: "devs" }]));
    expect(authz.authorize(attrs(alice, "get", "nodes", "")).reason).toBe('RBAC: allowed by ClusterRoleBinding "devs-nodes" of ClusterRole "node-reader" to Group "devs"');
    expect(authz.authorize(attrs(robot, "get", "nodes", "")).allowed).toBe(false);

    await remove("rolebindings", "ns/rb");
    expect(authz.authorize(attrs(robot, "list", "pods", "ns")).allowed).toBe(false);
  });

  it("a RoleBinding to a ClusterRole grants it in the binding's namespace only; system:masters may do anything", async () => {
    const { authz, put } = await setup();
    await put("clusterroles", clusterRole("cm-editor", [{ verbs: ["*"], apiGroups: [""], resources: ["configmaps"] }]));
    await put("rolebindings", binding("ns", "alice-cm", { kind: "ClusterRole", name: "cm-editor" }, [{ kind: "User", name: "alice" }]));
    expect(authz.authorize(attrs(alice, "delete", "configmaps", "ns")).allowed).toBe(true);
    expect(authz.authorize(attrs(alice, "delete", "configmaps", "kube-system")).allowed).toBe(false);
    expect(authz.authorize(attrs({ username: "root", groups: ["system:masters"] }, "delete", "anything", "x")).allowed).toBe(true);
    // a binding to a missing role grants nothing
    await put("rolebindings", binding("ns", "dangling", { kind: "Role", name: "missing" }, [{ kind: "User", name: "alice" }]));
    expect(authz.authorize(attrs(alice, "get", "secrets", "ns")).allowed).toBe(false);
  });

  it("prevents escalation on role and binding writes unless the user may escalate or bind", async () => {
    const { authz, put } = await setup();
    const plugin = rbacEscalationPlugin(authz);
    await put("roles", role("ns", "mine", [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }, { verbs: ["create"], apiGroups: [rbac], resources: ["roles", "rolebindings"] }]));
    await put("rolebindings", binding("ns", "alice-mine", { kind: "Role", name: "mine" }, [{ kind: "User", name: "alice" }]));
    await put("roles", role("ns", "big", [{ verbs: ["delete"], apiGroups: [""], resources: ["pods"] }]));
    const write = (resource: string, object: KubeObject, user: UserInfo = alice): AdmissionAttributes => ({
      operation: "CREATE",
      resource: { group: rbac, version: "v1", resource },
      subresource: "",
      kind: { group: rbac, version: "v1", kind: object.kind ?? "" },
      namespace: "ns",
      name: object.metadata.name ?? "",
      object,
      dryRun: false,
      user,
      warnings: [],
    });
    const rejection = async (a: AdmissionAttributes): Promise<string | undefined> => {
      try {
        await plugin.validate?.(a);
        return undefined;
      } catch (err) {
        return (err as StatusError).status.message;
      }
    };
    expect(await rejection(write("roles", role("ns", "ok", [{ verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: ["p"] }])))).toBeUndefined();
    expect(await rejection(write("roles", role("ns", "bad", [{ verbs: ["get", "delete"], apiGroups: [""], resources: ["pods"] }])))).toBe(
      'roles.rbac.authorization.k8s.io "bad" is forbidden: user "alice" (groups=["devs" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}',
    );
    expect(await rejection(write("rolebindings", binding("ns", "b1", { kind: "Role", name: "big" }, [{ kind: "User", name: "bob" }])))).toContain(
      'rolebindings.rbac.authorization.k8s.io "b1" is forbidden: user "alice"',
    );
    expect(await rejection(write("rolebindings", binding("ns", "b2", { kind: "Role", name: "nope" }, [])))).toBe('roles.rbac.authorization.k8s.io "nope" not found');
    expect(await rejection(write("roles", role("ns", "bad", [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }]), { username: "root", groups: ["system:masters"] }))).toBeUndefined();
    // the bind and escalate verbs lift the checks
    await put("roles", role("ns", "binder", [{ verbs: ["bind"], apiGroups: [rbac], resources: ["roles"], resourceNames: ["big"] }, { verbs: ["escalate"], apiGroups: [rbac], resources: ["roles"] }]));
    await put("rolebindings", binding("ns", "alice-binder", { kind: "Role", name: "binder" }, [{ kind: "User", name: "alice" }]));
    expect(await rejection(write("rolebindings", binding("ns", "b1", { kind: "Role", name: "big" }, [{ kind: "User", name: "bob" }])))).toBeUndefined();
    expect(await rejection(write("roles", role("ns", "bad", [{ verbs: ["get", "delete"], apiGroups: [""], resources: ["pods"] }])))).toBeUndefined();
  });
});

describe("cluster role aggregation", () => {
  it("unions the rules of matching cluster roles in name order without duplicates", () => {
    const admin: KubeObject = { ...clusterRole("admin", []), aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "agg/admin": "true" } }] } };
    const all = [
      admin,
      clusterRole("b", [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }, { verbs: ["list"], apiGroups: [""], resources: ["pods"] }], { "agg/admin": "true" }),
      clusterRole("a", [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }], { "agg/admin": "true" }),
      clusterRole("c", [{ verbs: ["delete"], apiGroups: [""], resources: ["pods"] }]),
    ];
    expect(aggregatedRules(admin, all)).toEqual([
      { verbs: ["get"], apiGroups: [""], resources: ["pods"] },
      { verbs: ["list"], apiGroups: [""], resources: ["pods"] },
    ]);
    expect(aggregatedRules(all[1]!, all)).toBeUndefined();
  });
});

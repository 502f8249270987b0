/**
 * Tables for rbac.authorization.k8s.io kinds as kube-apiserver serves them: roles and cluster roles have no printer
 * upstream and use the default table convertor (NAME, CREATED AT as an RFC 3339 date); bindings use
 * printRoleBinding / printClusterRoleBinding (NAME, ROLE, AGE; wide USERS, GROUPS, SERVICEACCOUNTS).
 */
import type { TableConvertor } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { asArray, asRecord, asString } from "../common/apps-shared.js";
import { age, ageColumn, nameColumn, objectMetaCreationTimestampDescription, objectMetaNameDescription } from "../common/printers.js";

/** The creation timestamp as Go's `Time.UTC().Format(time.RFC3339)` (zero time when unset). */
function createdAt(obj: KubeObject): string {
  const ts = obj.metadata.creationTimestamp;
  if (!ts) return "0001-01-01T00:00:00Z";
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** rest.NewDefaultTableConvertor: NAME and CREATED AT. */
export const defaultTable: TableConvertor = {
  columns: [
    { name: "Name", type: "string", format: "name", description: objectMetaNameDescription, priority: 0 },
    { name: "Created At", type: "date", description: objectMetaCreationTimestampDescription, priority: 0 },
  ],
  cells: (obj) => [obj.metadata.name ?? "", createdAt(obj)],
};

/** SubjectsStrings: users, groups, service accounts ("namespace/name") and others. */
export function subjectsStrings(subjects: unknown): { users: string[]; groups: string[]; serviceAccounts: string[]; others: string[] } {
  const out = { users: [] as string[], groups: [] as string[], serviceAccounts: [] as string[], others: [] as string[] };
  for (const s of asArray(subjects)) {
    const r = asRecord(s) ?? {};
    const kind = asString(r["kind"]);
    const name = asString(r["name"]);
    const ns = asString(r["namespace"]);
    switch (kind) {
      case "ServiceAccount":
        out.serviceAccounts.push(`${ns}/${name}`);
        break;
      case "User":
        out.users.push(name);
        break;
      case "Group":
        out.groups.push(name);
        break;
      default:
        out.others.push(`${kind}/${ns}/${name}`);
    }
  }
  return out;
}

function bindingTable(kind: "roleBinding" | "clusterRoleBinding", roleDescription: string): TableConvertor {
  return {
    columns: [
      nameColumn,
      { name: "Role", type: "string", description: roleDescription, priority: 0 },
      ageColumn,
      { name: "Users", type: "string", description: `Users in the ${kind}`, priority: 1 },
      { name: "Groups", type: "string", description: `Groups in the ${kind}`, priority: 1 },
      { name: "ServiceAccounts", type: "string", description: `ServiceAccounts in the ${kind}`, priority: 1 },
    ],
    cells(obj, now) {
      const ref = asRecord(obj["roleRef"]) ?? {};
      const s = subjectsStrings(obj["subjects"]);
      return [
        obj.metadata.name ?? "",
        `${asString(ref["kind"])}/${asString(ref["name"])}`,
        age(obj, now),
        s.users.join(", "),
        s.groups.join(", "),
        s.serviceAccounts.join(", "),
      ];
    },
  };
}

export const roleBindingTable: TableConvertor = bindingTable(
  "roleBinding",
  "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.",
);

export const clusterRoleBindingTable: TableConvertor = bindingTable(
  "clusterRoleBinding",
  "RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.",
);

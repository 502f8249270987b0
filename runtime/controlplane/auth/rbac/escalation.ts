/**
 * Privilege-escalation prevention for RBAC writes (pkg/registry/rbac/{role,clusterrole,rolebinding,
 * clusterrolebinding}/policybased): a user may create or update a Role/ClusterRole only with rules they already
 * hold, unless they may `escalate` it; and may bind a role only when they hold its rules, unless they may `bind`
 * it. Members of system:masters are exempt. Runs as a validating admission plugin, so it sees every write path
 * (create, update, patch) with the requesting user.
 */
import type { AdmissionAttributes, AdmissionPlugin, UserInfo } from "../../../apiserver/admission/types.js";
import type { AuthorizationAttributes } from "../../../apiserver/authorization.js";
import { newForbidden, newNotFound } from "../../../core/errors.js";
import type { KubeObject } from "../../../core/object.js";
import { semanticEqual } from "../../builtin/common/apps-shared.js";
import type { Authorizer } from "../authorizer.js";
import { systemMasters } from "../authorizer.js";
import { compactRules, compactString, covers, fullAuthority, goQuotedList, toPolicyRule, type PolicyRule } from "./rules.js";

export const rbacGroup = "rbac.authorization.k8s.io";

/** Throws the reason (as an Error) when `user` does not hold every rule of `rules` in `namespace`. */
export function confirmNoEscalation(authz: Authorizer, user: UserInfo, namespace: string, rules: readonly PolicyRule[]): string | undefined {
  const owner = authz.rulesFor(user, namespace);
  const { covered, missing } = covers(owner, rules);
  if (covered) return undefined;
  const descriptions = [...new Set(compactRules(missing).map(compactString))].sort();
  return `user ${JSON.stringify(user.username)} (groups=${goQuotedList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${descriptions.join("\n")}`;
}

function rulesOf(obj: KubeObject | undefined): PolicyRule[] {
  const raw = obj?.["rules"];
  return Array.isArray(raw) ? raw.map(toPolicyRule) : [];
}

function authorized(authz: Authorizer, attrs: Omit<AuthorizationAttributes, "isResourceRequest" | "path" | "apiVersion" | "subresource" | "apiGroup">): boolean {
  return authz.authorize({ ...attrs, isResourceRequest: true, path: "", apiVersion: "*", subresource: "", apiGroup: rbacGroup }).allowed;
}

export function rbacEscalationPlugin(authz: Authorizer): AdmissionPlugin {
  return {
    name: "RBACEscalationCheck",
    validate(attrs: AdmissionAttributes) {
      if (attrs.resource.group !== rbacGroup || attrs.subresource) return;
      if (attrs.operation !== "CREATE" && attrs.operation !== "UPDATE") return;
      const user = attrs.user;
      if (user.groups.includes(systemMasters)) return;
      const obj = attrs.object;
      if (!obj) return;
      const name = obj.metadata.name ?? attrs.name;
      const gr = { group: rbacGroup, resource: attrs.resource.resource };
      const namespace = attrs.namespace;
      switch (attrs.resource.resource) {
        case "roles":
        case "clusterroles": {
          if (attrs.operation === "UPDATE" && semanticEqual(obj["rules"], attrs.oldObject?.["rules"]) && semanticEqual(obj["aggregationRule"], attrs.oldObject?.["aggregationRule"])) return;
          if (authorized(authz, { user, verb: "escalate", resource: attrs.resource.resource, name: attrs.operation === "CREATE" ? "" : name, namespace })) return;
          const reason = confirmNoEscalation(authz, user, namespace, rulesOf(obj));
          if (reason) throw newForbidden(gr, name, reason);
          if (attrs.resource.resource === "clusterroles" && obj["aggregationRule"] && confirmNoEscalation(authz, user, namespace, fullAuthority)) {
            throw newForbidden(gr, name, "must have cluster-admin privileges to use the aggregationRule");
          }
          return;
        }
        case "rolebindings":
        case "clusterrolebindings": {
          const ref = (obj["roleRef"] ?? {}) as { kind?: string; name?: string };
          const refKind = ref.kind ?? "";
          const refName = ref.name ?? "";
          const roleResource = refKind === "Role" ? "roles" : "clusterroles";
          if (authorized(authz, { user, verb: "bind", resource: roleResource, name: refName, namespace })) return;
          const rules = authz.rbac.policy.roleReferenceRules({ kind: refKind, name: refName }, namespace);
          if (!rules) throw newNotFound({ group: rbacGroup, resource: roleResource }, refName);
          const reason = confirmNoEscalation(authz, user, namespace, rules);
          if (reason) throw newForbidden(gr, name, reason);
          return;
        }
      }
    },
  };
}

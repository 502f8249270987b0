/**
 * The control plane's authorizer chain, as kube-apiserver's `--authorization-mode=RBAC` with its built-in
 * privileged-groups authorizer in front: members of system:masters may do anything; everyone else gets what RBAC
 * grants.
 */
import type { UserInfo } from "../../apiserver/admission/types.js";
import { RBACAuthorizer, type Decision } from "./rbac/authorizer.js";
import type { RBACPolicy } from "./rbac/policy.js";
import { all, fullAuthority, type AuthorizationAttributes, type PolicyRule } from "./rbac/rules.js";

export const systemMasters = "system:masters";

export class Authorizer {
  readonly rbac: RBACAuthorizer;

  constructor(policy: RBACPolicy) {
    this.rbac = new RBACAuthorizer(policy);
  }

  authorize(attrs: AuthorizationAttributes): Decision {
    if (attrs.user.groups.includes(systemMasters)) return { allowed: true, reason: "" };
    return this.rbac.authorize(attrs);
  }

  /** The rules `user` holds in `namespace` (all rules for system:masters, then RBAC's). */
  rulesFor(user: UserInfo, namespace: string): PolicyRule[] {
    const rbac = this.rbac.rulesFor({ user }, namespace);
    return user.groups.includes(systemMasters) ? [...fullAuthority, ...rbac] : rbac;
  }
}

export { all };

/**
 * The RBAC authorizer (plugin/pkg/auth/authorizer/rbac): allows a request when any rule granted to the user by a
 * binding matches it; otherwise it has no opinion (which, as the last authorizer, denies).
 */
import type { PolicyRule } from "./rules.js";
import { ruleAllows, type AuthorizationAttributes } from "./rules.js";
import type { RBACPolicy } from "./policy.js";

export interface Decision {
  allowed: boolean;
  /** Why it was allowed ("RBAC: allowed by ..."); "" when denied by having no matching rule. */
  reason: string;
}

export class RBACAuthorizer {
  constructor(readonly policy: RBACPolicy) {}

  authorize(attrs: AuthorizationAttributes): Decision {
    let reason = "";
    this.policy.visitRulesFor(attrs.user, attrs.namespace, (source, rule) => {
      if (!ruleAllows(attrs, rule)) return true;
      reason = `RBAC: allowed by ${source}`;
      return false;
    });
    return { allowed: reason !== "", reason };
  }

  /** The rules that apply to `user` in `namespace` (for SelfSubjectRulesReview and escalation checks). */
  rulesFor(attrs: Pick<AuthorizationAttributes, "user">, namespace: string): PolicyRule[] {
    return this.policy.rulesFor(attrs.user, namespace);
  }
}

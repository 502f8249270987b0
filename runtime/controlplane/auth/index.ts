/**
 * Authentication and authorization of the local control plane, wired together: client certificates, service
 * account tokens (TokenRequest, TokenReview), impersonation, the RBAC authorizer over the stored policy (with
 * the bootstrap policy, cluster role aggregation and escalation checks) and the access review APIs.
 *
 *   const auth = new ControlPlaneAuth();
 *   const server = new APIServer({ ..., authenticate: (r) => auth.authenticate(r), authorize: (a) => auth.authorize(a) });
 *   server.installResource(serviceAccountsDef, { token: auth.tokenSubresource(server) });   // + the other kinds
 *   auth.install(server);   // after the built-in kinds: review APIs, escalation admission
 *   await auth.start();     // policy watches, bootstrap policy, aggregation
 */
import type { IncomingMessage } from "node:http";
import type { UserInfo } from "../../apiserver/admission/types.js";
import type { AuthorizationAttributes, AuthorizationDecision } from "../../apiserver/authorization.js";
import type { SubresourceInfo } from "../../apiserver/discovery.js";
import type { SubresourceHandler } from "../../apiserver/handlers/rest.js";
import type { Store } from "../../apiserver/registry/store.js";
import type { APIServer } from "../../apiserver/server.js";
import { authenticationResources } from "../builtin/authentication/index.js";
import { authorizationResources } from "../builtin/authorization/index.js";
import { RequestAuthenticator } from "./authenticator.js";
import { Authorizer } from "./authorizer.js";
import { impersonate, wantsImpersonation } from "./impersonation.js";
import { ClusterRoleAggregator } from "./rbac/aggregation.js";
import { ensureBootstrapPolicy } from "./rbac/bootstrap.js";
import { rbacEscalationPlugin, rbacGroup } from "./rbac/escalation.js";
import { RBACPolicy } from "./rbac/policy.js";
import { serviceAccountToken } from "./tokenrequest.js";
import { TokenSigner } from "./tokens.js";

export class ControlPlaneAuth {
  /** Signs and verifies service account tokens (key generated per control plane). */
  readonly signer = new TokenSigner();
  private wired: { authenticator: RequestAuthenticator; authorizer: Authorizer; policy: RBACPolicy; aggregator: ClusterRoleAggregator; clusterRoles: Store; clusterRoleBindings: Store; roles: Store } | undefined;

  /** The serviceaccounts/token subresource (stores resolved per request). */
  tokenSubresource(server: APIServer): { info: SubresourceInfo; handler: SubresourceHandler } {
    return serviceAccountToken({ signer: this.signer, coreStore: (plural) => server.store("", "v1", plural) });
  }

  /** Installs the review APIs and the escalation check; call once the built-in kinds are installed. */
  install(server: APIServer): void {
    const store = (group: string, plural: string): Store => {
      const s = server.store(group, "v1", plural);
      if (!s) throw new Error(`built-in ${plural} resource missing`);
      return s;
    };
    const clusterRoles = store(rbacGroup, "clusterroles");
    const clusterRoleBindings = store(rbacGroup, "clusterrolebindings");
    const roles = store(rbacGroup, "roles");
    const policy = new RBACPolicy({
      roles: roles.storage,
      clusterRoles: clusterRoles.storage,
      roleBindings: store(rbacGroup, "rolebindings").storage,
      clusterRoleBindings: clusterRoleBindings.storage,
    });
    const authorizer = new Authorizer(policy);
    const authenticator = new RequestAuthenticator({
      signer: this.signer,
      serviceAccounts: store("", "serviceaccounts").storage,
      pods: store("", "pods").storage,
      secrets: store("", "secrets").storage,
    });
    for (const r of [...authenticationResources(authenticator), ...authorizationResources(authorizer)]) server.installCreateOnlyResource(r.def, r.handler);
    server.admission.add(rbacEscalationPlugin(authorizer));
    this.wired = { authenticator, authorizer, policy, aggregator: new ClusterRoleAggregator(policy, clusterRoles), clusterRoles, clusterRoleBindings, roles };
  }

  private get parts(): NonNullable<ControlPlaneAuth["wired"]> {
    if (!this.wired) throw new Error("ControlPlaneAuth.install has not been called");
    return this.wired;
  }

  get authorizer(): Authorizer {
    return this.parts.authorizer;
  }

  get authenticator(): RequestAuthenticator {
    return this.parts.authenticator;
  }

  /** Starts the policy watches, creates the bootstrap policy and aggregates cluster roles. */
  async start(): Promise<void> {
    const p = this.parts;
    await p.policy.start();
    await ensureBootstrapPolicy(p.clusterRoles, p.clusterRoleBindings, p.roles);
    p.aggregator.start();
    await p.aggregator.idle();
  }

  stop(): void {
    this.wired?.aggregator.stop();
    this.wired?.policy.stop();
  }

  async idle(): Promise<void> {
    await this.wired?.aggregator.idle();
  }

  /** The request's user: certificate, token or anonymous, then impersonation. Throws 401/403 StatusErrors. */
  async authenticate(req: IncomingMessage): Promise<UserInfo> {
    const p = this.parts;
    const user = await p.authenticator.authenticate(req);
    if (!wantsImpersonation(req)) return user;
    return impersonate(req, user, (a) => p.authorizer.authorize(a));
  }

  authorize(attrs: AuthorizationAttributes): AuthorizationDecision {
    return this.parts.authorizer.authorize(attrs);
  }
}

export { TokenSigner } from "./tokens.js";
export type { ServiceAccountClaims } from "./tokens.js";

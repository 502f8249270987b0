/**
 * authentication.k8s.io: TokenReview (v1) and SelfSubjectReview (v1, and v1beta1 for kubectl 1.27's
 * `auth whoami`), create-only and never stored (pkg/registry/authentication).
 */
import type { UserInfo } from "../../../apiserver/admission/types.js";
import type { CreateOnlyHandler } from "../../../apiserver/handlers/createonly.js";
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import { newBadRequest } from "../../../core/errors.js";
import { isPlainObject, type KubeObject } from "../../../core/object.js";
import type { RequestAuthenticator } from "../../auth/authenticator.js";
import { TokenError } from "../../auth/tokens.js";

export const authenticationGroup = "authentication.k8s.io";

export interface CreateOnlyResource {
  def: ResourceDefinition;
  handler: CreateOnlyHandler;
}

function createOnlyDef(version: string, kind: string, plural: string): ResourceDefinition {
  return {
    group: authenticationGroup,
    version,
    names: { plural, singular: "", kind, listKind: `${kind}List` },
    namespaced: false,
    verbs: ["create"],
  };
}

/** authentication/v1 UserInfo as JSON (empty fields omitted). */
export function userInfoJSON(user: UserInfo): Record<string, unknown> {
  const out: Record<string, unknown> = { username: user.username };
  if (user.uid) out.uid = user.uid;
  if (user.groups.length) out.groups = [...user.groups];
  if (user.extra && Object.keys(user.extra).length) out.extra = user.extra;
  return out;
}

function tokenReview(authn: RequestAuthenticator): CreateOnlyHandler {
  return async (obj) => {
    const spec = isPlainObject(obj.spec) ? obj.spec : {};
    const token = typeof spec.token === "string" ? spec.token : "";
    if (!token) throw newBadRequest("token is required for TokenReview in authentication");
    const audiences = Array.isArray(spec.audiences) ? spec.audiences.filter((a): a is string => typeof a === "string") : [];
    let status: Record<string, unknown>;
    try {
      const r = await authn.reviewToken(token, audiences.length ? audiences : undefined);
      status = { authenticated: true, user: userInfoJSON(r.user), audiences: r.audiences };
    } catch (err) {
      if (!(err instanceof TokenError)) throw err;
      status = { user: {}, error: `[invalid bearer token, ${err.message}]` };
    }
    return { ...obj, metadata: { ...obj.metadata }, status } as KubeObject;
  };
}

const selfSubjectReview: CreateOnlyHandler = (obj, ctx) =>
  ({ apiVersion: obj.apiVersion, kind: obj.kind, metadata: { ...obj.metadata }, status: { userInfo: userInfoJSON(ctx.user) } }) as KubeObject;

/** The authentication.k8s.io resources, bound to the control plane's authenticator. */
export function authenticationResources(authn: RequestAuthenticator): CreateOnlyResource[] {
  return [
    { def: createOnlyDef("v1", "TokenReview", "tokenreviews"), handler: tokenReview(authn) },
    { def: createOnlyDef("v1", "SelfSubjectReview", "selfsubjectreviews"), handler: selfSubjectReview },
    { def: createOnlyDef("v1beta1", "SelfSubjectReview", "selfsubjectreviews"), handler: selfSubjectReview },
  ];
}

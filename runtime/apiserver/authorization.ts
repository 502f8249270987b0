/**
 * Authorization in the generic API server (k8s.io/apiserver/pkg/authorization + endpoints/filters/authorization):
 * the attributes an authorizer decides on, derived from the request, and the 403 Status of a denied request with
 * upstream's wording (endpoints/handlers/responsewriters.forbiddenMessage).
 */
import { newForbidden, StatusError } from "../core/errors.js";
import type { UserInfo } from "./admission/types.js";
import { parseRequestInfo } from "./requestinfo.js";

/** What an authorizer decides on (authorizer.Attributes). */
export interface AuthorizationAttributes {
  user: UserInfo;
  /** Resource verb (get, list, watch, create, ..., or impersonate/bind/escalate) or lower-case HTTP method for paths. */
  verb: string;
  isResourceRequest: boolean;
  /** URL path, for non-resource requests. */
  path: string;
  namespace: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  name: string;
}

export interface AuthorizationDecision {
  allowed: boolean;
  /** Why (shown in access reviews); appended to the 403 message when denied and not empty. */
  reason: string;
}

/** Decides a request; called for every request, discovery, health and version included. */
export type Authorize = (attrs: AuthorizationAttributes) => AuthorizationDecision | Promise<AuthorizationDecision>;

/** The attributes of an HTTP request (RequestInfoFactory): resource requests under /api and /apis, paths otherwise. */
export function requestAttributes(method: string, url: URL, user: UserInfo): AuthorizationAttributes {
  const query = url.searchParams;
  const watch = query.get("watch") === "true" || query.get("watch") === "1";
  const info = parseRequestInfo(method, url.pathname, watch);
  if (!info.isResourceRequest || !info.verb) {
    return { user, verb: method.toLowerCase(), isResourceRequest: false, path: url.pathname, namespace: "", apiGroup: "", apiVersion: "", resource: "", subresource: "", name: "" };
  }
  let name = info.name;
  if ((info.verb === "list" || info.verb === "watch") && !name) {
    // a list or watch selecting one name by field selector is authorized as that name (as upstream)
    for (const term of (query.get("fieldSelector") ?? "").split(",")) {
      const m = /^metadata\.name(?:==?)(.*)$/.exec(term.trim());
      if (m?.[1]) name = m[1];
    }
  }
  return {
    user,
    verb: info.verb,
    isResourceRequest: true,
    path: url.pathname,
    namespace: info.namespace,
    apiGroup: info.group,
    apiVersion: info.version,
    resource: info.resource,
    subresource: info.subresource,
    name,
  };
}

/** `User "x" cannot list resource "pods" in API group "" in the namespace "ns"` (or the non-resource form). */
export function forbiddenMessage(attrs: AuthorizationAttributes): string {
  const user = JSON.stringify(attrs.user.username);
  if (!attrs.isResourceRequest) return `User ${user} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)}`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const where = attrs.namespace ? `in the namespace ${JSON.stringify(attrs.namespace)}` : "at the cluster scope";
  return `User ${user} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup)} ${where}`;
}

/** The 403 Forbidden of a denied request; a non-empty `reason` is appended after a colon, as upstream does. */
export function forbiddenError(attrs: AuthorizationAttributes, reason = ""): StatusError {
  const msg = reason ? `${forbiddenMessage(attrs)}: ${reason}` : forbiddenMessage(attrs);
  if (!attrs.isResourceRequest || !attrs.resource) {
    return new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `forbidden: ${msg}`, reason: "Forbidden", details: {}, code: 403 });
  }
  return newForbidden({ group: attrs.apiGroup, resource: attrs.resource }, attrs.name, msg);
}

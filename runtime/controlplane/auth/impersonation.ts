/**
 * Impersonation (k8s.io/apiserver/pkg/endpoints/filters/impersonation.go): `Impersonate-User`, `Impersonate-Group`,
 * `Impersonate-Uid` and `Impersonate-Extra-<key>` headers replace the authenticated user after the caller is
 * authorized to `impersonate` each requested value (users, groups, serviceaccounts, uids, userextras).
 */
import type { IncomingMessage } from "node:http";
import type { UserInfo } from "../../apiserver/admission/types.js";
import { forbiddenError, type AuthorizationAttributes, type Authorize } from "../../apiserver/authorization.js";
import { newInternalError } from "../../core/errors.js";
import { allAuthenticated, allUnauthenticated, anonymousUser, parseServiceAccountUsername, serviceAccountGroups } from "./authenticator.js";

const extraPrefix = "impersonate-extra-";

function headerValues(req: IncomingMessage, name: string): string[] {
  const distinct = (req as IncomingMessage & { headersDistinct?: Record<string, string[] | undefined> }).headersDistinct;
  if (distinct) return distinct[name] ?? [];
  const v = req.headers[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Whether the request carries any impersonation header. */
export function wantsImpersonation(req: IncomingMessage): boolean {
  return Object.keys(req.headers).some((h) => h.startsWith("impersonate-"));
}

/** The impersonated user, after authorizing `user` for every requested value; throws 403 (or 500 as upstream). */
export async function impersonate(req: IncomingMessage, user: UserInfo, authorize: Authorize): Promise<UserInfo> {
  const username = headerValues(req, "impersonate-user")[0] ?? "";
  const groups = headerValues(req, "impersonate-group");
  const uid = headerValues(req, "impersonate-uid")[0];
  const extra: Record<string, string[]> = {};
  for (const h of Object.keys(req.headers)) {
    if (!h.startsWith(extraPrefix)) continue;
    let key = h.slice(extraPrefix.length);
    try {
      key = decodeURIComponent(key);
    } catch {
      // keep the raw key
    }
    extra[key.toLowerCase()] = headerValues(req, h);
  }
  if (!username) {
    throw newInternalError(new Error(`requested impersonation of groups ${JSON.stringify(groups)}${uid ? `, uid ${JSON.stringify(uid)}` : ""}${Object.keys(extra).length ? ", user extras" : ""} without impersonating a user`));
  }

  const base = { user, isResourceRequest: true, path: "", verb: "impersonate", apiVersion: "", subresource: "", namespace: "", apiGroup: "" };
  const checks: AuthorizationAttributes[] = [];
  let finalGroups: string[] = [];
  const sa = parseServiceAccountUsername(username);
  if (sa) {
    checks.push({ ...base, resource: "serviceaccounts", namespace: sa.namespace, name: sa.name });
    if (groups.length === 0) finalGroups = serviceAccountGroups(sa.namespace);
  } else {
    checks.push({ ...base, resource: "users", name: username });
  }
  for (const g of groups) checks.push({ ...base, resource: "groups", name: g });
  finalGroups.push(...groups);
  if (uid !== undefined) checks.push({ ...base, apiGroup: "authentication.k8s.io", resource: "uids", name: uid });
  for (const [key, values] of Object.entries(extra)) {
    for (const v of values) checks.push({ ...base, apiGroup: "authentication.k8s.io", resource: "userextras", subresource: key, name: v });
  }
  for (const attrs of checks) {
    const d = await authorize(attrs);
    if (!d.allowed) throw forbiddenError(attrs, d.reason);
  }

  if (username === anonymousUser) {
    if (!finalGroups.includes(allUnauthenticated)) finalGroups.push(allUnauthenticated);
  } else if (!finalGroups.includes(allAuthenticated) && !finalGroups.includes(allUnauthenticated)) {
    finalGroups.push(allAuthenticated);
  }
  const out: UserInfo = { username, groups: finalGroups };
  if (uid !== undefined) out.uid = uid;
  if (Object.keys(extra).length) out.extra = extra;
  return out;
}

/**
 * Request authenticators and how they combine (k8s.io/apiserver/pkg/authentication/request/{union,anonymous},
 * authentication/group): each authenticator either does not apply to a request, authenticates it, or rejects
 * the credential it found; a union tries them in order; anonymous is the fall-back only when none applied.
 */
import type { IncomingMessage } from "node:http";
import { newUnauthorized } from "../../core/errors.js";
import type { UserInfo } from "../admission/types.js";

export const anonymousUser = "system:anonymous";
export const allAuthenticated = "system:authenticated";
export const allUnauthenticated = "system:unauthenticated";

/**
 * What an authenticator made of a request (upstream's `(response, ok, err)`):
 * - `{ authenticated: true, user }` — the request is `user`;
 * - `{ authenticated: false }` — the authenticator does not apply (no credential of its kind): try the next;
 * - `{ authenticated: false, error }` — a credential of its kind was presented and is not valid. The next
 *   authenticators are still tried (a certificate may be valid for another CA), but the request is never
 *   anonymous: if none authenticates it, it is a 401.
 */
export type AuthenticationResult = { authenticated: true; user: UserInfo } | { authenticated: false; error?: Error };

/** One way of authenticating a request (authenticator.Request). */
export interface RequestAuthenticator {
  /** Must not throw for a bad credential (return an `error` result); a thrown error counts as one. */
  authenticateRequest(req: IncomingMessage): Promise<AuthenticationResult>;
}

export const notApplicable: AuthenticationResult = { authenticated: false };

/** `[a, b]` for several errors, the error itself for one (utilerrors.NewAggregate). */
export function aggregateErrors(errs: readonly Error[]): Error | undefined {
  if (errs.length === 0) return undefined;
  if (errs.length === 1) return errs[0];
  return new AggregateError(errs, `[${errs.map((e) => e.message).join(", ")}]`);
}

async function attempt(a: RequestAuthenticator, req: IncomingMessage): Promise<AuthenticationResult> {
  try {
    return await a.authenticateRequest(req);
  } catch (err) {
    return { authenticated: false, error: err instanceof Error ? err : new Error(String(err)) };
  }
}

/** Tries `authenticators` in order: the first that authenticates wins; otherwise all their errors, aggregated. */
export function unionAuthenticator(authenticators: readonly RequestAuthenticator[]): RequestAuthenticator {
  return {
    async authenticateRequest(req) {
      const errs: Error[] = [];
      for (const a of authenticators) {
        const r = await attempt(a, req);
        if (r.authenticated) return r;
        if (r.error) errs.push(r.error);
      }
      const error = aggregateErrors(errs);
      return error ? { authenticated: false, error } : notApplicable;
    },
  };
}

/** Adds `system:authenticated` to authenticated users that have neither it nor `system:unauthenticated`. */
export function authenticatedGroupAdder(inner: RequestAuthenticator): RequestAuthenticator {
  return {
    async authenticateRequest(req) {
      const r = await attempt(inner, req);
      if (!r.authenticated) return r;
      const { user } = r;
      if (user.username === anonymousUser) return r;
      if (user.groups.includes(allAuthenticated) || user.groups.includes(allUnauthenticated)) return r;
      return { authenticated: true, user: { ...user, groups: [...user.groups, allAuthenticated] } };
    },
  };
}

/** Anonymous access: everyone, or only requests for the listed paths (AnonymousAuthConfig.conditions). */
export interface AnonymousOptions {
  /** Exact request paths anonymous requests are allowed on; absent or empty = every path. */
  paths?: readonly string[];
}

/** system:anonymous in system:unauthenticated, for every request (or those of the allowed paths). */
export function anonymousAuthenticator(opts: AnonymousOptions = {}): RequestAuthenticator {
  const paths = new Set(opts.paths ?? []);
  return {
    async authenticateRequest(req) {
      if (paths.size > 0 && !paths.has(new URL(req.url ?? "/", "http://localhost").pathname)) return notApplicable;
      return { authenticated: true, user: { username: anonymousUser, groups: [allUnauthenticated] } };
    },
  };
}

/**
 * `inner`, falling back on `fallback` only when `inner` neither authenticated the request nor rejected a
 * credential (union.NewFailOnError(inner, anonymous)): a bad token or certificate is a 401, never anonymous.
 */
export function withFallback(inner: RequestAuthenticator, fallback: RequestAuthenticator): RequestAuthenticator {
  return {
    async authenticateRequest(req) {
      const r = await attempt(inner, req);
      if (r.authenticated || r.error) return r;
      return attempt(fallback, req);
    },
  };
}

/**
 * The user of a request for `APIServer`'s `authenticate` option: throws the 401 Status (message
 * `Unauthorized`) when the request is not authenticated, whatever the reason (the reason is only passed to
 * `onError`, as upstream only logs it).
 */
export async function userOrUnauthorized(a: RequestAuthenticator, req: IncomingMessage, onError?: (err: Error) => void): Promise<UserInfo> {
  const r = await attempt(a, req);
  if (r.authenticated) return r.user;
  if (r.error) onError?.(r.error);
  throw newUnauthorized();
}

/** A user's copy (so that a cached result is never mutated by a later request). */
export function copyUser(user: UserInfo): UserInfo {
  const out: UserInfo = { username: user.username, groups: [...user.groups] };
  if (user.uid) out.uid = user.uid;
  if (user.extra) out.extra = Object.fromEntries(Object.entries(user.extra).map(([k, v]) => [k, [...v]]));
  return out;
}

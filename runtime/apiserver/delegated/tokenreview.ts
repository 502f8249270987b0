/**
 * Delegated token authentication (plugin/pkg/authenticator/token/webhook + token/cache): a bearer token is
 * checked by POSTing an authentication.k8s.io/v1 TokenReview to the core API server, and the answer cached.
 *
 * Audiences: with none configured the review carries none (the core server checks its own audiences). With
 * `audiences`, they go in `spec.audiences`, and the token is accepted only if the audiences the review
 * returns (or, when it returns none, the configured ones) intersect them.
 *
 * Caching (upstream's delegating defaults): an accepted token for `successTTLMs` (10 s), a token rejected
 * without an error message for `failureTTLMs` (10 s). Errors — the review could not be made, or the core
 * server rejected the token with `status.error` — are not cached; concurrent lookups of one token share one
 * review either way. Keys are SHA-256 digests of audiences and token (tokens are not kept in memory).
 */
import { createHash } from "node:crypto";
import { isPlainObject } from "../../core/object.js";
import type { UserInfo } from "../admission/types.js";
import { copyUser, type AuthenticationResult } from "./authenticator.js";
import type { TokenAuthenticator } from "./bearertoken.js";
import { ExpiringCache } from "./cache.js";
import type { ReviewClient } from "./review.js";

export const tokenReviewPath = "/apis/authentication.k8s.io/v1/tokenreviews";

const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : []);

function userOf(u: Record<string, unknown>): UserInfo {
  const user: UserInfo = { username: typeof u.username === "string" ? u.username : "", groups: strs(u.groups) };
  if (typeof u.uid === "string" && u.uid) user.uid = u.uid;
  if (isPlainObject(u.extra)) user.extra = Object.fromEntries(Object.entries(u.extra).map(([k, v]) => [k, strs(v)]));
  return user;
}

/** Checks tokens with TokenReviews (webhook.WebhookTokenAuthenticator). */
export function tokenReviewAuthenticator(client: ReviewClient, audiences: readonly string[] = []): TokenAuthenticator {
  return {
    async authenticateToken(token) {
      const spec: Record<string, unknown> = { token };
      if (audiences.length > 0) spec.audiences = [...audiences];
      let review: Record<string, unknown>;
      try {
        review = await client.create(tokenReviewPath, { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", metadata: {}, spec });
      } catch (err) {
        return { authenticated: false, error: err instanceof Error ? err : new Error(String(err)) };
      }
      const status = isPlainObject(review.status) ? review.status : {};
      if (audiences.length > 0) {
        const returned = strs(status.audiences);
        const got = returned.length > 0 ? returned : audiences;
        if (!audiences.some((a) => got.includes(a))) return { authenticated: false };
      }
      if (status.authenticated !== true) {
        const msg = typeof status.error === "string" ? status.error : "";
        return msg ? { authenticated: false, error: new Error(msg) } : { authenticated: false };
      }
      return { authenticated: true, user: userOf(isPlainObject(status.user) ? status.user : {}) };
    },
  };
}

export interface TokenCacheOptions {
  /** TTL of accepted tokens (ms). Default 10000 (--authentication-token-webhook-cache-ttl). */
  successTTLMs?: number;
  /** TTL of tokens rejected without an error (ms). Default: successTTLMs, as upstream's delegating authenticator. */
  failureTTLMs?: number;
  /** Default 4096 (upstream: 32 stripes of 128). */
  maxEntries?: number;
  /** Audiences in the cache key (those of the request). */
  audiences?: readonly string[];
  now?: () => number;
}

/** Caches a TokenAuthenticator's answers (token/cache.New(auth, cacheErrs=false, successTTL, failureTTL)). */
export function cachedTokenAuthenticator(inner: TokenAuthenticator, opts: TokenCacheOptions = {}): TokenAuthenticator {
  const successTTL = opts.successTTLMs ?? 10_000;
  const failureTTL = opts.failureTTLMs ?? successTTL;
  const cache = new ExpiringCache<AuthenticationResult>({ maxEntries: opts.maxEntries ?? 4096, ...(opts.now ? { now: opts.now } : {}) });
  const audKey = JSON.stringify(opts.audiences ?? []);
  return {
    async authenticateToken(token) {
      const key = createHash("sha256").update(audKey).update("|").update(token).digest("base64");
      const r = await cache.getOrCompute(
        key,
        () => inner.authenticateToken(token),
        (v) => (v.authenticated ? successTTL : v.error ? 0 : failureTTL),
      );
      return r.authenticated ? { authenticated: true, user: copyUser(r.user) } : r;
    },
  };
}

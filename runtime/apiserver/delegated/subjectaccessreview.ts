/**
 * Delegated authorization (plugin/pkg/authorizer/webhook): every decision is an authorization.k8s.io/v1
 * SubjectAccessReview POSTed to the core API server, for the request's user (name, uid, groups, extra) and
 * attributes — `resourceAttributes` (namespace, verb, group, version, resource, subresource, name) for
 * resource requests, `nonResourceAttributes` (path, verb) otherwise.
 *
 * Answers are cached by the review's spec: allowed ones for `allowTTLMs`, denied ones (and no-opinion ones)
 * for `denyTTLMs` — upstream's delegating defaults are 10 s each — in an LRU of 8192 entries; requests whose
 * requester-controlled attributes exceed 10000 characters are not cached. A review that fails is not cached
 * and yields NoOpinion with the error (a 500 from the filter).
 */
import { isPlainObject } from "../../core/object.js";
import type { AuthorizationAttributes } from "../authorization.js";
import type { Authorizer, AuthorizerResult } from "./authorizer.js";
import { ExpiringCache } from "./cache.js";
import type { ReviewClient } from "./review.js";

export const subjectAccessReviewPath = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
const maxControlledAttrCacheSize = 10_000;

export interface SubjectAccessReviewOptions {
  /** Cache TTL of allowed answers (ms). Default 10000 (--authorization-webhook-cache-authorized-ttl). */
  allowTTLMs?: number;
  /** Cache TTL of denied answers (ms). Default 10000 (--authorization-webhook-cache-unauthorized-ttl). */
  denyTTLMs?: number;
  /** Default 8192. */
  maxEntries?: number;
  now?: () => number;
}

/** The review's spec for `attrs`, with upstream's field order and empty fields omitted (the cache key too). */
export function subjectAccessReviewSpec(attrs: AuthorizationAttributes): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  if (attrs.isResourceRequest) {
    const ra: Record<string, string> = {};
    const put = (k: string, v: string): void => {
      if (v) ra[k] = v;
    };
    put("namespace", attrs.namespace);
    put("verb", attrs.verb);
    put("group", attrs.apiGroup);
    put("version", attrs.apiVersion);
    put("resource", attrs.resource);
    put("subresource", attrs.subresource);
    put("name", attrs.name);
    spec.resourceAttributes = ra;
  } else {
    const nra: Record<string, string> = {};
    if (attrs.path) nra.path = attrs.path;
    if (attrs.verb) nra.verb = attrs.verb;
    spec.nonResourceAttributes = nra;
  }
  const { user } = attrs;
  if (user.username) spec.user = user.username;
  if (user.groups.length) spec.groups = [...user.groups];
  if (user.extra && Object.keys(user.extra).length) {
    spec.extra = Object.fromEntries(Object.keys(user.extra).sort().map((k) => [k, [...(user.extra?.[k] ?? [])]]));
  }
  if (user.uid) spec.uid = user.uid;
  return spec;
}

function shouldCache(attrs: AuthorizationAttributes): boolean {
  const size = attrs.namespace.length + attrs.verb.length + attrs.apiGroup.length + attrs.apiVersion.length + attrs.resource.length + attrs.subresource.length + attrs.name.length + attrs.path.length;
  return size < maxControlledAttrCacheSize;
}

interface ReviewStatus {
  allowed: boolean;
  denied: boolean;
  reason: string;
}

function statusOf(review: Record<string, unknown>): ReviewStatus {
  const s = isPlainObject(review.status) ? review.status : {};
  return { allowed: s.allowed === true, denied: s.denied === true, reason: typeof s.reason === "string" ? s.reason : "" };
}

function decide(s: ReviewStatus): AuthorizerResult {
  if (s.allowed && s.denied) return { decision: "Deny", reason: s.reason, error: new Error("webhook subject access review returned both allow and deny response") };
  if (s.denied) return { decision: "Deny", reason: s.reason };
  if (s.allowed) return { decision: "Allow", reason: s.reason };
  return { decision: "NoOpinion", reason: s.reason };
}

/** The SubjectAccessReview authorizer (WebhookAuthorizer with the delegating defaults). */
export function subjectAccessReviewAuthorizer(client: ReviewClient, opts: SubjectAccessReviewOptions = {}): Authorizer {
  const allowTTL = opts.allowTTLMs ?? 10_000;
  const denyTTL = opts.denyTTLMs ?? 10_000;
  const cache = new ExpiringCache<ReviewStatus>({ maxEntries: opts.maxEntries ?? 8192, ...(opts.now ? { now: opts.now } : {}) });
  const review = async (spec: Record<string, unknown>): Promise<ReviewStatus> =>
    statusOf(await client.create(subjectAccessReviewPath, { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", metadata: {}, spec }));
  return {
    async authorize(attrs) {
      const spec = subjectAccessReviewSpec(attrs);
      try {
        const status = shouldCache(attrs) ? await cache.getOrCompute(JSON.stringify(spec), () => review(spec), (s) => (s.allowed ? allowTTL : denyTTL)) : await review(spec);
        return decide(status);
      } catch (err) {
        return { decision: "NoOpinion", reason: "", error: err instanceof Error ? err : new Error(String(err)) };
      }
    },
  };
}

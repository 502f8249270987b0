/**
 * TokenReview and SubjectAccessReview against a real control plane: what is sent, how answers are read
 * (audiences, errors), and what the caches keep and for how long (a counting wrapper around the real client).
 */
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../../client/client.js";
import { StatusError } from "../../core/errors.js";
import type { KubeObject } from "../../core/object.js";
import { startControlPlane, type RunningControlPlane } from "../../testing/index.js";
import type { AuthorizationAttributes } from "../authorization.js";
import { toAuthorize } from "./authorizer.js";
import { KubeReviewClient, shouldRetryReview, type ReviewClient } from "./review.js";
import { subjectAccessReviewAuthorizer, subjectAccessReviewSpec } from "./subjectaccessreview.js";
import { cachedTokenAuthenticator, tokenReviewAuthenticator } from "./tokenreview.js";

let cp: RunningControlPlane;
let admin: Client;
let reviews: KubeReviewClient;

class Counting implements ReviewClient {
  calls = 0;
  readonly bodies: Record<string, unknown>[] = [];
  constructor(private readonly inner: ReviewClient) {}
  async create(path: string, review: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.calls++;
    this.bodies.push(review);
    return this.inner.create(path, review);
  }
}

beforeAll(async () => {
  cp = await startControlPlane();
  admin = new Client(cp.kubeConfig, { qps: 0 });
  reviews = new KubeReviewClient(cp.kubeConfig);
  await admin.create({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "reviewed", namespace: "default" } } as KubeObject);
});

afterAll(async () => {
  reviews?.close();
  admin?.close();
  await cp?.stop();
});

describe("TokenReview authenticator", () => {
  it("posts the token and returns the reviewed user", async () => {
    const counting = new Counting(reviews);
    const token = await cp.serviceAccountToken("default", "reviewed");
    const r = await tokenReviewAuthenticator(counting).authenticateToken(token);
    expect(r.authenticated).toBe(true);
    if (r.authenticated) {
      expect(r.user).toMatchObject({ username: "system:serviceaccount:default:reviewed", groups: ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"] });
    }
    expect(counting.bodies[0]).toEqual({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", metadata: {}, spec: { token } });
  });

  it("reports the core server's error for a rejected token", async () => {
    const r = await tokenReviewAuthenticator(reviews).authenticateToken("garbage");
    expect(r.authenticated).toBe(false);
    expect(!r.authenticated && r.error?.message).toMatch(/^\[invalid bearer token, /);
  });

  it("with audiences, accepts only tokens for one of them", async () => {
    const counting = new Counting(reviews);
    const auth = tokenReviewAuthenticator(counting, ["wardle"]);
    const apiToken = await cp.serviceAccountToken("default", "reviewed");
    expect((await auth.authenticateToken(apiToken)).authenticated).toBe(false);
    expect((counting.bodies[0]?.spec as { audiences?: string[] }).audiences).toEqual(["wardle"]);
    const wardleToken = await cp.serviceAccountToken("default", "reviewed", { audiences: ["wardle"] });
    expect((await auth.authenticateToken(wardleToken)).authenticated).toBe(true);
  });

  it("caches accepted tokens for the TTL, shares concurrent lookups, and does not cache errors", async () => {
    let now = 1_000_000;
    const counting = new Counting(reviews);
    const auth = cachedTokenAuthenticator(tokenReviewAuthenticator(counting), { successTTLMs: 10_000, now: () => now });
    const token = await cp.serviceAccountToken("default", "reviewed");
    const [a, b] = await Promise.all([auth.authenticateToken(token), auth.authenticateToken(token)]);
    expect(a.authenticated && b.authenticated).toBe(true);
    expect(counting.calls).toBe(1);
    now += 9_000;
    await auth.authenticateToken(token);
    expect(counting.calls).toBe(1);
    now += 1_001;
    await auth.authenticateToken(token);
    expect(counting.calls).toBe(2);
    // a rejected token with an error message is asked about every time
    await auth.authenticateToken("garbage");
    await auth.authenticateToken("garbage");
    expect(counting.calls).toBe(4);
  });
});

const attrs = (over: Partial<AuthorizationAttributes>): AuthorizationAttributes => ({
  user: { username: "dave", groups: ["system:authenticated"] },
  verb: "get",
  isResourceRequest: true,
  path: "/apis/wardle.example.com/v1alpha1/namespaces/default/flunders/f",
  namespace: "default",
  apiGroup: "wardle.example.com",
  apiVersion: "v1alpha1",
  resource: "flunders",
  subresource: "",
  name: "f",
  ...over,
});

describe("SubjectAccessReview authorizer", () => {
  it("sends resource attributes (with subresource and name) or non-resource attributes, and the whole user", () => {
    expect(
      subjectAccessReviewSpec(attrs({ subresource: "status", verb: "update", user: { username: "dave", uid: "u1", groups: ["g"], extra: { "z.io/b": ["2"], "a.io/a": ["1"] } } })),
    ).toEqual({
      resourceAttributes: { namespace: "default", verb: "update", group: "wardle.example.com", version: "v1alpha1", resource: "flunders", subresource: "status", name: "f" },
      user: "dave",
      groups: ["g"],
      extra: { "a.io/a": ["1"], "z.io/b": ["2"] },
      uid: "u1",
    });
    expect(subjectAccessReviewSpec(attrs({ isResourceRequest: false, path: "/apis", verb: "get" }))).toEqual({
      nonResourceAttributes: { path: "/apis", verb: "get" },
      user: "dave",
      groups: ["system:authenticated"],
    });
  });

  it("decides by the control plane's RBAC and caches allowed and denied answers for their TTLs", async () => {
    let now = 5_000_000;
    const counting = new Counting(reviews);
    const authz = subjectAccessReviewAuthorizer(counting, { allowTTLMs: 10_000, denyTTLMs: 5_000, now: () => now });
    const denied = await authz.authorize(attrs({}));
    expect(denied).toEqual({ decision: "NoOpinion", reason: "" });
    await admin.create({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "flunder-getter", namespace: "default" },
      rules: [{ apiGroups: ["wardle.example.com"], resources: ["flunders"], verbs: ["get"] }],
    } as KubeObject);
    const binding = await admin.create({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "dave", namespace: "default" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "flunder-getter" },
      subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "dave" }],
    } as KubeObject);
    // the denial is still cached
    now += 4_000;
    expect((await authz.authorize(attrs({}))).decision).toBe("NoOpinion");
    expect(counting.calls).toBe(1);
    now += 1_001;
    const allowed = await authz.authorize(attrs({}));
    expect(allowed.decision).toBe("Allow");
    expect(allowed.reason).toContain('RBAC: allowed by RoleBinding "dave/default" of Role "flunder-getter" to User "dave"');
    expect(counting.calls).toBe(2);
    await admin.delete(binding);
    now += 9_000;
    expect((await authz.authorize(attrs({}))).decision).toBe("Allow");
    expect(counting.calls).toBe(2);
    now += 1_001;
    expect((await authz.authorize(attrs({}))).decision).toBe("NoOpinion");
    expect(counting.calls).toBe(3);
    // other attributes are other keys
    await authz.authorize(attrs({ subresource: "status" }));
    expect(counting.calls).toBe(4);
  });

  it("turns a review that cannot be made into a 500 (not a 403), without retrying a refused connection", async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "gone", server: "https://127.0.0.1:1", skipTLSVerify: true }],
      users: [{ name: "u", token: "t" }],
      contexts: [{ name: "gone", cluster: "gone", user: "u" }],
      currentContext: "gone",
    });
    const broken = new KubeReviewClient(kc, { retryBackoff: { initialMs: 10, factor: 1, jitter: 0, steps: 3 } });
    try {
      const authorize = toAuthorize(subjectAccessReviewAuthorizer(broken));
      const err = await Promise.resolve(authorize(attrs({}))).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StatusError);
      expect((err as StatusError).status).toMatchObject({ code: 500, reason: "InternalError" });
      expect((err as StatusError).status.message).toMatch(/^Internal Server Error: "\/apis\/wardle.example.com\/v1alpha1\/namespaces\/default\/flunders\/f": /);
    } finally {
      broken.close();
    }
  });
});

describe("review retries", () => {
  it("retry what upstream's DefaultShouldRetry retries", () => {
    const status = (code: number, reason: string) => new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code, reason: reason as never, message: "" });
    expect(shouldRetryReview(status(500, "InternalError"))).toBe(true);
    expect(shouldRetryReview(status(504, "Timeout"))).toBe(true);
    expect(shouldRetryReview(status(429, "TooManyRequests"))).toBe(true);
    expect(shouldRetryReview(status(403, "Forbidden"))).toBe(false);
    expect(shouldRetryReview(status(400, "BadRequest"))).toBe(false);
    expect(shouldRetryReview(new Error("x"))).toBe(false);
  });
});

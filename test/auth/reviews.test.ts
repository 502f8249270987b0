/**
 * The review APIs and impersonation over raw HTTPS, and bearer tokens from @kubernetes/client-node:
 * TokenReview, SubjectAccessReview / LocalSubjectAccessReview (with upstream validation), impersonation
 * authorized by the `impersonate` verb, anonymous and token users in client-node.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiException, CoreV1Api } from "@kubernetes/client-node";
import { startControlPlane, type RunningControlPlane } from "../../runtime/testing/index.js";
import { api } from "../support/http.js";
import { plainRequest } from "./support.js";

const rbac = "rbac.authorization.k8s.io";

describe("access reviews, token reviews and impersonation", () => {
  let cp: RunningControlPlane;
  let token: string;
  const ns = "reviews";
  const robot = `system:serviceaccount:${ns}:robot`;

  beforeAll(async () => {
    cp = await startControlPlane();
    const ok = async (method: string, path: string, body: object): Promise<Record<string, unknown>> => {
      const r = await api(cp, method, path, { body });
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
      return r.json as Record<string, unknown>;
    };
    await ok("POST", "/api/v1/namespaces", { metadata: { name: ns } });
    await ok("POST", `/api/v1/namespaces/${ns}/serviceaccounts`, { metadata: { name: "robot" } });
    await ok("POST", `/apis/${rbac}/v1/namespaces/${ns}/roles`, { metadata: { name: "cm-reader" }, rules: [{ verbs: ["get", "list"], apiGroups: [""], resources: ["configmaps"] }] });
    await ok("POST", `/apis/${rbac}/v1/namespaces/${ns}/rolebindings`, {
      metadata: { name: "robot-cm" },
      roleRef: { apiGroup: rbac, kind: "Role", name: "cm-reader" },
      subjects: [{ kind: "ServiceAccount", name: "robot", namespace: ns }],
    });
    const tr = await ok("POST", `/api/v1/namespaces/${ns}/serviceaccounts/robot/token`, { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} });
    expect(tr).toMatchObject({ kind: "TokenRequest", apiVersion: "authentication.k8s.io/v1", spec: { audiences: ["https://kubernetes.default.svc.cluster.local"], expirationSeconds: 3600 } });
    token = (tr.status as { token: string }).token;
  });

  afterAll(async () => {
    await cp?.stop();
  });

  it("TokenRequest validates expirationSeconds with upstream's message", async () => {
    const r = await api(cp, "POST", `/api/v1/namespaces/${ns}/serviceaccounts/robot/token`, { body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 599 } } });
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({
      reason: "Invalid",
      message: 'TokenRequest.authentication.k8s.io "robot" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes',
    });
  });

  it("a token bound to a Secret stops working when the secret is deleted", async () => {
    const secret = (await api(cp, "POST", `/api/v1/namespaces/${ns}/secrets`, { body: { metadata: { name: "binder" }, stringData: { a: "b" } } })).json as { metadata: { uid: string } };
    const tr = await api(cp, "POST", `/api/v1/namespaces/${ns}/serviceaccounts/robot/token`, {
      body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { boundObjectRef: { kind: "Secret", apiVersion: "v1", name: "binder", uid: secret.metadata.uid } } },
    });
    expect(tr.status).toBe(201);
    const bound = (tr.json as { status: { token: string } }).status.token;
    const claims = JSON.parse(Buffer.from(bound.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;
    expect(claims["kubernetes.io"]).toMatchObject({ secret: { name: "binder", uid: secret.metadata.uid } });
    expect((await plainRequest(cp, "GET", `/api/v1/namespaces/${ns}/configmaps`, { token: bound })).status).toBe(200);
    await api(cp, "DELETE", `/api/v1/namespaces/${ns}/secrets/binder`);
    expect((await plainRequest(cp, "GET", `/api/v1/namespaces/${ns}/configmaps`, { token: bound })).status).toBe(401);
    const wrongUid = await api(cp, "POST", `/api/v1/namespaces/${ns}/serviceaccounts/robot/token`, {
      body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { boundObjectRef: { kind: "Secret", apiVersion: "v1", name: "binder", uid: "x" } } },
    });
    expect(wrongUid.status).toBe(404);
  });

  it("TokenReview authenticates tokens for the requested audiences", async () => {
    const review = async (spec: object) => (await api(cp, "POST", "/apis/authentication.k8s.io/v1/tokenreviews", { body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec } })).json as Record<string, any>;
    const good = await review({ token });
    expect(good.status.authenticated).toBe(true);
    expect(good.status.user).toMatchObject({ username: robot, groups: ["system:serviceaccounts", `system:serviceaccounts:${ns}`, "system:authenticated"] });
    expect(good.status.audiences).toEqual(["https://kubernetes.default.svc.cluster.local"]);
    const wrongAudience = await review({ token, audiences: ["vault"] });
    expect(wrongAudience.status.authenticated).toBeUndefined();
    expect(wrongAudience.status.error).toContain("invalid bearer token");
    const empty = await api(cp, "POST", "/apis/authentication.k8s.io/v1/tokenreviews", { body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: {} } });
    expect(empty.status).toBe(400);
    // creating reviews needs system:auth-delegator; the robot does not have it
    const denied = await plainRequest(cp, "POST", "/apis/authentication.k8s.io/v1/tokenreviews", { token, body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token } } });
    expect(denied.status).toBe(403);
    expect(denied.json?.message).toBe(`tokenreviews.authentication.k8s.io is forbidden: User "${robot}" cannot create resource "tokenreviews" in API group "authentication.k8s.io" at the cluster scope`);
    // other verbs are not served
    expect((await api(cp, "GET", "/apis/authentication.k8s.io/v1/tokenreviews")).status).toBe(405);
  });

  it("SubjectAccessReview and LocalSubjectAccessReview answer for any user; invalid specs are 422", async () => {
    const sar = async (path: string, spec: object) => api(cp, "POST", path, { body: { apiVersion: "authorization.k8s.io/v1", kind: path.includes("local") ? "LocalSubjectAccessReview" : "SubjectAccessReview", spec } });
    const allowed = await sar("/apis/authorization.k8s.io/v1/subjectaccessreviews", { user: robot, groups: ["system:serviceaccounts"], resourceAttributes: { namespace: ns, verb: "list", resource: "configmaps" } });
    expect(allowed.status).toBe(201);
    expect((allowed.json as Record<string, any>).status).toEqual({ allowed: true, reason: `RBAC: allowed by RoleBinding "robot-cm/${ns}" of Role "cm-reader" to ServiceAccount "robot/${ns}"` });
    const denied = await sar("/apis/authorization.k8s.io/v1/subjectaccessreviews", { user: robot, resourceAttributes: { namespace: ns, verb: "delete", resource: "configmaps" } });
    expect((denied.json as Record<string, any>).status).toEqual({ allowed: false });
    const path = await sar("/apis/authorization.k8s.io/v1/subjectaccessreviews", { user: "x", groups: ["system:unauthenticated"], nonResourceAttributes: { path: "/healthz", verb: "get" } });
    expect((path.json as Record<string, any>).status.allowed).toBe(true);
    const invalid = await sar("/apis/authorization.k8s.io/v1/subjectaccessreviews", {});
    expect(invalid.status).toBe(422);
    expect((invalid.json as Record<string, any>).message).toBe(
      'SubjectAccessReview.authorization.k8s.io "" is invalid: [spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified, spec.user: Invalid value: "": at least one of user or group must be specified]',
    );
    const local = await sar(`/apis/authorization.k8s.io/v1/namespaces/${ns}/localsubjectaccessreviews`, { user: robot, resourceAttributes: { verb: "get", resource: "configmaps" } });
    expect((local.json as Record<string, any>).spec.resourceAttributes.namespace).toBe(ns);
    expect((local.json as Record<string, any>).status.allowed).toBe(true);
    const mismatch = await sar(`/apis/authorization.k8s.io/v1/namespaces/${ns}/localsubjectaccessreviews`, { user: robot, resourceAttributes: { namespace: "other", verb: "get", resource: "configmaps" } });
    expect(mismatch.status).toBe(400);
  });

  it("impersonation needs the impersonate verb on users, groups and service accounts", async () => {
    const whoami = (headers: Record<string, string>) =>
      plainRequest(cp, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { token, headers, body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" } });
    const denied = await whoami({ "Impersonate-User": "bob" });
    expect(denied.status).toBe(403);
    expect(denied.json?.message).toBe(`users "bob" is forbidden: User "${robot}" cannot impersonate resource "users" in API group "" at the cluster scope`);
    await api(cp, "POST", `/apis/${rbac}/v1/clusterroles`, { body: { metadata: { name: "impersonate-bob" }, rules: [{ verbs: ["impersonate"], apiGroups: [""], resources: ["users"], resourceNames: ["bob"] }, { verbs: ["impersonate"], apiGroups: [""], resources: ["groups"], resourceNames: ["devs"] }] } });
    await api(cp, "POST", `/apis/${rbac}/v1/clusterrolebindings`, { body: { metadata: { name: "robot-impersonates" }, roleRef: { apiGroup: rbac, kind: "ClusterRole", name: "impersonate-bob" }, subjects: [{ kind: "ServiceAccount", name: "robot", namespace: ns }] } });
    const asBob = await whoami({ "Impersonate-User": "bob" });
    expect(asBob.status).toBe(201);
    expect((asBob.json as Record<string, any>).status.userInfo).toEqual({ username: "bob", groups: ["system:authenticated"] });
    const withGroup = await whoami({ "Impersonate-User": "bob", "Impersonate-Group": "devs" });
    expect((withGroup.json as Record<string, any>).status.userInfo).toEqual({ username: "bob", groups: ["devs", "system:authenticated"] });
    const otherGroup = await whoami({ "Impersonate-User": "bob", "Impersonate-Group": "admins" });
    expect(otherGroup.json?.message).toBe(`groups "admins" is forbidden: User "${robot}" cannot impersonate resource "groups" in API group "" at the cluster scope`);
    const sa = await whoami({ "Impersonate-User": "system:serviceaccount:kube-system:default" });
    expect(sa.json?.message).toBe(`serviceaccounts "default" is forbidden: User "${robot}" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "kube-system"`);
    // the admin (system:masters) may impersonate a service account, which gets its groups
    const admin = await api(cp, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { headers: { "Impersonate-User": robot }, body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" } });
    expect((admin.json as Record<string, any>).status.userInfo).toEqual({ username: robot, groups: ["system:serviceaccounts", `system:serviceaccounts:${ns}`, "system:authenticated"] });
    const full = await api(cp, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", {
      headers: { "Impersonate-User": "carol", "Impersonate-Uid": "u-7", "Impersonate-Extra-Scopes": "read", "Impersonate-Extra-Team%2FName": "blue" },
      body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    });
    expect((full.json as Record<string, any>).status.userInfo).toEqual({ username: "carol", uid: "u-7", groups: ["system:authenticated"], extra: { scopes: ["read"], "team/name": ["blue"] } });
    const noUser = await api(cp, "GET", "/api/v1/namespaces", { headers: { "Impersonate-Group": "devs" } });
    expect(noUser.status).toBe(500);
    expect((noUser.json as Record<string, any>).message).toContain("without impersonating a user");
  });

  it("client-node with a bearer token: allowed where bound, 403 elsewhere", async () => {
    const kc = cp.kubeConfigForToken(token);
    const core = kc.makeApiClient(CoreV1Api);
    const list = await core.listNamespacedConfigMap({ namespace: ns });
    expect(Array.isArray(list.items)).toBe(true);
    const err = await core.listNamespacedConfigMap({ namespace: "default" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiException);
    expect((err as ApiException<unknown>).code).toBe(403);
    expect(String((err as ApiException<unknown>).body)).toContain(`configmaps is forbidden: User \\"${robot}\\" cannot list resource \\"configmaps\\" in API group \\"\\" in the namespace \\"default\\"`);
    // the testing helper issues tokens in-process
    const helperToken = await cp.serviceAccountToken(ns, "robot", { expirationSeconds: 600 });
    const viaHelper = await cp.kubeConfigForToken(helperToken).makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace: ns });
    expect(Array.isArray(viaHelper.items)).toBe(true);
  });
});

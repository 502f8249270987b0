import { describe, expect, it } from "vitest";
import { forbiddenError, requestAttributes } from "./authorization.js";

const user = { username: "system:serviceaccount:ns:sa", groups: [] };
const attrs = (method: string, url: string) => requestAttributes(method, new URL(url, "https://x"), user);

describe("request attributes", () => {
  it("derives verb, group, resource, subresource, namespace and name from resource requests", () => {
    expect(attrs("GET", "/api/v1/namespaces/ns/pods")).toMatchObject({ verb: "list", isResourceRequest: true, apiGroup: "", apiVersion: "v1", resource: "pods", namespace: "ns", name: "" });
    expect(attrs("GET", "/api/v1/namespaces/ns/pods?watch=true")).toMatchObject({ verb: "watch" });
    expect(attrs("GET", "/api/v1/watch/namespaces/ns/pods")).toMatchObject({ verb: "watch", resource: "pods" });
    expect(attrs("GET", "/api/v1/namespaces/ns/pods/p/log")).toMatchObject({ verb: "get", resource: "pods", subresource: "log", name: "p" });
    expect(attrs("DELETE", "/apis/apps/v1/namespaces/ns/deployments")).toMatchObject({ verb: "deletecollection", apiGroup: "apps" });
    expect(attrs("PATCH", "/apis/apps/v1/namespaces/ns/deployments/d/scale")).toMatchObject({ verb: "patch", subresource: "scale", name: "d" });
    expect(attrs("POST", "/api/v1/namespaces/ns/serviceaccounts/sa/token")).toMatchObject({ verb: "create", resource: "serviceaccounts", subresource: "token", name: "sa" });
    expect(attrs("GET", "/api/v1/namespaces/ns")).toMatchObject({ verb: "get", resource: "namespaces", name: "ns", namespace: "ns" });
    expect(attrs("GET", "/api/v1/namespaces/ns/configmaps?fieldSelector=metadata.name%3Dcm")).toMatchObject({ verb: "list", name: "cm" });
  });

  it("treats discovery, health and other paths as non-resource requests with the lower-case method as verb", () => {
    expect(attrs("GET", "/apis/apps/v1")).toMatchObject({ verb: "get", isResourceRequest: false, path: "/apis/apps/v1" });
    expect(attrs("GET", "/healthz?verbose")).toMatchObject({ verb: "get", isResourceRequest: false, path: "/healthz" });
    expect(attrs("POST", "/foo")).toMatchObject({ verb: "post", path: "/foo" });
  });

  it("words 403s as upstream's responsewriters.Forbidden", () => {
    expect(forbiddenError(attrs("GET", "/api/v1/namespaces/ns/pods/p/log")).status).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'pods "p" is forbidden: User "system:serviceaccount:ns:sa" cannot get resource "pods/log" in API group "" in the namespace "ns"',
      reason: "Forbidden",
      details: { name: "p", kind: "pods" },
      code: 403,
    });
    expect(forbiddenError(attrs("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles")).status.message).toBe(
      'clusterroles.rbac.authorization.k8s.io is forbidden: User "system:serviceaccount:ns:sa" cannot list resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope',
    );
    expect(forbiddenError(attrs("GET", "/metrics")).status).toMatchObject({ message: 'forbidden: User "system:serviceaccount:ns:sa" cannot get path "/metrics"', reason: "Forbidden", code: 403, details: {} });
  });
});

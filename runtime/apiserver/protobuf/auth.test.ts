import { describe, expect, it } from "vitest";
import { decodeKubernetesProtobuf } from "./decode.js";
import { schemas } from "./root.js";

const magic = Buffer.from("k8s\0", "latin1");

function encodeBody(apiVersion: string, kind: string, messageType: string, wire: Record<string, unknown>): Buffer {
  const { root, unknown } = schemas();
  const type = root.lookupType(messageType);
  const raw = type.encode(type.fromObject(wire)).finish();
  const envelope = unknown.encode(unknown.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: "", contentType: "" })).finish();
  return Buffer.concat([magic, envelope]);
}

describe("protobuf: authentication.k8s.io and authorization.k8s.io kinds", () => {
  it("decodes a TokenRequest as kubectl create token sends it (expirationSeconds kept even when 0)", () => {
    const body = encodeBody("authentication.k8s.io/v1", "TokenRequest", "k8s.io.api.authentication.v1.TokenRequest", {
      metadata: {},
      spec: { audiences: ["api", "vault"], expirationSeconds: 0, boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "p", uid: "u-1" } },
      status: {},
    });
    expect(decodeKubernetesProtobuf(body).object).toEqual({
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      metadata: {},
      spec: { audiences: ["api", "vault"], expirationSeconds: 0, boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "p", uid: "u-1" } },
      status: {},
    });
  });

  it("decodes a SelfSubjectAccessReview and a SubjectAccessReview with extras", () => {
    const ssar = encodeBody("authorization.k8s.io/v1", "SelfSubjectAccessReview", "k8s.io.api.authorization.v1.SelfSubjectAccessReview", {
      metadata: {},
      spec: { resourceAttributes: { namespace: "ns", verb: "list", group: "", version: "", resource: "pods", subresource: "", name: "" } },
      status: { allowed: false, reason: "", evaluationError: "", denied: false },
    });
    expect(decodeKubernetesProtobuf(ssar).object).toEqual({
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectAccessReview",
      metadata: {},
      spec: { resourceAttributes: { namespace: "ns", verb: "list", resource: "pods" } },
      status: {},
    });
    const sar = encodeBody("authorization.k8s.io/v1", "SubjectAccessReview", "k8s.io.api.authorization.v1.SubjectAccessReview", {
      spec: { nonResourceAttributes: { path: "/healthz", verb: "get" }, user: "alice", groups: ["devs"], extra: { scopes: { items: ["a", "b"] } }, uid: "42" },
    });
    expect(decodeKubernetesProtobuf(sar).object).toMatchObject({
      spec: { nonResourceAttributes: { path: "/healthz", verb: "get" }, user: "alice", groups: ["devs"], extra: { scopes: ["a", "b"] }, uid: "42" },
    });
  });

  it("decodes SelfSubjectRulesReview and SelfSubjectReview (v1 and v1beta1)", () => {
    const ssrr = encodeBody("authorization.k8s.io/v1", "SelfSubjectRulesReview", "k8s.io.api.authorization.v1.SelfSubjectRulesReview", { spec: { namespace: "default" } });
    expect(decodeKubernetesProtobuf(ssrr).object).toEqual({ apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectRulesReview", spec: { namespace: "default" } });
    for (const v of ["v1", "v1beta1"]) {
      const ssr = encodeBody(`authentication.k8s.io/${v}`, "SelfSubjectReview", `k8s.io.api.authentication.${v}.SelfSubjectReview`, { metadata: {} });
      expect(decodeKubernetesProtobuf(ssr).object).toEqual({ apiVersion: `authentication.k8s.io/${v}`, kind: "SelfSubjectReview", metadata: {} });
    }
  });
});

import { describe, expect, it } from "vitest";
import type { AuthorizationAttributes } from "../../../apiserver/authorization.js";
import { breakdownRule, compactRules, compactString, covers, ruleAllows, type PolicyRule } from "./rules.js";

const user = { username: "u", groups: [] };

function res(verb: string, resource: string, extra: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes {
  return { user, verb, isResourceRequest: true, path: "", namespace: "ns", apiGroup: "", apiVersion: "v1", resource, subresource: "", name: "", ...extra };
}

function path(verb: string, p: string): AuthorizationAttributes {
  return { user, verb, isResourceRequest: false, path: p, namespace: "", apiGroup: "", apiVersion: "", resource: "", subresource: "", name: "" };
}

describe("ruleAllows", () => {
  it("matches verbs, groups and resources, with * wildcards", () => {
    const r: PolicyRule = { verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] };
    expect(ruleAllows(res("get", "pods"), r)).toBe(true);
    expect(ruleAllows(res("delete", "pods"), r)).toBe(false);
    expect(ruleAllows(res("get", "pods", { apiGroup: "apps" }), r)).toBe(false);
    expect(ruleAllows(res("get", "services"), r)).toBe(false);
    expect(ruleAllows(res("delete", "deployments", { apiGroup: "apps" }), { verbs: ["*"], apiGroups: ["*"], resources: ["*"] })).toBe(true);
  });

  it("treats subresources as resource/subresource, `*/sub` matching any resource's subresource", () => {
    const log: PolicyRule = { verbs: ["get"], apiGroups: [""], resources: ["pods/log"] };
    expect(ruleAllows(res("get", "pods", { subresource: "log" }), log)).toBe(true);
    expect(ruleAllows(res("get", "pods"), log)).toBe(false);
    expect(ruleAllows(res("get", "pods", { subresource: "exec" }), log)).toBe(false);
    const pods: PolicyRule = { verbs: ["get"], apiGroups: [""], resources: ["pods"] };
    expect(ruleAllows(res("get", "pods", { subresource: "log" }), pods)).toBe(false);
    const anyStatus: PolicyRule = { verbs: ["get"], apiGroups: ["*"], resources: ["*/status"] };
    expect(ruleAllows(res("get", "deployments", { apiGroup: "apps", subresource: "status" }), anyStatus)).toBe(true);
    expect(ruleAllows(res("get", "deployments", { apiGroup: "apps", subresource: "scale" }), anyStatus)).toBe(false);
  });

  it("limits by resourceNames (empty = all names; a list without a name does not match)", () => {
    const r: PolicyRule = { verbs: ["get", "list"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["a"] };
    expect(ruleAllows(res("get", "configmaps", { name: "a" }), r)).toBe(true);
    expect(ruleAllows(res("get", "configmaps", { name: "b" }), r)).toBe(false);
    expect(ruleAllows(res("list", "configmaps"), r)).toBe(false);
  });

  it("matches non-resource URLs exactly, by trailing * prefix, or *", () => {
    const r: PolicyRule = { verbs: ["get"], nonResourceURLs: ["/healthz", "/apis/*"] };
    expect(ruleAllows(path("get", "/healthz"), r)).toBe(true);
    expect(ruleAllows(path("get", "/healthz/etcd"), r)).toBe(false);
    expect(ruleAllows(path("get", "/apis/apps/v1"), r)).toBe(true);
    expect(ruleAllows(path("post", "/healthz"), r)).toBe(false);
    expect(ruleAllows(path("get", "/anything"), { verbs: ["*"], nonResourceURLs: ["*"] })).toBe(true);
    // a resource rule never matches a path and vice versa
    expect(ruleAllows(path("get", "/api"), { verbs: ["*"], apiGroups: ["*"], resources: ["*"] })).toBe(false);
    expect(ruleAllows(res("get", "pods"), { verbs: ["*"], nonResourceURLs: ["*"] })).toBe(false);
  });
});

describe("coverage (escalation checks)", () => {
  const owner: PolicyRule[] = [
    { verbs: ["get", "list"], apiGroups: [""], resources: ["pods", "configmaps"] },
    { verbs: ["get"], apiGroups: [""], resources: ["secrets"], resourceNames: ["s1"] },
    { verbs: ["*"], apiGroups: ["apps"], resources: ["*/scale"] },
    { verbs: ["get"], nonResourceURLs: ["/logs/*"] },
  ];

  it("breaks rules down into one verb, group, resource and name", () => {
    expect(breakdownRule({ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"], resourceNames: ["a", "b"] })).toHaveLength(4);
    expect(breakdownRule({ verbs: ["get"], nonResourceURLs: ["/a", "/b"] })).toEqual([
      { nonResourceURLs: ["/a"], verbs: ["get"] },
      { nonResourceURLs: ["/b"], verbs: ["get"] },
    ]);
  });

  it("covers what the owner holds, including narrower names and */subresource", () => {
    expect(covers(owner, [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }]).covered).toBe(true);
    expect(covers(owner, [{ verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: ["x"] }]).covered).toBe(true);
    expect(covers(owner, [{ verbs: ["get"], apiGroups: [""], resources: ["secrets"], resourceNames: ["s1"] }]).covered).toBe(true);
    expect(covers(owner, [{ verbs: ["update"], apiGroups: ["apps"], resources: ["deployments/scale"] }]).covered).toBe(true);
    expect(covers(owner, [{ verbs: ["get"], nonResourceURLs: ["/logs/kube"] }]).covered).toBe(true);
  });

  it("reports what is not held, compacted with upstream's formatting", () => {
    const { covered, missing } = covers(owner, [
      { verbs: ["get", "delete"], apiGroups: [""], resources: ["pods", "secrets"] },
      { verbs: ["get"], nonResourceURLs: ["/metrics"] },
    ]);
    expect(covered).toBe(false);
    expect(compactRules(missing).map(compactString).sort()).toEqual([
      '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}',
      '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}',
      '{NonResourceURLs:["/metrics"], Verbs:["get"]}',
    ]);
    expect(covers(owner, [{ verbs: ["get"], apiGroups: [""], resources: ["secrets"], resourceNames: ["s2"] }]).missing.map(compactString)).toEqual([
      '{APIGroups:[""], Resources:["secrets"], ResourceNames:["s2"], Verbs:["get"]}',
    ]);
  });
});

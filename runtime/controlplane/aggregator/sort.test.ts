import { describe, expect, it } from "vitest";
import { compareKubeAwareVersions, sortedByGroupAndVersion, type Prioritized } from "./sort.js";

const gv = (group: string, version: string, groupPriorityMinimum: number, versionPriority: number): Prioritized => ({ name: `${version}.${group}`, group, version, groupPriorityMinimum, versionPriority });

describe("discovery ordering", () => {
  it("orders versions kube-aware: GA, beta, alpha, then other strings ascending (upstream's documented example)", () => {
    const sorted = ["foo10", "v1", "v11alpha2", "v2", "v3beta1", "foo1", "v10beta3", "v12alpha1", "v11beta2", "v10"].sort((a, b) => -compareKubeAwareVersions(a, b));
    expect(sorted).toEqual(["v10", "v2", "v1", "v11beta2", "v10beta3", "v3beta1", "v12alpha1", "v11alpha2", "foo1", "foo10"]);
    expect(compareKubeAwareVersions("v1", "v1")).toBe(0);
  });

  it("groups by highest groupPriorityMinimum, ties broken by APIService name; versions by versionPriority, then kube-aware", () => {
    const groups = sortedByGroupAndVersion([
      gv("wardle.example.com", "v1alpha1", 2000, 10),
      gv("apps", "v1", 17800, 15),
      gv("wardle.example.com", "v1beta1", 100, 20),
      gv("apiextensions.k8s.io", "v1", 16700, 15),
      gv("admissionregistration.k8s.io", "v1", 16700, 15),
      gv("crd.example.com", "v1beta1", 1000, 100),
      gv("crd.example.com", "v1", 1000, 100),
      gv("crd.example.com", "v2alpha1", 1000, 100),
    ]);
    expect(groups.map((g) => [g[0]?.group, g.map((e) => e.version)])).toEqual([
      ["apps", ["v1"]],
      ["admissionregistration.k8s.io", ["v1"]],
      ["apiextensions.k8s.io", ["v1"]],
      // the group ranks by its v1alpha1 (2000); its v1beta1 still comes first by versionPriority
      ["wardle.example.com", ["v1beta1", "v1alpha1"]],
      ["crd.example.com", ["v1", "v1beta1", "v2alpha1"]],
    ]);
  });
});

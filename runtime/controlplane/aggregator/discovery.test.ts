import { describe, expect, it } from "vitest";
import { DiscoveryRegistry } from "../../apiserver/discovery.js";
import type { ResourceDefinition } from "../../apiserver/resource.js";
import type { APIService } from "../builtin/apiregistration/types.js";
import { aggregatedGroupList, apiGroupDocument, convertLegacyResources, discoveredGroupVersions, isAggregatedDiscovery, legacyGroupList, type VersionDiscovery } from "./discovery.js";

const def = (group: string, version: string, plural: string, kind: string, extra: Partial<ResourceDefinition> = {}): ResourceDefinition => ({
  group,
  version,
  names: { plural, singular: plural.slice(0, -1), kind, listKind: `${kind}List` },
  namespaced: true,
  ...extra,
});

function registry(): DiscoveryRegistry {
  const reg = new DiscoveryRegistry();
  // registration order differs from discovery order on purpose
  for (const d of [
    def("", "v1", "pods", "Pod"),
    def("coordination.k8s.io", "v1", "leases", "Lease"),
    def("stable.example.com", "v1beta1", "crontabs", "CronTab", { unstructured: true }),
    def("stable.example.com", "v1", "crontabs", "CronTab", { unstructured: true }),
    def("apiregistration.k8s.io", "v1", "apiservices", "APIService", { namespaced: false }),
    def("apps", "v1", "deployments", "Deployment"),
  ])
    reg.add({ def: d, subresources: [] });
  return reg;
}

const remote = (group: string, version: string, gpm: number, vp: number): APIService => ({
  apiVersion: "apiregistration.k8s.io/v1",
  kind: "APIService",
  metadata: { name: `${version}.${group}` },
  spec: { group, version, groupPriorityMinimum: gpm, versionPriority: vp, service: { namespace: "ns", name: "svc", port: 443 } },
});

const names = (doc: Record<string, unknown>): unknown => (doc["groups"] as { name: string; versions: { version: string }[] }[]).map((g) => [g.name, g.versions.map((v) => v.version)]);

describe("merged discovery", () => {
  const services = [remote("wardle.example.com", "v1alpha1", 2000, 10), remote("wardle.example.com", "v1beta1", 2000, 20), remote("metrics.k8s.io", "v1beta1", 100, 100)];

  it("legacy /apis: apiregistration first, then by priority (built-in table, APIServices, CRDs at 1000) and versions by priority", () => {
    const entries = discoveredGroupVersions(registry(), services);
    expect(names(legacyGroupList(entries))).toEqual([
      ["apiregistration.k8s.io", ["v1"]],
      ["apps", ["v1"]],
      ["coordination.k8s.io", ["v1"]],
      ["wardle.example.com", ["v1beta1", "v1alpha1"]],
      ["stable.example.com", ["v1", "v1beta1"]],
      ["metrics.k8s.io", ["v1beta1"]],
    ]);
  });

  it("a local APIService's spec sets the priority of its group-version", () => {
    const local: APIService = { apiVersion: "apiregistration.k8s.io/v1", kind: "APIService", metadata: { name: "v1.coordination.k8s.io" }, spec: { group: "coordination.k8s.io", version: "v1", groupPriorityMinimum: 19000, versionPriority: 1, service: null } };
    expect((names(legacyGroupList(discoveredGroupVersions(registry(), [local]))) as unknown[][])[1]).toEqual(["coordination.k8s.io", ["v1"]]);
  });

  it("/apis/<group> lists versions by priority and is undefined for unknown groups", () => {
    const entries = discoveredGroupVersions(registry(), services);
    expect(apiGroupDocument(entries, "wardle.example.com")).toEqual({
      kind: "APIGroup",
      apiVersion: "v1",
      name: "wardle.example.com",
      versions: [
        { groupVersion: "wardle.example.com/v1beta1", version: "v1beta1" },
        { groupVersion: "wardle.example.com/v1alpha1", version: "v1alpha1" },
      ],
      preferredVersion: { groupVersion: "wardle.example.com/v1beta1", version: "v1beta1" },
    });
    expect(apiGroupDocument(entries, "nothing.example.com")).toBeUndefined();
  });

  it("aggregated /apis: local groups as served, remote ones as fetched (absent before the first fetch), Stale kept", () => {
    const reg = registry();
    const fetched: Record<string, VersionDiscovery> = {
      "v1beta1.wardle.example.com": { version: "v1beta1", resources: [{ resource: "flunders" }], freshness: "Current" },
      "v1alpha1.wardle.example.com": { version: "v1alpha1", freshness: "Stale" },
    };
    const doc = aggregatedGroupList(reg, discoveredGroupVersions(reg, services), (n) => fetched[n], "v2") as { kind: string; apiVersion: string; items: { metadata: { name: string }; versions: VersionDiscovery[] }[] };
    expect([doc.kind, doc.apiVersion]).toEqual(["APIGroupDiscoveryList", "apidiscovery.k8s.io/v2"]);
    expect(doc.items.map((g) => [g.metadata.name, g.versions.map((v) => `${v.version}:${v.freshness ?? ""}`)])).toEqual([
      ["apiregistration.k8s.io", ["v1:Current"]],
      ["apps", ["v1:Current"]],
      ["coordination.k8s.io", ["v1:Current"]],
      ["wardle.example.com", ["v1beta1:Current", "v1alpha1:Stale"]],
      ["stable.example.com", ["v1:Current", "v1beta1:Current"]],
    ]);
    expect(doc.items[3]?.versions[0]?.resources).toEqual([{ resource: "flunders" }]);
  });

  it("converts a legacy APIResourceList, folding subresources into their resources", () => {
    expect(
      convertLegacyResources([
        { name: "flunders", singularName: "flunder", namespaced: true, kind: "Flunder", verbs: ["get", "list"], shortNames: ["fl"] },
        { name: "flunders/status", singularName: "", namespaced: true, kind: "Flunder", verbs: ["get", "update"] },
        { name: "fischers", singularName: "fischer", namespaced: false, kind: "Fischer", verbs: ["get"] },
      ]),
    ).toEqual([
      { resource: "flunders", responseKind: { group: "", version: "", kind: "Flunder" }, scope: "Namespaced", singularResource: "flunder", verbs: ["get", "list"], shortNames: ["fl"], subresources: [{ subresource: "status", responseKind: { group: "", version: "", kind: "Flunder" }, verbs: ["get", "update"] }] },
      { resource: "fischers", responseKind: { group: "", version: "", kind: "Fischer" }, scope: "Cluster", singularResource: "fischer", verbs: ["get"] },
    ]);
  });

  it("recognises aggregated discovery responses by their content type", () => {
    expect(isAggregatedDiscovery("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")).toBe(true);
    expect(isAggregatedDiscovery("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList")).toBe(true);
    expect(isAggregatedDiscovery("application/json")).toBe(false);
  });
});

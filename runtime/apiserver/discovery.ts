/**
 * Discovery documents built from the installed resources: legacy (/api, /apis, /apis/G, /apis/G/V as
 * APIVersions / APIGroupList / APIGroup / APIResourceList) and aggregated (apidiscovery.k8s.io v2 and v2beta1).
 */
import { createHash } from "node:crypto";
import type { GroupVersionKind } from "../core/gvk.js";
import { apiVersionOf } from "../core/gvk.js";
import { compareKubeVersions } from "../core/version.js";
import { allVerbs, type ResourceDefinition, type Verb } from "./resource.js";

export interface SubresourceInfo {
  name: string;
  kind: GroupVersionKind;
  verbs: readonly string[];
}

export interface ServedResource {
  def: ResourceDefinition;
  subresources: SubresourceInfo[];
}

export interface GroupVersionEntry {
  group: string;
  version: string;
  resources: ServedResource[];
}

/** Keeps served group-versions; groups in registration order (the order discovery lists them in). */
export class DiscoveryRegistry {
  private readonly gvs = new Map<string, GroupVersionEntry>();
  private readonly groupOrder: string[] = [];

  add(res: ServedResource): void {
    const { group, version } = res.def;
    const key = `${group}/${version}`;
    let gv = this.gvs.get(key);
    if (!gv) {
      gv = { group, version, resources: [] };
      this.gvs.set(key, gv);
      if (!this.groupOrder.includes(group)) this.groupOrder.push(group);
    }
    gv.resources.push(res);
  }

  /** Removes a resource; a group-version (and group) left empty disappears from discovery. */
  remove(group: string, version: string, plural: string): void {
    const key = `${group}/${version}`;
    const gv = this.gvs.get(key);
    if (!gv) return;
    gv.resources = gv.resources.filter((r) => r.def.names.plural !== plural);
    if (gv.resources.length > 0) return;
    this.gvs.delete(key);
    if (![...this.gvs.values()].some((g) => g.group === group)) {
      const i = this.groupOrder.indexOf(group);
      if (i >= 0) this.groupOrder.splice(i, 1);
    }
  }

  groupVersion(group: string, version: string): GroupVersionEntry | undefined {
    return this.gvs.get(`${group}/${version}`);
  }

  /**
   * Versions of a group, preferred first: by Kubernetes version priority (v1 before v1beta1), as kube-apiserver
   * orders them — whatever order the group's resources (several CRDs of one group, say) were installed in.
   */
  versions(group: string): string[] {
    return [...this.gvs.values()]
      .filter((gv) => gv.group === group)
      .map((gv) => gv.version)
      .sort(compareKubeVersions);
  }

  groups(): string[] {
    return this.groupOrder.filter((g) => g !== "");
  }

  hasGroup(group: string): boolean {
    return this.groupOrder.includes(group);
  }
}

function verbsOf(def: ResourceDefinition): Verb[] {
  return [...(def.verbs ?? allVerbs)].sort();
}

export function storageVersionHash(def: ResourceDefinition): string {
  if (def.storageVersionHash) return def.storageVersionHash;
  return createHash("sha256").update(`${def.group}/${def.version}/${def.names.kind}`).digest("base64").slice(0, 11);
}

function groupVersionObj(group: string, version: string): { groupVersion: string; version: string } {
  return { groupVersion: apiVersionOf({ group, version }), version };
}

export function apiVersions(reg: DiscoveryRegistry, serverAddress: string): unknown {
  return {
    kind: "APIVersions",
    versions: reg.versions(""),
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

export function apiGroup(reg: DiscoveryRegistry, group: string): Record<string, unknown> {
  const versions = reg.versions(group).map((v) => groupVersionObj(group, v));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(reg: DiscoveryRegistry): unknown {
  return { kind: "APIGroupList", apiVersion: "v1", groups: reg.groups().map((g) => apiGroup(reg, g)) };
}

export function apiResourceList(gv: GroupVersionEntry): unknown {
  const resources: Record<string, unknown>[] = [];
  for (const { def, subresources } of gv.resources) {
    const r: Record<string, unknown> = {
      name: def.names.plural,
      singularName: def.names.singular,
      namespaced: def.namespaced,
      kind: def.names.kind,
      verbs: verbsOf(def),
    };
    if (def.names.shortNames?.length) r.shortNames = def.names.shortNames;
    if (def.names.categories?.length) r.categories = def.names.categories;
    r.storageVersionHash = storageVersionHash(def);
    resources.push(r);
    for (const sub of subresources) {
      const s: Record<string, unknown> = { name: `${def.names.plural}/${sub.name}`, singularName: "", namespaced: def.namespaced };
      if (sub.kind.group !== def.group || sub.kind.version !== def.version) {
        s.group = sub.kind.group;
        s.version = sub.kind.version;
      }
      s.kind = sub.kind.kind;
      s.verbs = sub.verbs;
      resources.push(s);
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: apiVersionOf(gv), resources };
}

function aggregatedGroup(reg: DiscoveryRegistry, group: string): unknown {
  return {
    metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null },
    versions: reg.versions(group).map((version) => {
      const gv = reg.groupVersion(group, version);
      return {
        version,
        resources: (gv?.resources ?? []).map(({ def, subresources }) => {
          const r: Record<string, unknown> = {
            resource: def.names.plural,
            responseKind: { group: def.group, version: def.version, kind: def.names.kind },
            scope: def.namespaced ? "Namespaced" : "Cluster",
            singularResource: def.names.singular,
            verbs: verbsOf(def),
          };
          if (def.names.shortNames?.length) r.shortNames = def.names.shortNames;
          if (def.names.categories?.length) r.categories = def.names.categories;
          if (subresources.length) {
            r.subresources = subresources.map((s) => ({ subresource: s.name, responseKind: s.kind, verbs: s.verbs }));
          }
          return r;
        }),
        freshness: "Current",
      };
    }),
  };
}

/** apidiscovery.k8s.io APIGroupDiscoveryList for /api (core group only) or /apis (all others). */
export function aggregatedDiscovery(reg: DiscoveryRegistry, legacy: boolean, version: "v2" | "v2beta1"): unknown {
  const groups = legacy ? (reg.hasGroup("") ? [""] : []) : reg.groups();
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => aggregatedGroup(reg, g)),
  };
}

export function aggregatedContentType(version: "v2" | "v2beta1"): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/** `+kubebuilder:rbac` markers → ClusterRole `manager-role` (and a Role per namespace), merged and sorted as controller-gen does. */
import type { MarkerAt } from "./comments.js";
import type { ErrorSink } from "./errors.js";
import { levenshtein } from "./markers.js";

/** The verbs the API server's authorizer knows: resource verbs, the special ones of RBAC/PSP/CSR/SA, and the HTTP verbs of non-resource URLs. */
export const resourceVerbs = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"] as const;
const specialVerbs = ["use", "bind", "escalate", "impersonate", "approve", "sign", "proxy"];
const urlVerbs = ["get", "post", "put", "patch", "delete", "head", "options"];
const validVerbs = new Set<string>(["*", ...resourceVerbs, ...specialVerbs, ...urlVerbs]);

/** Checks each verb of an rbac marker; a typo names the closest verb and lists the valid ones. */
function checkVerbs(at: MarkerAt, verbs: readonly string[], errors: ErrorSink): void {
  for (const v of verbs) {
    if (validVerbs.has(v)) continue;
    const near = [...validVerbs].filter((k) => k !== "*").sort((a, b) => levenshtein(v.toLowerCase(), a) - levenshtein(v.toLowerCase(), b))[0];
    const hint = near !== undefined && levenshtein(v.toLowerCase(), near) <= Math.max(1, Math.floor(v.length / 3)) ? ` (did you mean "${near}"?)` : "";
    errors.add(
      at.pos,
      `marker "+${at.marker.text}": unknown verb "${v}"${hint}; valid verbs are ${resourceVerbs.join(", ")}, * (also ${specialVerbs.join(", ")} for the resources that define them; ${urlVerbs.filter((u) => !(resourceVerbs as readonly string[]).includes(u)).join(", ")} for urls)`,
    );
  }
}

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}

interface Rule {
  groups: string[];
  resources: string[];
  resourceNames: string[];
  urls: string[];
  verbs: string[];
}

const uniqSorted = (xs: string[]): string[] => [...new Set(xs)].sort();
const norm = (r: Rule): Rule => ({ groups: uniqSorted(r.groups), resources: uniqSorted(r.resources), resourceNames: uniqSorted(r.resourceNames), urls: uniqSorted(r.urls), verbs: uniqSorted(r.verbs) });
const key = (r: Rule): string => [r.groups, r.resources, r.resourceNames, r.urls].map((x) => x.join("&")).join(" + ");

function mergeBy(rules: Rule[], keyOf: (r: Rule) => string, field: "resources" | "groups" | "urls"): Rule[] {
  const groups = new Map<string, Rule[]>();
  for (const r of rules) {
    const k = keyOf(r);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((rs) => norm({ ...(rs[0] as Rule), [field]: rs.flatMap((r) => r[field]) }));
}

/** controller-gen's NormalizeRules: merge verbs of equal rules, then resources, groups and URLs of rules that differ only there. */
export function normalizeRules(input: Rule[]): PolicyRule[] {
  const byKey = new Map<string, Rule>();
  for (const raw of input) {
    const r = norm({ ...raw, groups: raw.groups.map((g) => (g === "core" ? "" : g)) });
    const prev = byKey.get(key(r));
    byKey.set(key(r), prev ? norm({ ...prev, verbs: [...prev.verbs, ...r.verbs] }) : r);
  }
  let rules = [...byKey.values()];
  const j = (xs: string[]): string => xs.join("&");
  rules = mergeBy(rules, (r) => [j(r.groups), j(r.resourceNames), j(r.urls), j(r.verbs)].join(" + "), "resources");
  rules = mergeBy(rules, (r) => [j(r.resources), j(r.resourceNames), j(r.urls), j(r.verbs)].join(" + "), "groups");
  rules = mergeBy(rules, (r) => [j(r.groups), j(r.resources), j(r.resourceNames), j(r.verbs)].join(" + "), "urls");
  const dedup = new Map(rules.map((r) => [key(r), r]));
  return [...dedup.keys()]
    .sort()
    .map((k) => dedup.get(k) as Rule)
    .map((r) => {
      const out: PolicyRule = { verbs: r.verbs.includes("*") ? ["*"] : r.verbs };
      if (r.groups.length > 0 || r.resources.length > 0) out.apiGroups = r.groups;
      if (r.resources.length > 0) out.resources = r.resources;
      if (r.resourceNames.length > 0) out.resourceNames = r.resourceNames;
      if (r.urls.length > 0) out.nonResourceURLs = r.urls;
      return out;
    });
}

export interface RoleObject {
  apiVersion: "rbac.authorization.k8s.io/v1";
  kind: "ClusterRole" | "Role";
  metadata: { name: string; namespace?: string };
  rules: PolicyRule[];
}

/** The roles for all rbac markers: the ClusterRole first (namespace ""), then Roles by namespace and name. */
export function rolesFromMarkers(markers: readonly MarkerAt[], roleName = "manager-role", errors?: ErrorSink): RoleObject[] {
  const byRole = new Map<string, { namespace: string; name: string; rules: Rule[] }>();
  for (const at of markers) {
    const { marker } = at;
    if (marker.def.name !== "kubebuilder:rbac") continue;
    const a = marker.args as Record<string, string | string[] | undefined>;
    if (errors) checkVerbs(at, (a.verbs as string[] | undefined) ?? [], errors);
    const namespace = (a.namespace as string | undefined) ?? "";
    const name = (a.roleName as string | undefined) ?? roleName;
    const k = `${namespace}\u0000${name}`;
    const entry = byRole.get(k) ?? { namespace, name, rules: [] };
    byRole.set(k, entry);
    const base = { groups: (a.groups as string[] | undefined) ?? [], resourceNames: (a.resourceNames as string[] | undefined) ?? [], urls: (a.urls as string[] | undefined) ?? [], verbs: (a.verbs as string[] | undefined) ?? [] };
    const resources = (a.resources as string[] | undefined) ?? [];
    if (resources.length === 0) entry.rules.push({ ...base, resources: [] });
    for (const res of resources) entry.rules.push({ ...base, resources: [res] });
  }
  return [...byRole.values()]
    .sort((x, y) => (x.namespace === y.namespace ? (x.name < y.name ? -1 : 1) : x.namespace < y.namespace ? -1 : 1))
    .map((e) => ({
      apiVersion: "rbac.authorization.k8s.io/v1" as const,
      kind: e.namespace === "" ? ("ClusterRole" as const) : ("Role" as const),
      metadata: e.namespace === "" ? { name: e.name } : { name: e.name, namespace: e.namespace },
      rules: normalizeRules(e.rules),
    }));
}

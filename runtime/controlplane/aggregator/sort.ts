/**
 * The orders discovery lists groups and versions in, as kube-aggregator sorts APIServices
 * (apiregistration/v1/helper: SortedByGroupAndVersion, ByGroupPriorityMinimum, ByVersionPriority) and
 * k8s.io/apimachinery/pkg/version.CompareKubeAwareVersionStrings.
 */

const kubeVersion = /^v(\d+)(?:(alpha|beta)(\d+))?$/;
const typeRank = { alpha: 0, beta: 1, ga: 2 } as const;

function parseKubeVersion(v: string): { major: number; type: number; minor: number } | undefined {
  const m = kubeVersion.exec(v);
  if (!m) return undefined;
  const major = Number(m[1]);
  if (!Number.isSafeInteger(major)) return undefined;
  if (m[2] === undefined) return { major, type: typeRank.ga, minor: 0 };
  return { major, type: m[2] === "alpha" ? typeRank.alpha : typeRank.beta, minor: Number(m[3]) };
}

/**
 * CompareKubeAwareVersionStrings: > 0 when `a` sorts before `b` (is "greater"). Kube-like versions (v1, v2beta1,
 * v1alpha3) come first: GA before beta before alpha, then by major, then by minor version, all descending; other
 * strings follow, in ascending lexicographic order. `v10, v2, v1, v11beta2, v10beta3, v3beta1, v12alpha1,
 * v11alpha2, foo1, foo10` is sorted.
 */
export function compareKubeAwareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const va = parseKubeVersion(a);
  const vb = parseKubeVersion(b);
  if (!va && !vb) return a < b ? 1 : -1;
  if (!va) return -1;
  if (!vb) return 1;
  if (va.type !== vb.type) return va.type - vb.type;
  if (va.major !== vb.major) return va.major - vb.major;
  return va.minor - vb.minor;
}

/** What the sorts look at: an APIService's name and the priorities of its spec. */
export interface Prioritized {
  /** The APIService name, `<version>.<group>`. */
  name: string;
  group: string;
  version: string;
  groupPriorityMinimum: number;
  versionPriority: number;
}

/** ByGroupPriorityMinimum: the highest group priority first, then by name (ascending). */
export function byGroupPriorityMinimum(a: Prioritized, b: Prioritized): number {
  if (a.groupPriorityMinimum !== b.groupPriorityMinimum) return b.groupPriorityMinimum - a.groupPriorityMinimum;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** ByVersionPriority: the highest version priority first, then kube-aware version order. */
export function byVersionPriority(a: Prioritized, b: Prioritized): number {
  if (a.versionPriority !== b.versionPriority) return b.versionPriority - a.versionPriority;
  return -compareKubeAwareVersions(a.version, b.version);
}

/**
 * SortedByGroupAndVersion: the entries grouped by group, groups in the order of their first entry by
 * ByGroupPriorityMinimum (so a group ranks by its highest-priority version), versions by ByVersionPriority.
 */
export function sortedByGroupAndVersion<T extends Prioritized>(entries: readonly T[]): T[][] {
  const out: T[][] = [];
  const index = new Map<string, T[]>();
  for (const e of [...entries].sort(byGroupPriorityMinimum)) {
    const existing = index.get(e.group);
    if (existing) {
      existing.push(e);
      continue;
    }
    const list = [e];
    index.set(e.group, list);
    out.push(list);
  }
  for (const list of out) list.sort(byVersionPriority);
  return out;
}

/**
 * RBAC policy rules: matching a request against a rule (plugin/pkg/auth/authorizer/rbac RuleAllows and the
 * rbacv1helpers matchers), and rule coverage for privilege-escalation checks (pkg/registry/rbac/validation:
 * BreakdownRule, Covers, CompactRules, CompactString).
 */
import type { AuthorizationAttributes } from "../../../apiserver/authorization.js";

export type { AuthorizationAttributes };

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export const all = "*";

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : []);

/** A PolicyRule from stored JSON (unknown shapes give empty lists). */
export function toPolicyRule(raw: unknown): PolicyRule {
  const r = (raw ?? {}) as Record<string, unknown>;
  const out: PolicyRule = { verbs: strings(r.verbs) };
  if (Array.isArray(r.apiGroups)) out.apiGroups = strings(r.apiGroups);
  if (Array.isArray(r.resources)) out.resources = strings(r.resources);
  if (Array.isArray(r.resourceNames)) out.resourceNames = strings(r.resourceNames);
  if (Array.isArray(r.nonResourceURLs)) out.nonResourceURLs = strings(r.nonResourceURLs);
  return out;
}

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === all || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === all || g === group);
}

/** `*`, the exact "resource[/subresource]", or `*\/subresource`. */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === all || r === combined) return true;
    if (subresource && r === `*/${subresource}`) return true;
  }
  return false;
}

/** An empty resourceNames list allows every name. */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** `*`, an exact path, or a prefix ending in `*`. */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === all || u === path) return true;
    if (u.endsWith("*") && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

/** Whether `rule` allows the request. */
export function ruleAllows(attrs: AuthorizationAttributes, rule: PolicyRule): boolean {
  if (!verbMatches(rule, attrs.verb)) return false;
  if (!attrs.isResourceRequest) return nonResourceURLMatches(rule, attrs.path);
  const combined = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  return apiGroupMatches(rule, attrs.apiGroup) && resourceMatches(rule, combined, attrs.subresource) && resourceNameMatches(rule, attrs.name);
}

/** Splits a rule into rules of one verb, one group, one resource and at most one name (or one URL). */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      const names = rule.resourceNames ?? [];
      if (names.length > 0) {
        for (const name of names) for (const verb of rule.verbs) out.push({ apiGroups: [group], resources: [resource], resourceNames: [name], verbs: [verb] });
      } else {
        for (const verb of rule.verbs) out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

const has = (set: readonly string[], v: string): boolean => set.includes(v);

function resourceCoversAll(owner: readonly string[], wanted: readonly string[]): boolean {
  if (has(owner, all)) return true;
  for (const path of wanted) {
    if (has(owner, path)) continue;
    const slash = path.indexOf("/");
    if (slash < 0) return false;
    if (!has(owner, `*${path.slice(slash)}`)) return false;
  }
  return true;
}

function nonResourceURLCovers(owner: string, wanted: string): boolean {
  if (owner === wanted) return true;
  return owner.endsWith("*") && wanted.startsWith(owner.slice(0, -1));
}

/** Whether `owner` allows everything the (broken-down) `sub` rule allows. */
export function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = has(owner.verbs, all) || sub.verbs.every((v) => has(owner.verbs, v));
  if (!verbs) return false;
  const ownerURLs = owner.nonResourceURLs ?? [];
  const subURLs = sub.nonResourceURLs ?? [];
  const urls = subURLs.every((u) => ownerURLs.some((o) => nonResourceURLCovers(o, u)));
  if (!urls) return false;
  const ownerGroups = owner.apiGroups ?? [];
  const groups = has(ownerGroups, all) || (sub.apiGroups ?? []).every((g) => has(ownerGroups, g));
  if (!groups) return false;
  if (!resourceCoversAll(owner.resources ?? [], sub.resources ?? [])) return false;
  const ownerNames = owner.resourceNames ?? [];
  const subNames = sub.resourceNames ?? [];
  // an owner limited to names covers only requests limited to (some of) those names
  if (ownerNames.length > 0 && subNames.length === 0) return false;
  return subNames.every((n) => ownerNames.length === 0 || has(ownerNames, n));
}

/** Whether `owner` rules cover all of `wanted`; returns the broken-down rules that are not covered. */
export function covers(owner: readonly PolicyRule[], wanted: readonly PolicyRule[]): { covered: boolean; missing: PolicyRule[] } {
  const missing: PolicyRule[] = [];
  for (const rule of wanted) {
    for (const sub of breakdownRule(rule)) {
      if (!owner.some((o) => ruleCovers(o, sub))) missing.push(sub);
    }
  }
  return { covered: missing.length === 0, missing };
}

/** Merges broken-down rules that differ only by verb. */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const isSimple = (r.apiGroups ?? []).length === 1 && (r.resources ?? []).length === 1 && (r.resourceNames ?? []).length <= 1 && (r.nonResourceURLs ?? []).length === 0;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups?.[0], r.resources?.[0], r.resourceNames?.[0] ?? ""]);
    const existing = simple.get(key);
    if (existing) {
      existing.verbs.push(...r.verbs);
      continue;
    }
    const copy: PolicyRule = { ...r, verbs: [...r.verbs] };
    simple.set(key, copy);
    out.push(copy);
  }
  return out;
}

/** Go's %q of a []string: ["a" "b"]. */
export function goQuotedList(list: readonly string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(" ")}]`;
}

/** rbacv1helpers.CompactString: {APIGroups:[""], Resources:["pods"], Verbs:["get"]}. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if ((r.apiGroups ?? []).length) parts.push(`APIGroups:${goQuotedList(r.apiGroups ?? [])}`);
  if ((r.resources ?? []).length) parts.push(`Resources:${goQuotedList(r.resources ?? [])}`);
  if ((r.nonResourceURLs ?? []).length) parts.push(`NonResourceURLs:${goQuotedList(r.nonResourceURLs ?? [])}`);
  if ((r.resourceNames ?? []).length) parts.push(`ResourceNames:${goQuotedList(r.resourceNames ?? [])}`);
  if (r.verbs.length) parts.push(`Verbs:${goQuotedList(r.verbs)}`);
  return `{${parts.join(", ")}}`;
}

/** The rule that grants everything (cluster-admin's). */
export const fullAuthority: readonly PolicyRule[] = [
  { verbs: [all], apiGroups: [all], resources: [all] },
  { verbs: [all], nonResourceURLs: [all] },
];

/**
 * The clusterrole-aggregation controller (pkg/controller/clusterroleaggregation): a ClusterRole with an
 * aggregationRule gets as `rules` the union of the rules of every other ClusterRole matching one of its
 * selectors, visited in name order without duplicates. Runs on every ClusterRole change until nothing changes
 * (aggregated roles may themselves be aggregated: edit → admin).
 */
import type { RequestContext, Store } from "../../../apiserver/registry/store.js";
import { isNotFound } from "../../../core/errors.js";
import { labelSelectorAsSelector, type LabelSelector } from "../../../core/labels.js";
import type { KubeObject } from "../../../core/object.js";
import { semanticEqual } from "../../builtin/common/apps-shared.js";
import type { RBACPolicy } from "./policy.js";

/** The identity of the control plane's own writes (kube-apiserver's loopback user). */
export const apiserverContext = (): RequestContext => ({ namespace: "", user: { username: "system:apiserver", groups: ["system:masters", "system:authenticated"] }, dryRun: false, warnings: [] });

/** The rules an aggregated ClusterRole should have, given all ClusterRoles. */
export function aggregatedRules(role: KubeObject, all: readonly KubeObject[]): unknown[] | undefined {
  const rule = role["aggregationRule"] as { clusterRoleSelectors?: LabelSelector[] } | undefined;
  if (!rule || !Array.isArray(rule.clusterRoleSelectors)) return undefined;
  const selectors = rule.clusterRoleSelectors.map((s) => labelSelectorAsSelector(s));
  const matching = all
    .filter((o) => o.metadata.name !== role.metadata.name && selectors.some((s) => s.matches(o.metadata.labels)))
    .sort((a, b) => ((a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1));
  const out: unknown[] = [];
  for (const o of matching) {
    for (const r of Array.isArray(o["rules"]) ? (o["rules"] as unknown[]) : []) {
      if (!out.some((x) => semanticEqual(x, r))) out.push(r);
    }
  }
  return out;
}

export class ClusterRoleAggregator {
  private unsubscribe: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;

  constructor(
    private readonly policy: RBACPolicy,
    private readonly clusterRoles: Store,
  ) {}

  start(): void {
    this.unsubscribe = this.policy.onClusterRolesChanged(() => this.schedule());
    this.schedule();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Resolves once no aggregation is pending. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private schedule(): void {
    this.dirty = true;
    if (this.running) return;
    this.running = (async () => {
      await new Promise<void>((r) => setImmediate(r));
      while (this.dirty && this.unsubscribe) {
        this.dirty = false;
        await this.syncAll().catch(() => {
          // a failed write (e.g. a concurrent delete) is retried on the next change
        });
      }
    })().finally(() => (this.running = undefined));
  }

  private async syncAll(): Promise<void> {
    const all = this.policy.clusterRoleObjects();
    for (const role of all) {
      const rules = aggregatedRules(role, all);
      if (!rules || semanticEqual(rules, role["rules"] ?? [])) continue;
      try {
        await this.clusterRoles.update(apiserverContext(), role.metadata.name ?? "", (cur) => {
          if (!cur) throw new Error("cluster role vanished");
          return { ...cur, rules };
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
}

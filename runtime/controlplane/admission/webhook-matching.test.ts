import { describe, expect, it } from "vitest";
import type { AdmissionAttributes } from "../../apiserver/admission/types.js";
import type { RuleWithOperations, Webhook } from "../builtin/admissionregistration/types.js";
import { isExemptResource, namespaceSelectorMatches, objectSelectorMatches, ruleMatches, rulesMatch } from "./webhook-matching.js";

function attrs(resource: string, subresource = "", namespace = "default", group = "", version = "v1"): AdmissionAttributes {
  return {
    operation: "CREATE",
    resource: { group, version, resource },
    subresource,
    kind: { group, version, kind: "X" },
    namespace,
    name: "x",
    object: { apiVersion: "v1", kind: "X", metadata: { name: "x", labels: { app: "web" } } },
    dryRun: false,
    user: { username: "u", groups: [] },
    warnings: [],
  };
}

const rule = (resources: string[], extra: Partial<RuleWithOperations> = {}): RuleWithOperations => ({ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources, ...extra });

describe("rule matching", () => {
  it("matches resources and subresources as upstream's Matcher", () => {
    const cases: [string[], string, string, boolean][] = [
      [["pods"], "pods", "", true],
      [["pods"], "pods", "status", false],
      [["pods/status"], "pods", "status", true],
      [["pods/status"], "pods", "", false],
      [["pods/*"], "pods", "status", true],
      [["pods/*"], "pods", "", true],
      [["*"], "pods", "", true],
      [["*"], "pods", "status", false],
      [["*/status"], "deployments", "status", true],
      [["*/*"], "deployments", "scale", true],
      [["*/*"], "deployments", "", true],
    ];
    for (const [resources, res, sub, want] of cases) expect([resources, res, sub, ruleMatches(rule(resources), attrs(res, sub))]).toEqual([resources, res, sub, want]);
  });

  it("checks operations, groups, versions and scope", () => {
    expect(ruleMatches(rule(["pods"], { operations: ["UPDATE"] }), attrs("pods"))).toBe(false);
    expect(ruleMatches(rule(["pods"], { operations: ["*"] }), attrs("pods"))).toBe(true);
    expect(ruleMatches(rule(["deployments"], { apiGroups: ["apps"] }), attrs("deployments", "", "default", "apps"))).toBe(true);
    expect(ruleMatches(rule(["deployments"], { apiGroups: ["apps"], apiVersions: ["v1beta1"] }), attrs("deployments", "", "default", "apps"))).toBe(false);
    expect(ruleMatches(rule(["pods"], { scope: "Namespaced" }), attrs("pods"))).toBe(true);
    expect(ruleMatches(rule(["pods"], { scope: "Cluster" }), attrs("pods"))).toBe(false);
    expect(ruleMatches(rule(["nodes"], { scope: "Cluster" }), attrs("nodes", "", ""))).toBe(true);
    // Namespace objects are cluster-scoped even when the request names a namespace
    expect(ruleMatches(rule(["namespaces"], { scope: "Cluster" }), attrs("namespaces", "", "demo"))).toBe(true);
    expect(ruleMatches(rule(["namespaces"], { scope: "Namespaced" }), attrs("namespaces", "", "demo"))).toBe(false);
  });

  it("matches through equivalent resources only with matchPolicy Equivalent", () => {
    const hook = (matchPolicy: string): Webhook => ({ name: "h", clientConfig: {}, matchPolicy, rules: [rule(["events"], { apiGroups: ["events.k8s.io"] })] });
    const a = attrs("events");
    const eq = [{ group: "events.k8s.io", version: "v1", resource: "events" }];
    expect(rulesMatch(hook("Equivalent"), a, eq)).toBe(true);
    expect(rulesMatch(hook("Exact"), a, eq)).toBe(false);
  });
});

describe("selectors", () => {
  const labels = { team: "a" };
  const hook = (extra: Partial<Webhook>): Webhook => ({ name: "h", clientConfig: {}, ...extra });

  it("namespaceSelector reads the namespace's labels; a Namespace uses its own; cluster-scoped objects always match", async () => {
    const lookup = async (ns: string): Promise<Record<string, string> | undefined> => (ns === "default" ? labels : undefined);
    const sel = hook({ namespaceSelector: { matchLabels: { team: "a" } } });
    expect(await namespaceSelectorMatches(sel, attrs("pods"), lookup)).toBe(true);
    expect(await namespaceSelectorMatches(hook({ namespaceSelector: { matchLabels: { team: "b" } } }), attrs("pods"), lookup)).toBe(false);
    expect(await namespaceSelectorMatches(sel, attrs("pods", "", "missing"), lookup)).toBe(false);
    expect(await namespaceSelectorMatches(sel, attrs("nodes", "", ""), lookup)).toBe(true);
    const ns = attrs("namespaces", "", "");
    ns.object = { apiVersion: "v1", kind: "Namespace", metadata: { name: "n", labels: { team: "a" } } };
    expect(await namespaceSelectorMatches(sel, ns, async () => undefined)).toBe(true);
    expect(await namespaceSelectorMatches(hook({ namespaceSelector: {} }), attrs("pods", "", "missing"), lookup)).toBe(true);
  });

  it("objectSelector matches the new or the old object", () => {
    const a = attrs("pods");
    expect(objectSelectorMatches(hook({ objectSelector: { matchLabels: { app: "web" } } }), a)).toBe(true);
    expect(objectSelectorMatches(hook({ objectSelector: { matchExpressions: [{ key: "app", operator: "NotIn", values: ["web"] }] } }), a)).toBe(false);
    a.oldObject = { apiVersion: "v1", kind: "X", metadata: { name: "x", labels: { app: "db" } } };
    expect(objectSelectorMatches(hook({ objectSelector: { matchLabels: { app: "db" } } }), a)).toBe(true);
  });

  it("never sends webhook configurations to webhooks", () => {
    expect(isExemptResource(attrs("validatingwebhookconfigurations", "", "", "admissionregistration.k8s.io"))).toBe(true);
    expect(isExemptResource(attrs("pods"))).toBe(false);
  });
});

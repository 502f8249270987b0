/** kubectl against the local control plane: label and field selectors, chunked lists, watches. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubectlEnv, kubectlVersions, lines, tableRows, type KubectlEnv } from "../support/kubectl.js";

function cm(ns: string, name: string, labels: Record<string, string>): string {
  const l = Object.entries(labels)
    .map(([k, v]) => `    ${k}: "${v}"\n`)
    .join("");
  return `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n${l ? `  labels:\n${l}` : ""}data:\n  k: v\n`;
}

function pod(ns: string, name: string, nodeName?: string): string {
  return `---
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${ns}
spec:
${nodeName ? `  nodeName: ${nodeName}\n` : ""}  containers:
  - name: c
    image: busybox
`;
}

describe.concurrent.each(kubectlVersions)("kubectl $version: selectors, chunking, watch", (v) => {
  let env: KubectlEnv;
  beforeAll(async () => {
    env = await kubectlEnv(v);
  });
  afterAll(async () => {
    await env?.close();
  });

  it("label selectors: =, !=, in, notin, exists, !key, and combinations", async () => {
    const ns = await env.namespace("labels");
    const k = env.kubectl;
    await k.ok(["create", "-f", "-"], {
      input: cm(ns, "a", { env: "prod", tier: "web" }) + cm(ns, "b", { env: "dev", tier: "web" }) + cm(ns, "c", { env: "prod" }) + cm(ns, "d", {}),
    });
    const sel = async (s: string): Promise<string[]> => lines(await k.ok(["-n", ns, "get", "configmaps", "-l", s, "-o", "name"])).map((l) => l.replace("configmap/", ""));
    const results = await Promise.all(["env=prod", "env==prod", "env!=prod", "env in (dev,prod)", "env notin (prod)", "tier", "!tier", "env=prod,tier=web", "env=prod,!tier", "env=staging"].map(sel));
    expect(results).toEqual([["a", "c"], ["a", "c"], ["b", "d"], ["a", "b", "c"], ["b", "d"], ["a", "b"], ["c", "d"], ["a"], ["c"], []]);
    const none = await k.run(["-n", ns, "get", "configmaps", "-l", "env=staging"]);
    expect(none).toEqual({ code: 0, stdout: "", stderr: `No resources found in ${ns} namespace.\n` });
    const bad = await k.run(["-n", ns, "get", "configmaps", "-l", "env in prod"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(`Error from server (BadRequest): Unable to find "/v1, Resource=configmaps" that match label selector "env in prod", field selector "": unable to parse requirement: found 'prod' expected: '('\n`);
  });

  it("field selectors: metadata.name, status.phase, spec.nodeName; unsupported fields are a BadRequest", async () => {
    const ns = await env.namespace("fields");
    const k = env.kubectl;
    await k.ok(["create", "-f", "-"], { input: cm(ns, "one", {}) + cm(ns, "two", {}) + pod(ns, "pending") + pod(ns, "running") + pod(ns, "placed", "node-a") });
    await k.ok(["-n", ns, "patch", "pod", "running", "--subresource=status", "--type=merge", "-p", '{"status":{"phase":"Running"}}']);
    const get = async (...args: string[]): Promise<string[]> => lines(await k.ok(["-n", ns, "get", ...args, "-o", "name"]));
    const [byName, notName, running, pending, onNode, unscheduled, combined] = await Promise.all([
      get("configmaps", "--field-selector", "metadata.name=two"),
      get("configmaps", "--field-selector", "metadata.name!=two"),
      get("pods", "--field-selector", "status.phase=Running"),
      get("pods", "--field-selector", "status.phase=Pending"),
      get("pods", "--field-selector", "spec.nodeName=node-a"),
      get("pods", "--field-selector", "spec.nodeName="),
      get("pods", "--field-selector", "status.phase!=Running,metadata.name!=placed"),
    ]);
    expect(byName).toEqual(["configmap/two"]);
    expect(notName).toEqual(expect.arrayContaining(["configmap/one"]));
    expect(notName).not.toContain("configmap/two");
    expect(running).toEqual(["pod/running"]);
    expect(pending).toEqual(["pod/pending", "pod/placed"]);
    expect(onNode).toEqual(["pod/placed"]);
    expect(unscheduled).toEqual(["pod/pending", "pod/running"]);
    expect(combined).toEqual(["pod/pending"]);
    // across all namespaces, a namespace field selector narrows the list
    const allNs = lines(await k.ok(["get", "pods", "-A", "--field-selector", `metadata.namespace=${ns},status.phase=Running`, "-o", "name"]));
    expect(allNs).toEqual(["pod/running"]);
    const bad = await k.run(["-n", ns, "get", "configmaps", "--field-selector", "spec.foo=x"]);
    expect(bad).toEqual({ code: 1, stdout: "", stderr: 'Error from server (BadRequest): Unable to find "/v1, Resource=configmaps" that match label selector "", field selector "spec.foo=x": field label not supported: spec.foo\n' });
  });

  it("--chunk-size lists in pages with continue tokens and prints one table", async () => {
    const ns = await env.namespace("chunk");
    const k = env.kubectl;
    const names = ["c1", "c2", "c3", "c4", "c5"];
    await k.ok(["create", "-f", "-"], { input: names.map((n) => cm(ns, n, { batch: "x" })).join("") });
    const r = await k.run(["-n", ns, "get", "configmaps", "-l", "batch=x", "--chunk-size=2", "-v=6"]);
    expect(r.code).toBe(0);
    const rows = tableRows(r.stdout);
    expect(rows[0]).toEqual(["NAME", "DATA", "AGE"]);
    expect(rows.slice(1).map((row) => row[0])).toEqual(names);
    const requests = r.stderr.split("\n").filter((l) => l.includes(`/namespaces/${ns}/configmaps?`));
    expect(requests).toHaveLength(3);
    expect(requests[0]).toMatch(/limit=2/);
    expect(requests[0]).not.toMatch(/continue=/);
    expect(requests[1]).toMatch(/continue=[^&\s]+/);
    expect(requests[2]).toMatch(/continue=[^&\s]+/);
    for (const req of requests) expect(req).toMatch(/200 OK/);
    // -o name and -o json with chunks see every item exactly once
    const [named, json] = await Promise.all([
      k.ok(["-n", ns, "get", "configmaps", "--chunk-size=2", "-o", "name"]),
      k.ok(["-n", ns, "get", "configmaps", "-l", "batch=x", "--chunk-size=2", "-o", "json"]),
    ]);
    expect(lines(named).filter((l) => l !== "configmap/kube-root-ca.crt")).toEqual(names.map((n) => `configmap/${n}`));
    const list = JSON.parse(json) as { kind: string; items: { metadata: { name: string } }[] };
    expect(list.kind).toBe("List");
    expect(list.items.map((i) => i.metadata.name)).toEqual(names);
  });

  it("get -w --output-watch-events prints ADDED, MODIFIED and DELETED", async () => {
    const ns = await env.namespace("watch");
    const k = env.kubectl;
    await k.ok(["-n", ns, "create", "configmap", "pre", "--from-literal=a=1"]);
    const w = k.background(["-n", ns, "get", "configmaps", "-w", "--output-watch-events"]);
    try {
      await w.waitForOutput(/ADDED\s+pre\s+1\s+\d+s\n/);
      await k.ok(["-n", ns, "create", "configmap", "live", "--from-literal=a=1"]);
      await w.waitForOutput(/ADDED\s+live\s+1\s+\d+s\n/);
      await k.ok(["-n", ns, "patch", "configmap", "live", "--type=merge", "-p", '{"data":{"b":"2"}}']);
      await w.waitForOutput(/MODIFIED\s+live\s+2\s+\d+s\n/);
      await k.ok(["-n", ns, "delete", "configmap", "live"]);
      await w.waitForOutput(/DELETED\s+live\s+2\s+\d+s\n/);
    } finally {
      await w.stop();
    }
    const rows = tableRows(w.stdout()).filter((r) => r[1] !== "kube-root-ca.crt");
    expect(rows).toEqual([
      ["EVENT", "NAME", "DATA", "AGE"],
      ["ADDED", "pre", "1", expect.stringMatching(/^\d+s$/)],
      ["ADDED", "live", "1", expect.stringMatching(/^\d+s$/)],
      ["MODIFIED", "live", "2", expect.stringMatching(/^\d+s$/)],
      ["DELETED", "live", "2", expect.stringMatching(/^\d+s$/)],
    ]);
  });

  it("get -w --watch-only with a label selector: objects entering and leaving the selection", async () => {
    const ns = await env.namespace("watch2");
    const k = env.kubectl;
    await k.ok(["-n", ns, "create", "configmap", "old", "--from-literal=a=1"]);
    await k.ok(["-n", ns, "label", "configmap", "old", "pick=yes"]);
    const w = k.background(["-n", ns, "get", "configmaps", "--watch-only", "-l", "pick=yes", "--output-watch-events", "-v=6"]);
    try {
      // changes made once the watch request is answered are seen (kubectl logs it at -v=6)
      await w.waitForOutput(/watch=true.*200 OK/, 15_000, "stderr");
      await k.ok(["-n", ns, "create", "configmap", "ignored", "--from-literal=a=1"]);
      await k.ok(["-n", ns, "create", "configmap", "picked", "--from-literal=a=1"]);
      await k.ok(["-n", ns, "label", "configmap", "picked", "pick=yes"]);
      await w.waitForOutput(/ADDED\s+picked\s/);
      await k.ok(["-n", ns, "label", "configmap", "picked", "pick-"]);
      await w.waitForOutput(/DELETED\s+picked\s/);
    } finally {
      await w.stop();
    }
    // --watch-only prints no initial state; an object entering the selection is ADDED, leaving it DELETED
    expect(tableRows(w.stdout())).toEqual([
      ["EVENT", "NAME", "DATA", "AGE"],
      ["ADDED", "picked", "1", expect.stringMatching(/^\d+s$/)],
      ["DELETED", "picked", "1", expect.stringMatching(/^\d+s$/)],
    ]);
  });

  it("get -w on a single object", async () => {
    const ns = await env.namespace("watch3");
    const k = env.kubectl;
    await k.ok(["apply", "-f", "-"], { input: pod(ns, "solo") });
    const w = k.background(["-n", ns, "get", "pod", "solo", "-w", "-o", "jsonpath={.status.phase}{\"\\n\"}"]);
    try {
      await w.waitForOutput(/^Pending\n/);
      await k.ok(["-n", ns, "patch", "pod", "solo", "--subresource=status", "--type=merge", "-p", '{"status":{"phase":"Running"}}']);
      await w.waitForOutput(/^Pending\nRunning\n/);
    } finally {
      await w.stop();
    }
  });
});

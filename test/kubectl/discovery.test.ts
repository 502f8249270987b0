/** kubectl against the local control plane: discovery, raw paths and version. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubectlEnv, kubectlVersions, lines, tableRows, type KubectlEnv } from "../support/kubectl.js";

describe.concurrent.each(kubectlVersions)("kubectl $version: discovery", (v) => {
  let env: KubectlEnv;
  beforeAll(async () => {
    env = await kubectlEnv(v);
  });
  afterAll(async () => {
    await env?.close();
  });

  it("api-resources lists the built-in kinds with short names, group-versions, scope and kind", async () => {
    const out = await env.kubectl.ok(["api-resources"]);
    const rows = tableRows(out);
    expect(rows[0]).toEqual(["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]);
    const byName = new Map(rows.slice(1).map((r) => [`${r[0]}/${r[r.length - 3]}`, r]));
    expect(byName.get("deployments/apps/v1")).toEqual(["deployments", "deploy", "apps/v1", "true", "Deployment"]);
    expect(byName.get("configmaps/v1")).toEqual(["configmaps", "cm", "v1", "true", "ConfigMap"]);
    expect(byName.get("namespaces/v1")).toEqual(["namespaces", "ns", "v1", "false", "Namespace"]);
    expect(byName.get("pods/v1")).toEqual(["pods", "po", "v1", "true", "Pod"]);
    expect(byName.get("secrets/v1")).toEqual(["secrets", "v1", "true", "Secret"]);
    expect(byName.get("leases/coordination.k8s.io/v1")).toEqual(["leases", "coordination.k8s.io/v1", "true", "Lease"]);
    expect(byName.get("events/events.k8s.io/v1")).toEqual(["events", "ev", "events.k8s.io/v1", "true", "Event"]);
    expect(byName.get("clusterroles/rbac.authorization.k8s.io/v1")).toEqual(["clusterroles", "rbac.authorization.k8s.io/v1", "false", "ClusterRole"]);
    // subresources are not listed
    expect(rows.some((r) => r[0]?.includes("/"))).toBe(false);
  });

  it("api-resources filters by group, scope and verbs", async () => {
    const [apps, cluster, nonList] = await Promise.all([
      env.kubectl.ok(["api-resources", "--api-group=apps", "-o", "name"]),
      env.kubectl.ok(["api-resources", "--namespaced=false", "-o", "name"]),
      env.kubectl.ok(["api-resources", "--verbs=list", "--api-group=", "-o", "name"]),
    ]);
    expect(lines(apps)).toEqual(expect.arrayContaining(["daemonsets.apps", "deployments.apps", "replicasets.apps", "statefulsets.apps"]));
    expect(lines(apps).every((l) => l.endsWith(".apps"))).toBe(true);
    expect(lines(cluster)).toEqual(expect.arrayContaining(["namespaces", "nodes", "persistentvolumes", "clusterroles.rbac.authorization.k8s.io"]));
    expect(lines(cluster)).not.toContain("configmaps");
    expect(lines(nonList)).toEqual(expect.arrayContaining(["configmaps", "pods", "secrets", "namespaces"]));
    expect(lines(nonList).every((l) => !l.includes("."))).toBe(true);
  });

  it("api-versions lists every served group-version", async () => {
    const out = lines(await env.kubectl.ok(["api-versions"]));
    expect(out).toEqual(expect.arrayContaining(["v1", "apps/v1", "coordination.k8s.io/v1", "events.k8s.io/v1", "rbac.authorization.k8s.io/v1"]));
    expect([...out].sort()).toEqual(out);
  });

  it("get --raw serves objects and /version", async () => {
    const [ns, ver, api] = await Promise.all([
      env.kubectl.ok(["get", "--raw", "/api/v1/namespaces/default"]),
      env.kubectl.ok(["get", "--raw", "/version"]),
      env.kubectl.ok(["get", "--raw", "/api"]),
    ]);
    const nsObj = JSON.parse(ns) as { kind: string; apiVersion: string; metadata: { name: string; uid: string; resourceVersion: string }; spec: unknown; status: unknown };
    expect(nsObj.kind).toBe("Namespace");
    expect(nsObj.apiVersion).toBe("v1");
    expect(nsObj.metadata.name).toBe("default");
    expect(nsObj.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(nsObj.spec).toEqual({ finalizers: ["kubernetes"] });
    expect(nsObj.status).toEqual({ phase: "Active" });
    const verObj = JSON.parse(ver) as Record<string, string>;
    expect(verObj).toMatchObject({ major: "1", minor: "33", gitVersion: "v1.33.0-kubeforge" });
    expect(JSON.parse(api)).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
  });

  it("get --raw of a missing object fails with the server's NotFound", async () => {
    const r = await env.kubectl.run(["get", "--raw", "/api/v1/namespaces/default/configmaps/does-not-exist"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (NotFound): configmaps "does-not-exist" not found\n');
  });

  it("get --raw /readyz answers ok", async () => {
    expect(await env.kubectl.ok(["get", "--raw", "/readyz"])).toBe("ok");
  });

  it("version reports the server version", async () => {
    const out = JSON.parse(await env.kubectl.ok(["version", "-o", "json"])) as { clientVersion: { minor: string }; serverVersion: { gitVersion: string; major: string; minor: string } };
    expect(out.clientVersion.minor).toBe(v.version.split(".")[1]);
    expect(out.serverVersion).toMatchObject({ major: "1", minor: "33", gitVersion: "v1.33.0-kubeforge" });
    // the plain form (1.27 needs --short for it)
    const r = await env.kubectl.run(v.version === "1.27" ? ["version", "--short"] : ["version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Server Version: v1.33.0-kubeforge\n");
    expect(r.stdout).toMatch(new RegExp(`^Client Version: v${v.version.replace(".", "\\.")}\\.\\d+\\n`));
  });

  it("short names and the `all` category resolve through discovery", async () => {
    // short names and categories resolve through discovery: `deploy`, `cm`, `all`
    const ns = await env.namespace("disc");
    await env.kubectl.ok(["-n", ns, "create", "configmap", "c1", "--from-literal=a=b"]);
    await env.kubectl.ok(["-n", ns, "create", "deployment", "d1", "--image=nginx"]);
    const [cm, deploy, all] = await Promise.all([
      env.kubectl.ok(["-n", ns, "get", "cm", "-o", "name"]),
      env.kubectl.ok(["-n", ns, "get", "deploy", "-o", "name"]),
      env.kubectl.ok(["-n", ns, "get", "all", "-o", "name"]),
    ]);
    expect(lines(cm)).toContain("configmap/c1");
    expect(lines(deploy)).toEqual(["deployment.apps/d1"]);
    // `all` covers deployments (category "all") but not configmaps
    expect(lines(all)).toContain("deployment.apps/d1");
    expect(lines(all)).not.toContain("configmap/c1");
  });
});

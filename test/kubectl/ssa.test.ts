/** kubectl server-side apply against the local control plane: ownership, conflicts, force, list merging, managedFields. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYAML } from "yaml";
import type { ManagedFieldsEntry } from "../../runtime/core/object.js";
import { kubectlEnv, kubectlVersions, type KubectlEnv } from "../support/kubectl.js";

interface Obj {
  metadata: { name: string; managedFields?: ManagedFieldsEntry[]; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
}

function configMapYAML(ns: string, name: string, data: Record<string, string>): string {
  const d = Object.entries(data).map(([k, v]) => `  ${k}: "${v}"\n`).join("");
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n${d}`;
}

function deploymentYAML(ns: string, name: string, containers: string, replicas?: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
${replicas === undefined ? "" : `  replicas: ${replicas}\n`}  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
${containers}`;
}

const crdYAML = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: routers.ssa.kubeforge.dev
spec:
  group: ssa.kubeforge.dev
  scope: Namespaced
  names: { plural: routers, singular: router, kind: Router }
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              routes:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [path]
                items:
                  type: object
                  required: [path]
                  properties:
                    path: { type: string }
                    backend: { type: string }
              tags:
                type: array
                items: { type: string }
`;

function routerYAML(ns: string, routes: Record<string, string>): string {
  const r = Object.entries(routes).map(([p, b]) => `  - path: ${p}\n    backend: ${b}\n`).join("");
  return `apiVersion: ssa.kubeforge.dev/v1\nkind: Router\nmetadata:\n  name: r\n  namespace: ${ns}\nspec:\n  routes:\n${r}`;
}

const managers = (o: Obj): [string | undefined, string | undefined][] => (o.metadata.managedFields ?? []).map((e) => [e.manager, e.operation]);

describe.concurrent.each(kubectlVersions)("kubectl $version: server-side apply", (v) => {
  let env: KubectlEnv;
  beforeAll(async () => {
    env = await kubectlEnv(v);
  });
  afterAll(async () => {
    await env?.close();
  });

  it("apply --server-side creates, updates and removes a field dropped from the configuration", async () => {
    const ns = await env.namespace("ssa");
    const k = env.kubectl;
    const f1 = await env.file(`${ns}-cm1.yaml`, configMapYAML(ns, "app", { a: "1", b: "2" }));
    expect(await k.run(["apply", "--server-side", "-f", f1])).toEqual({ code: 0, stdout: "configmap/app serverside-applied\n", stderr: "" });
    const created = await k.json<Obj>(["-n", ns, "get", "configmap", "app", "--show-managed-fields"]);
    expect(created.data).toEqual({ a: "1", b: "2" });
    expect(created.metadata.managedFields).toEqual([
      { manager: "kubectl", operation: "Apply", apiVersion: "v1", time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) as unknown, fieldsType: "FieldsV1", fieldsV1: { "f:data": { "f:a": {}, "f:b": {} } } },
    ]);
    // server-side apply writes no last-applied-configuration annotation
    expect(created.metadata.annotations).toBeUndefined();

    const f2 = await env.file(`${ns}-cm2.yaml`, configMapYAML(ns, "app", { a: "10" }));
    expect(await k.ok(["apply", "--server-side", "-f", f2])).toBe("configmap/app serverside-applied\n");
    const updated = await k.json<Obj>(["-n", ns, "get", "configmap", "app", "--show-managed-fields"]);
    expect(updated.data).toEqual({ a: "10" });
    expect(updated.metadata.managedFields?.[0]?.fieldsV1).toEqual({ "f:data": { "f:a": {} } });

    // the YAML view shows the entries only with --show-managed-fields
    const yaml = parseYAML(await k.ok(["-n", ns, "get", "configmap", "app", "-o", "yaml", "--show-managed-fields"])) as Obj;
    expect(managers(yaml)).toEqual([["kubectl", "Apply"]]);
    const plain = parseYAML(await k.ok(["-n", ns, "get", "configmap", "app", "-o", "yaml"])) as Obj;
    expect(plain.metadata.managedFields).toBeUndefined();
  });

  it("a field owned by another manager is a conflict; --force-conflicts takes it over", async () => {
    const ns = await env.namespace("ssa-conflict");
    const k = env.kubectl;
    const fa = await env.file(`${ns}-a.yaml`, configMapYAML(ns, "shared", { key: "from-a", onlyA: "x" }));
    expect(await k.ok(["apply", "--server-side", "--field-manager=a", "-f", fa])).toBe("configmap/shared serverside-applied\n");
    const fb = await env.file(`${ns}-b.yaml`, configMapYAML(ns, "shared", { key: "from-b" }));
    const conflict = await k.run(["apply", "--server-side", "--field-manager=b", "-f", fb]);
    expect(conflict.code).toBe(1);
    expect(conflict.stdout).toBe("");
    expect(conflict.stderr).toContain('error: Apply failed with 1 conflict: conflict with "a": .data.key');
    expect(conflict.stderr).toContain("Please review the fields above--they currently have other managers.");

    // same value: no conflict, both own it
    const same = await env.file(`${ns}-b-same.yaml`, configMapYAML(ns, "shared", { key: "from-a" }));
    expect(await k.ok(["apply", "--server-side", "--field-manager=b", "-f", same])).toBe("configmap/shared serverside-applied\n");

    expect(await k.ok(["apply", "--server-side", "--field-manager=b", "--force-conflicts", "-f", fb])).toBe("configmap/shared serverside-applied\n");
    const after = await k.json<Obj>(["-n", ns, "get", "configmap", "shared", "--show-managed-fields"]);
    expect(after.data).toEqual({ key: "from-b", onlyA: "x" });
    const byManager = Object.fromEntries((after.metadata.managedFields ?? []).map((e) => [e.manager, e.fieldsV1]));
    expect(byManager).toEqual({ a: { "f:data": { "f:onlyA": {} } }, b: { "f:data": { "f:key": {} } } });

    // an Update manager (kubectl patch) is named with its apiVersion in conflicts
    await k.ok(["-n", ns, "patch", "configmap", "shared", "--type=merge", "-p", '{"data":{"onlyA":"patched"}}']);
    const c2 = await k.run(["apply", "--server-side", "--field-manager=a", "-f", fa]);
    expect(c2.stderr).toContain('Apply failed with 2 conflicts: conflicts with "b":\n- .data.key\nconflicts with "kubectl-patch" using v1:\n- .data.onlyA');
  });

  it("a deployment's containers merge by name; replicas dropped from the configuration are removed; scale conflicts", async () => {
    const ns = await env.namespace("ssa-lists");
    const k = env.kubectl;
    const web = "      - name: web\n        image: nginx:1.25\n";
    const side = "      - name: sidecar\n        image: busybox\n";
    expect(await k.ok(["apply", "--server-side", "--field-manager=app", "-f", await env.file(`${ns}-d1.yaml`, deploymentYAML(ns, "d", web, 2))])).toBe("deployment.apps/d serverside-applied\n");
    expect(await k.ok(["apply", "--server-side", "--field-manager=mesh", "-f", await env.file(`${ns}-d2.yaml`, deploymentYAML(ns, "d", side))])).toBe("deployment.apps/d serverside-applied\n");
    const d = await k.json<{ spec: { replicas: number; template: { spec: { containers: { name: string; image: string; imagePullPolicy?: string }[] } } } }>(["-n", ns, "get", "deploy", "d"]);
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.template.spec.containers.map((c) => [c.name, c.image])).toEqual([
      ["web", "nginx:1.25"],
      ["sidecar", "busybox"],
    ]);
    // defaulted fields are kept and owned by nobody
    expect(d.spec.template.spec.containers[1]?.imagePullPolicy).toBe("Always");

    // app stops applying replicas: it is removed (not owned by anyone else) and defaulted again
    expect(await k.ok(["apply", "--server-side", "--field-manager=app", "-f", await env.file(`${ns}-d3.yaml`, deploymentYAML(ns, "d", web))])).toBe("deployment.apps/d serverside-applied\n");
    expect(await k.ok(["-n", ns, "get", "deploy", "d", "-o", "jsonpath={.spec.replicas}"])).toBe("1");

    // a scale through kubectl (an Update) takes .spec.replicas; re-applying replicas then conflicts with it
    await k.ok(["-n", ns, "scale", "deploy", "d", "--replicas=3"]);
    const scaled = await k.run(["apply", "--server-side", "--field-manager=app", "-f", await env.file(`${ns}-d4.yaml`, deploymentYAML(ns, "d", web, 5))]);
    // kubectl scale sends no fieldManager: the manager is its User-Agent's product ("kubectl.1.27" for this binary's name)
    expect(scaled.stderr).toContain(`Apply failed with 1 conflict: conflict with "${v.bin.split("/").pop() ?? ""}" with subresource "scale" using apps/v1: .spec.replicas`);

  });

  it("a CR list-map (x-kubernetes-list-type: map) keeps each manager's entries", async () => {
    const ns = await env.namespace("ssa-crd");
    const k = env.kubectl;
    // the CRD itself is created without client-requested field validation: this test is about the CR's apply
    expect(await k.ok(["apply", "--validate=false", "-f", await env.file(`${ns}-crd.yaml`, crdYAML)])).toBe("customresourcedefinition.apiextensions.k8s.io/routers.ssa.kubeforge.dev created\n");
    await k.ok(["wait", "--for=condition=Established", "crd/routers.ssa.kubeforge.dev", "--timeout=10s"]);
    expect(await k.ok(["apply", "--server-side", "--field-manager=team-a", "-f", await env.file(`${ns}-r1.yaml`, routerYAML(ns, { "/a": "svc-a" }))])).toBe("router.ssa.kubeforge.dev/r serverside-applied\n");
    expect(await k.ok(["apply", "--server-side", "--field-manager=team-b", "-f", await env.file(`${ns}-r2.yaml`, routerYAML(ns, { "/b": "svc-b" }))])).toBe("router.ssa.kubeforge.dev/r serverside-applied\n");
    const r = await k.json<Obj & { spec: { routes: { path: string; backend: string }[] } }>(["-n", ns, "get", "router", "r", "--show-managed-fields"]);
    expect(r.spec.routes).toEqual([
      { path: "/a", backend: "svc-a" },
      { path: "/b", backend: "svc-b" },
    ]);
    const owned = Object.fromEntries((r.metadata.managedFields ?? []).map((e) => [e.manager, e.fieldsV1]));
    expect(owned["team-b"]).toEqual({ "f:spec": { "f:routes": { 'k:{"path":"/b"}': { ".": {}, "f:backend": {}, "f:path": {} } } } });
    // team-a drops its route: only team-b's remains
    expect(await k.ok(["apply", "--server-side", "--field-manager=team-a", "-f", await env.file(`${ns}-r3.yaml`, routerYAML(ns, {}).replace("  routes:\n", "  routes: []\n"))])).toBe("router.ssa.kubeforge.dev/r serverside-applied\n");
    expect(await k.ok(["-n", ns, "get", "router", "r", "-o", "jsonpath={.spec.routes[*].path}"])).toBe("/b");
  });

  it("upgrading from client-side apply: kubectl's server-side apply takes the fields it last applied and rewrites the annotation", async () => {
    const ns = await env.namespace("ssa-upgrade");
    const k = env.kubectl;
    expect(await k.ok(["apply", "-f", await env.file(`${ns}-csa.yaml`, configMapYAML(ns, "up", { a: "1", b: "2" }))])).toBe("configmap/up created\n");
    const csa = await k.json<Obj>(["-n", ns, "get", "configmap", "up", "--show-managed-fields"]);
    expect(managers(csa)).toEqual([["kubectl-client-side-apply", "Update"]]);
    // a value change on a field the annotation records is no conflict for manager "kubectl"
    expect(await k.ok(["apply", "--server-side", "-f", await env.file(`${ns}-ssa.yaml`, configMapYAML(ns, "up", { a: "10", b: "2" }))])).toBe("configmap/up serverside-applied\n");
    const up = await k.json<Obj>(["-n", ns, "get", "configmap", "up", "--show-managed-fields"]);
    expect(up.data).toEqual({ a: "10", b: "2" });
    expect(JSON.parse(up.metadata.annotations?.["kubectl.kubernetes.io/last-applied-configuration"] ?? "{}")).toEqual({ apiVersion: "v1", data: { a: "10", b: "2" }, kind: "ConfigMap", metadata: { name: "up", namespace: ns } });
    // kubectl itself first moves the client-side apply manager's fields to an Apply entry "kubectl-last-applied"
    // (a JSON patch of metadata.managedFields, which the server honours); then the value change takes `a` from it
    expect(managers(up).sort()).toEqual([
      ["kubectl", "Apply"],
      ["kubectl-last-applied", "Apply"],
    ]);
    const owned = Object.fromEntries((up.metadata.managedFields ?? []).map((e) => [e.manager, e.fieldsV1]));
    expect(owned.kubectl).toEqual({ "f:data": { "f:a": {}, "f:b": {} } });
    expect(owned["kubectl-last-applied"]).toEqual({ "f:metadata": { "f:annotations": { "f:kubectl.kubernetes.io/last-applied-configuration": {} } } });
    // another field manager gets no such pass
    const other = await k.run(["apply", "--server-side", "--field-manager=other", "-f", await env.file(`${ns}-other.yaml`, configMapYAML(ns, "up", { b: "3" }))]);
    expect(other.stderr).toContain('error: Apply failed with 1 conflict: conflict with "kubectl": .data.b');
    // dry-run=server answers the merged object and stores nothing
    expect(await k.ok(["apply", "--server-side", "--dry-run=server", "-f", await env.file(`${ns}-dry.yaml`, configMapYAML(ns, "up", { a: "99", b: "2" })), "-o", "jsonpath={.data.a}"])).toBe("99");
    expect(await k.ok(["-n", ns, "get", "configmap", "up", "-o", "jsonpath={.data.a}"])).toBe("10");
  });

  it("client-side writes record Update managers named after the User-Agent or --field-manager", async () => {
    const ns = await env.namespace("ssa-update");
    const k = env.kubectl;
    await k.ok(["-n", ns, "create", "configmap", "c", "--from-literal=a=1"]);
    await k.ok(["-n", ns, "label", "configmap", "c", "tier=web"]);
    await k.ok(["-n", ns, "patch", "configmap", "c", "--type=merge", "--field-manager=my-tool", "-p", '{"data":{"b":"2"}}']);
    const c = await k.json<Obj>(["-n", ns, "get", "configmap", "c", "--show-managed-fields"]);
    expect(managers(c)).toEqual([
      ["kubectl-create", "Update"],
      ["kubectl-label", "Update"],
      ["my-tool", "Update"],
    ]);
    const byManager = Object.fromEntries((c.metadata.managedFields ?? []).map((e) => [e.manager, e.fieldsV1]));
    expect(byManager["kubectl-create"]).toEqual({ "f:data": { ".": {}, "f:a": {} } });
    expect(byManager["kubectl-label"]).toEqual({ "f:metadata": { "f:labels": { ".": {}, "f:tier": {} } } });
    expect(byManager["my-tool"]).toEqual({ "f:data": { "f:b": {} } });
    // client-side apply still works on top (it is a strategic merge patch: an Update by "kubectl-client-side-apply")
    const f = await env.file(`${ns}-c.yaml`, configMapYAML(ns, "c", { a: "1", b: "3" }));
    expect(await k.ok(["apply", "-f", f])).toMatch(/^configmap\/c (configured|serverside-applied)\n$/);
    const after = await k.json<Obj>(["-n", ns, "get", "configmap", "c", "--show-managed-fields"]);
    expect(after.data).toEqual({ a: "1", b: "3" });
    expect(managers(after).map(([m]) => m)).toContain("kubectl-client-side-apply");
  });
});

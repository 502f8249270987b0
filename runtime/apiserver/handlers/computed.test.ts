/** Computed read-only resources served by the generic API server over real HTTP (metrics.k8s.io's shape). */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeObject } from "../../core/object.js";
import { MemoryBackend } from "../../storage/memory.js";
import type { ResourceDefinition } from "../resource.js";
import { APIServer } from "../server.js";
import type { ComputedListOptions } from "./computed.js";

const podMetrics: ResourceDefinition = {
  group: "metrics.k8s.io",
  version: "v1beta1",
  namespaced: true,
  names: { plural: "pods", singular: "", kind: "PodMetrics", listKind: "PodMetricsList" },
  table: {
    columns: [
      { name: "Name", type: "string", format: "name", description: "name", priority: 0 },
      { name: "CPU", type: "string", description: "cpu", priority: 0 },
    ],
    cells: (o) => [o.metadata.name ?? "", ((o as { containers?: { usage: { cpu: string } }[] }).containers ?? [])[0]?.usage.cpu ?? ""],
  },
};

const nodeMetrics: ResourceDefinition = {
  group: "metrics.k8s.io",
  version: "v1beta1",
  namespaced: false,
  names: { plural: "nodes", singular: "", kind: "NodeMetrics", listKind: "NodeMetricsList" },
};

function pod(ns: string, name: string, labels: Record<string, string>, cpu: string): KubeObject {
  return { apiVersion: "", kind: "", metadata: { name, namespace: ns, labels, creationTimestamp: "2026-01-01T00:00:00Z" }, timestamp: "2026-01-01T00:00:00Z", window: "30s", containers: [{ name: "c", usage: { cpu, memory: "1Mi" } }] } as KubeObject;
}

const pods = [pod("a", "web-1", { app: "web" }, "10m"), pod("a", "db-1", { app: "db" }, "20m"), pod("b", "web-2", { app: "web" }, "30m")];
const calls: { verb: string; namespace: string; user: string; opts?: ComputedListOptions }[] = [];

let http: Server;
let base: string;

beforeAll(async () => {
  const server = new APIServer({ storage: new MemoryBackend(), authenticate: () => ({ username: "jane", groups: ["system:authenticated"] }) });
  server.installComputedResource(podMetrics, {
    get(ctx, namespace, name) {
      calls.push({ verb: "get", namespace, user: ctx.user.username });
      return pods.find((p) => p.metadata.namespace === namespace && p.metadata.name === name);
    },
    list(ctx, namespace, opts) {
      calls.push({ verb: "list", namespace, user: ctx.user.username, opts });
      // deliberately ignores the selectors: the server applies them
      return namespace ? pods.filter((p) => p.metadata.namespace === namespace) : pods;
    },
  });
  server.installComputedResource(nodeMetrics, {
    get: (_ctx, _ns, name) => (name === "n1" ? ({ apiVersion: "", kind: "", metadata: { name: "n1" }, usage: { cpu: "1" } } as KubeObject) : undefined),
    list: async () => ({ items: [{ apiVersion: "", kind: "", metadata: { name: "n1" }, usage: { cpu: "1" } } as KubeObject], resourceVersion: "42" }),
  });
  http = createServer(server.app);
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => http.close(() => r()));
});

async function get(path: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(base + path, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("computed resources", () => {
  it("are discovered with verbs get and list", async () => {
    const { status, body } = await get("/apis/metrics.k8s.io/v1beta1");
    expect(status).toBe(200);
    expect(body.resources).toEqual([
      expect.objectContaining({ name: "pods", namespaced: true, kind: "PodMetrics", verbs: ["get", "list"] }),
      expect.objectContaining({ name: "nodes", namespaced: false, kind: "NodeMetrics", verbs: ["get", "list"] }),
    ]);
    const groups = await get("/apis");
    expect(groups.body.groups).toEqual([{ name: "metrics.k8s.io", versions: [{ groupVersion: "metrics.k8s.io/v1beta1", version: "v1beta1" }], preferredVersion: { groupVersion: "metrics.k8s.io/v1beta1", version: "v1beta1" } }]);
  });

  it("get returns the computed object with apiVersion and kind, for the request's user", async () => {
    const { status, body } = await get("/apis/metrics.k8s.io/v1beta1/namespaces/a/pods/web-1");
    expect(status).toBe(200);
    expect(body).toMatchObject({ kind: "PodMetrics", apiVersion: "metrics.k8s.io/v1beta1", metadata: { name: "web-1", namespace: "a" }, window: "30s" });
    expect(calls.at(-1)).toMatchObject({ verb: "get", namespace: "a", user: "jane" });
    const node = await get("/apis/metrics.k8s.io/v1beta1/nodes/n1");
    expect(node.body).toMatchObject({ kind: "NodeMetrics", apiVersion: "metrics.k8s.io/v1beta1", metadata: { name: "n1" } });
  });

  it("get of a missing name is a 404 NotFound Status", async () => {
    const { status, body } = await get("/apis/metrics.k8s.io/v1beta1/namespaces/a/pods/nope");
    expect(status).toBe(404);
    expect(body).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'pods.metrics.k8s.io "nope" not found',
      reason: "NotFound",
      details: { name: "nope", group: "metrics.k8s.io", kind: "pods" },
      code: 404,
    });
    expect((await get("/apis/metrics.k8s.io/v1beta1/nodes/n9")).status).toBe(404);
  });

  it("list returns a typed list (items without kind) for a namespace or all of them", async () => {
    const all = await get("/apis/metrics.k8s.io/v1beta1/pods");
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ kind: "PodMetricsList", apiVersion: "metrics.k8s.io/v1beta1", metadata: {} });
    const items = all.body.items as KubeObject[];
    expect(items.map((i) => i.metadata.name)).toEqual(["web-1", "db-1", "web-2"]);
    expect(items[0]).not.toHaveProperty("kind");
    expect(calls.at(-1)).toMatchObject({ verb: "list", namespace: "" });
    const a = await get("/apis/metrics.k8s.io/v1beta1/namespaces/a/pods");
    expect((a.body.items as KubeObject[]).map((i) => i.metadata.name)).toEqual(["web-1", "db-1"]);
    expect(calls.at(-1)).toMatchObject({ verb: "list", namespace: "a" });
    const nodes = await get("/apis/metrics.k8s.io/v1beta1/nodes");
    expect(nodes.body).toMatchObject({ kind: "NodeMetricsList", metadata: { resourceVersion: "42" } });
  });

  it("applies label and field selectors (and hands them to the handler parsed)", async () => {
    const web = await get("/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app%3Dweb");
    expect((web.body.items as KubeObject[]).map((i) => i.metadata.name)).toEqual(["web-1", "web-2"]);
    expect(calls.at(-1)?.opts?.labelSelector?.matches({ app: "web" })).toBe(true);
    const notWeb = await get("/apis/metrics.k8s.io/v1beta1/namespaces/a/pods?labelSelector=app!%3Dweb");
    expect((notWeb.body.items as KubeObject[]).map((i) => i.metadata.name)).toEqual(["db-1"]);
    const byName = await get("/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=metadata.name%3Dweb-2");
    expect((byName.body.items as KubeObject[]).map((i) => i.metadata.name)).toEqual(["web-2"]);
    const byNs = await get("/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=metadata.namespace%3Db");
    expect((byNs.body.items as KubeObject[]).map((i) => i.metadata.name)).toEqual(["web-2"]);
    const bad = await get("/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=spec.nodeName%3Dx");
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ reason: "BadRequest", message: "field label not supported: spec.nodeName" });
    const badLabels = await get("/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app%20in");
    expect(badLabels.status).toBe(400);
  });

  it("serves Tables (kubectl get) with the definition's columns", async () => {
    const accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    const list = await get("/apis/metrics.k8s.io/v1beta1/namespaces/a/pods?labelSelector=app%3Dweb", { headers: { accept } });
    expect(list.body).toMatchObject({ kind: "Table", apiVersion: "meta.k8s.io/v1", columnDefinitions: [{ name: "Name" }, { name: "CPU" }] });
    expect((list.body.rows as { cells: unknown[]; object: KubeObject }[]).map((r) => r.cells)).toEqual([["web-1", "10m"]]);
    expect((list.body.rows as { object: KubeObject }[])[0]?.object).toMatchObject({ kind: "PartialObjectMetadata", metadata: { name: "web-1" } });
    const one = await get("/apis/metrics.k8s.io/v1beta1/namespaces/b/pods/web-2", { headers: { accept } });
    expect((one.body.rows as { cells: unknown[] }[])[0]?.cells).toEqual(["web-2", "30m"]);
    const nodes = await get("/apis/metrics.k8s.io/v1beta1/nodes", { headers: { accept } });
    expect((nodes.body.columnDefinitions as { name: string }[]).map((c) => c.name)).toEqual(["Name", "Created At"]);
  });

  it("answers other verbs with 405 and subresources with 404", async () => {
    const post = await get("/apis/metrics.k8s.io/v1beta1/namespaces/a/pods", { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(post.status).toBe(405);
    expect(post.body).toMatchObject({ kind: "Status", reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource", code: 405 });
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      expect((await get("/apis/metrics.k8s.io/v1beta1/namespaces/a/pods/web-1", { method, body: "{}", headers: { "content-type": "application/merge-patch+json" } })).status).toBe(405);
    }
    const watch = await get("/apis/metrics.k8s.io/v1beta1/pods?watch=true");
    expect(watch.status).toBe(405);
    expect(watch.body).toMatchObject({ reason: "MethodNotAllowed", message: 'watch is not supported on resources of kind "pods.metrics.k8s.io"' });
    expect((await get("/apis/metrics.k8s.io/v1beta1/namespaces/a/pods/web-1/status")).status).toBe(404);
    expect((await get("/apis/metrics.k8s.io/v1beta1/pods/web-1")).status).toBe(404);
  });

  it("publish an OpenAPI v3 document for their group-version", async () => {
    const res = await fetch(`${base}/openapi/v3/apis/metrics.k8s.io/v1beta1`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain("/apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods/{name}");
  });
});

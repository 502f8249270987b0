/** RESTMapper: aggregated discovery, refresh on unknown kinds (counted at the server), rate limiting, legacy fallback. */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResourceDefinition } from "../apiserver/resource.js";
import type { KubeObject } from "../core/object.js";
import { startControlPlane, type RunningControlPlane } from "../testing/index.js";
import { Client, DiscoveryRESTMapper, NoKindMatchError, TokenBucket, Transport, isNoKindMatch, isNotFound } from "./index.js";

let cp: RunningControlPlane;
/** Discovery requests the server saw: "path accept". */
let discovery: string[] = [];

beforeAll(async () => {
  cp = await startControlPlane();
  const server = cp.controlPlane.server;
  const orig = server.handle.bind(server);
  server.handle = (req, res) => {
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (/^\/apis?(\/[^/]+){0,2}$/.test(path) && !path.includes("/namespaces")) discovery.push(`${path} ${String(req.headers.accept)}`);
    return orig(req, res);
  };
});

afterAll(async () => {
  await cp?.stop();
});

function widgetDef(kind: string, plural: string, group = "test.kubeforge.dev"): ResourceDefinition {
  return {
    group,
    version: "v1",
    names: { plural, singular: plural.replace(/s$/, ""), kind, listKind: `${kind}List` },
    namespaced: true,
    statusSubresource: true,
    scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" },
  };
}

describe("DiscoveryRESTMapper against the local control plane", () => {
  it("loads aggregated discovery once (/api and /apis) and maps kinds to resources and scope", async () => {
    const mapper = new DiscoveryRESTMapper(new Transport(cp.kubeConfig, { qps: 0 }));
    discovery = [];
    const dep = await mapper.mapping("apps/v1", "Deployment");
    expect(dep).toEqual({
      groupVersionKind: { group: "apps", version: "v1", kind: "Deployment" },
      resource: { group: "apps", version: "v1", resource: "deployments" },
      namespaced: true,
      subresources: ["scale", "status"],
    });
    expect(await mapper.mapping("v1", "Namespace")).toMatchObject({ resource: { resource: "namespaces" }, namespaced: false });
    expect(await mapper.mapping("rbac.authorization.k8s.io/v1", "ClusterRole")).toMatchObject({ namespaced: false });
    expect(discovery.map((d) => d.split(" ")[0]).sort()).toEqual(["/api", "/apis"]);
    expect(discovery.every((d) => d.includes("as=APIGroupDiscoveryList"))).toBe(true);
    expect(mapper.loads).toBe(1);
  });

  it("an unknown kind triggers exactly one refresh, then NoKindMatchError naming kind and apiVersion", async () => {
    const mapper = new DiscoveryRESTMapper(new Transport(cp.kubeConfig, { qps: 0 }));
    await mapper.mapping("v1", "ConfigMap");
    discovery = [];
    const err = await mapper.mapping("nope.kubeforge.dev/v1", "Gizmo").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoKindMatchError);
    expect(isNoKindMatch(err)).toBe(true);
    expect((err as NoKindMatchError).message).toBe('no matches for kind "Gizmo" in version "nope.kubeforge.dev/v1"');
    expect((err as NoKindMatchError).apiVersion).toBe("nope.kubeforge.dev/v1");
    expect((err as NoKindMatchError).kind).toBe("Gizmo");
    expect(discovery.map((d) => d.split(" ")[0]).sort()).toEqual(["/api", "/apis"]);
    expect(mapper.loads).toBe(2);
    // a known kind in an unknown version is unknown too
    await expect(mapper.mapping("apps/v2", "Deployment")).rejects.toThrow('no matches for kind "Deployment" in version "apps/v2"');
  });

  it("concurrent lookups of an unknown kind share one refresh", async () => {
    const mapper = new DiscoveryRESTMapper(new Transport(cp.kubeConfig, { qps: 0 }));
    await mapper.mapping("v1", "ConfigMap");
    discovery = [];
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => mapper.mapping("nope.kubeforge.dev/v1", "Gizmo")));
    expect(results.every((r) => r.status === "rejected" && r.reason instanceof NoKindMatchError)).toBe(true);
    expect(discovery).toHaveLength(2);
  });

  it("refreshes are rate-limited: an empty bucket fails at once without a request", async () => {
    const mapper = new DiscoveryRESTMapper(new Transport(cp.kubeConfig, { qps: 0 }), { refreshLimiter: new TokenBucket(0.01, 1) });
    await mapper.mapping("v1", "ConfigMap"); // the initial load is not limited
    discovery = [];
    await expect(mapper.mapping("nope.kubeforge.dev/v1", "Gizmo")).rejects.toThrow(/^no matches for kind "Gizmo" in version "nope.kubeforge.dev\/v1"$/);
    expect(discovery).toHaveLength(2);
    await expect(mapper.mapping("nope.kubeforge.dev/v1", "Gizmo")).rejects.toThrow(/rate-limited/);
    expect(discovery).toHaveLength(2);
    // known kinds are still served from the cache
    expect((await mapper.mapping("apps/v1", "Deployment")).resource.resource).toBe("deployments");
  });

  it("a kind that appears after the first load (like a new CRD) is found through one refresh", async () => {
    const client = new Client(cp.kubeConfig, { qps: 0 });
    try {
      await client.list({ apiVersion: "v1", kind: "ConfigMap" }, { namespace: "default" });
      cp.controlPlane.server.installResource(widgetDef("Widget", "widgets"));
      discovery = [];
      const w = await client.create<KubeObject & { spec: { replicas: number } }>({ apiVersion: "test.kubeforge.dev/v1", kind: "Widget", metadata: { name: "w1", namespace: "default" }, spec: { replicas: 2 } });
      expect(w.metadata.uid).toBeTruthy();
      expect(discovery).toHaveLength(2);
      const m = await client.mapping({ apiVersion: "test.kubeforge.dev/v1", kind: "Widget" });
      expect(m).toMatchObject({ resource: { resource: "widgets" }, namespaced: true, subresources: ["scale", "status"] });
      // and its subresources work through the client
      const scale = await client.scale().update(w, { spec: { replicas: 4 } });
      expect(scale.spec?.replicas).toBe(4);
      const st = await client.status().update({ ...(await client.get(w)), status: { replicas: 4 } });
      expect(st.status).toEqual({ replicas: 4 });
      await client.delete(w);
      await expect(client.get(w)).rejects.toSatisfy(isNotFound);
      expect(discovery).toHaveLength(2);
    } finally {
      client.close();
    }
  });

  it("a discovery failure is reported as such, not as NoKindMatchError", async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "dead", server: "https://127.0.0.1:1", skipTLSVerify: true }],
      users: [{ name: "u" }],
      contexts: [{ name: "dead", cluster: "dead", user: "u" }],
      currentContext: "dead",
    });
    const mapper = new DiscoveryRESTMapper(new Transport(kc, { qps: 0 }));
    const err = await mapper.mapping("v1", "Pod").catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(NoKindMatchError);
    expect((err as Error).name).toBe("TransportError");
  });
});

describe("legacy discovery fallback", () => {
  let server: http.Server;
  let url = "";
  const hits: string[] = [];

  const docs: Record<string, unknown> = {
    "/api": { kind: "APIVersions", versions: ["v1"] },
    "/api/v1": {
      kind: "APIResourceList",
      groupVersion: "v1",
      resources: [
        { name: "pods", singularName: "pod", namespaced: true, kind: "Pod", verbs: ["get"] },
        { name: "pods/status", singularName: "", namespaced: true, kind: "Pod", verbs: ["get"] },
        { name: "pods/binding", singularName: "", namespaced: true, kind: "Binding", verbs: ["create"] },
        { name: "nodes", singularName: "node", namespaced: false, kind: "Node", verbs: ["get"] },
      ],
    },
    "/apis": {
      kind: "APIGroupList",
      apiVersion: "v1",
      groups: [
        { name: "apps", versions: [{ groupVersion: "apps/v1", version: "v1" }], preferredVersion: { groupVersion: "apps/v1", version: "v1" } },
        { name: "broken.example.com", versions: [{ groupVersion: "broken.example.com/v1", version: "v1" }] },
      ],
    },
    "/apis/apps/v1": {
      kind: "APIResourceList",
      groupVersion: "apps/v1",
      resources: [
        { name: "deployments", singularName: "deployment", namespaced: true, kind: "Deployment", verbs: ["get"] },
        { name: "deployments/scale", singularName: "", namespaced: true, group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get"] },
      ],
    },
  };

  beforeAll(async () => {
    server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
      hits.push(req.url ?? "");
      const doc = docs[req.url ?? ""];
      if (!doc) {
        res.writeHead(503, { "Content-Type": "text/plain" }).end("unavailable");
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(doc)); // ignores Accept: a pre-1.26 server
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it("walks /api, /apis and every group-version; skips a broken group-version; subresources recorded", async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "legacy", server: url, skipTLSVerify: true }],
      users: [{ name: "u" }],
      contexts: [{ name: "legacy", cluster: "legacy", user: "u" }],
      currentContext: "legacy",
    });
    const mapper = new DiscoveryRESTMapper(new Transport(kc, { qps: 0, maxRetries: 0 }));
    expect(await mapper.mapping("v1", "Pod")).toEqual({
      groupVersionKind: { group: "", version: "v1", kind: "Pod" },
      resource: { group: "", version: "v1", resource: "pods" },
      namespaced: true,
      subresources: ["status", "binding"],
    });
    expect(await mapper.mapping("v1", "Node")).toMatchObject({ namespaced: false });
    expect(await mapper.mapping("apps/v1", "Deployment")).toMatchObject({ resource: { resource: "deployments" }, subresources: ["scale"] });
    // subresource kinds are not top-level kinds
    await expect(mapper.mapping("v1", "Binding")).rejects.toBeInstanceOf(NoKindMatchError);
    expect(hits.slice(0, 5).sort()).toEqual(["/api", "/api/v1", "/apis", "/apis/apps/v1", "/apis/broken.example.com/v1"]);
  });
});

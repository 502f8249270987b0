/**
 * Object semantics through the HTTP API: system metadata, generateName, optimistic concurrency, dry run,
 * pagination, finalizers, owner references with background / foreground / orphan deletion, namespace lifecycle,
 * discovery and tables.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane, type RunningControlPlane } from "../../runtime/testing/index.js";
import { api } from "../support/http.js";

let cp: RunningControlPlane;

interface Obj {
  metadata: { name: string; uid: string; resourceVersion: string; generation?: number; creationTimestamp: string; deletionTimestamp?: string; finalizers?: string[]; ownerReferences?: unknown[] };
  [k: string]: unknown;
}

beforeAll(async () => {
  cp = await startControlPlane();
});

afterAll(async () => {
  await cp?.stop();
});

async function ns(name: string): Promise<string> {
  const r = await api(cp, "POST", "/api/v1/namespaces", { body: { metadata: { name } } });
  expect(r.status).toBe(201);
  return name;
}

async function create(path: string, body: object): Promise<Obj> {
  const r = await api(cp, "POST", path, { body });
  expect(r.status, r.text).toBe(201);
  return r.json as Obj;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("condition not met in time");
}

const gone = (path: string) => async () => (await api(cp, "GET", path)).status === 404;

describe("object semantics", () => {
  it("default namespaces exist at start", async () => {
    const r = await api(cp, "GET", "/api/v1/namespaces");
    const names = (r.json as { items: Obj[] }).items.map((i) => i.metadata.name);
    expect(names).toEqual(expect.arrayContaining(["default", "kube-system", "kube-public", "kube-node-lease"]));
  });

  it("fills uid, creationTimestamp, resourceVersion, generation and generateName", async () => {
    const n = await ns("sem-meta");
    const d = await create(`/apis/apps/v1/namespaces/${n}/deployments`, {
      metadata: { generateName: "web-" },
      spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
    });
    expect(d.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(d.metadata.generation).toBe(1);
    expect(d.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const spec = d.spec as { replicas: number };
    expect(spec.replicas).toBe(1);
    // a spec change bumps generation; a label change does not
    const p1 = await api(cp, "PATCH", `/apis/apps/v1/namespaces/${n}/deployments/${d.metadata.name}`, { body: { spec: { replicas: 3 } }, contentType: "application/merge-patch+json" });
    expect((p1.json as Obj).metadata.generation).toBe(2);
    const p2 = await api(cp, "PATCH", `/apis/apps/v1/namespaces/${n}/deployments/${d.metadata.name}`, { body: { metadata: { labels: { x: "y" } } }, contentType: "application/merge-patch+json" });
    expect((p2.json as Obj).metadata.generation).toBe(2);
  });

  it("rejects a stale resourceVersion with 409 Conflict", async () => {
    const n = await ns("sem-conflict");
    const c = await create(`/api/v1/namespaces/${n}/configmaps`, { metadata: { name: "c" }, data: { a: "1" } });
    const ok = await api(cp, "PUT", `/api/v1/namespaces/${n}/configmaps/c`, { body: { ...c, data: { a: "2" } } });
    expect(ok.status).toBe(200);
    const stale = await api(cp, "PUT", `/api/v1/namespaces/${n}/configmaps/c`, { body: { ...c, data: { a: "3" } } });
    expect(stale.status).toBe(409);
    expect((stale.json as { message: string }).message).toBe('Operation cannot be fulfilled on configmaps "c": the object has been modified; please apply your changes to the latest version and try again');
  });

  it("dryRun=All validates and returns the result without storing it", async () => {
    const n = await ns("sem-dryrun");
    const r = await api(cp, "POST", `/api/v1/namespaces/${n}/configmaps?dryRun=All`, { body: { metadata: { name: "dry" } } });
    expect(r.status).toBe(201);
    expect((r.json as Obj).metadata.uid).toBeTruthy();
    expect((await api(cp, "GET", `/api/v1/namespaces/${n}/configmaps/dry`)).status).toBe(404);
    const bad = await api(cp, "POST", `/api/v1/namespaces/${n}/configmaps?dryRun=Some`, { body: { metadata: { name: "dry" } } });
    expect(bad.status).toBe(422);
  });

  it("paginates with limit/continue over a consistent snapshot", async () => {
    const n = await ns("sem-pages");
    for (let i = 0; i < 7; i++) await create(`/api/v1/namespaces/${n}/configmaps`, { metadata: { name: `c${i}` } });
    const p1 = (await api(cp, "GET", `/api/v1/namespaces/${n}/configmaps?limit=3`)).json as { items: Obj[]; metadata: { continue: string; remainingItemCount: number; resourceVersion: string } };
    expect(p1.items.map((i) => i.metadata.name)).toEqual(["c0", "c1", "c2"]);
    expect(p1.metadata.remainingItemCount).toBe(4);
    // a write between pages does not show up in the rest of the snapshot
    await create(`/api/v1/namespaces/${n}/configmaps`, { metadata: { name: "c3a" } });
    const p2 = (await api(cp, "GET", `/api/v1/namespaces/${n}/configmaps?limit=3&continue=${encodeURIComponent(p1.metadata.continue)}`)).json as { items: Obj[]; metadata: { continue: string; resourceVersion: string } };
    expect(p2.items.map((i) => i.metadata.name)).toEqual(["c3", "c4", "c5"]);
    expect(p2.metadata.resourceVersion).toBe(p1.metadata.resourceVersion);
    const p3 = (await api(cp, "GET", `/api/v1/namespaces/${n}/configmaps?limit=3&continue=${encodeURIComponent(p2.metadata.continue)}`)).json as { items: Obj[]; metadata: { continue?: string } };
    expect(p3.items.map((i) => i.metadata.name)).toEqual(["c6"]);
    expect(p3.metadata.continue).toBeUndefined();
  });

  it("finalizers hold a deleted object until removed", async () => {
    const n = await ns("sem-finalizers");
    await create(`/api/v1/namespaces/${n}/configmaps`, { metadata: { name: "held", finalizers: ["example.com/hold"] } });
    const del = await api(cp, "DELETE", `/api/v1/namespaces/${n}/configmaps/held`);
    expect(del.status).toBe(200);
    const held = (await api(cp, "GET", `/api/v1/namespaces/${n}/configmaps/held`)).json as Obj;
    expect(held.metadata.deletionTimestamp).toBeTruthy();
    await api(cp, "PATCH", `/api/v1/namespaces/${n}/configmaps/held`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });
    expect((await api(cp, "GET", `/api/v1/namespaces/${n}/configmaps/held`)).status).toBe(404);
  });

  it("garbage-collects dependents in the background, in the foreground, and orphans them", async () => {
    const n = await ns("sem-gc");
    const base = `/api/v1/namespaces/${n}/configmaps`;
    const dependent = (name: string, owner: Obj, block = false) =>
      create(base, { metadata: { name, ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: owner.metadata.name, uid: owner.metadata.uid, blockOwnerDeletion: block }] } });

    const bg = await create(base, { metadata: { name: "bg" } });
    await dependent("bg-child", bg);
    await api(cp, "DELETE", `${base}/bg`);
    await eventually(gone(`${base}/bg-child`));

    const fg = await create(base, { metadata: { name: "fg" } });
    await dependent("fg-child", fg, true);
    await create(base, { metadata: { name: "fg-grandchild", ownerReferences: [] } });
    const del = await api(cp, "DELETE", `${base}/fg`, { body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Foreground" } });
    expect((del.json as Obj).metadata.finalizers).toContain("foregroundDeletion");
    await eventually(gone(`${base}/fg`));
    expect((await api(cp, "GET", `${base}/fg-child`)).status).toBe(404);

    const or = await create(base, { metadata: { name: "or" } });
    await dependent("or-child", or);
    await api(cp, "DELETE", `${base}/or?propagationPolicy=Orphan`);
    await eventually(gone(`${base}/or`));
    const child = (await api(cp, "GET", `${base}/or-child`)).json as Obj;
    expect(child.metadata.name).toBe("or-child");
    expect(child.metadata.ownerReferences).toBeUndefined();
  });

  it("deletes a namespace's contents, then the namespace; no new content while terminating", async () => {
    const n = await ns("sem-nsdel");
    await create(`/api/v1/namespaces/${n}/configmaps`, { metadata: { name: "a" } });
    await create(`/api/v1/namespaces/${n}/configmaps`, { metadata: { name: "held", finalizers: ["example.com/hold"] } });
    await create(`/api/v1/namespaces/${n}/secrets`, { metadata: { name: "s" }, stringData: { k: "v" } });
    const del = await api(cp, "DELETE", `/api/v1/namespaces/${n}`);
    expect(del.status).toBe(200);
    await eventually(async () => (await api(cp, "GET", `/api/v1/namespaces/${n}/configmaps/a`)).status === 404);
    const term = (await api(cp, "GET", `/api/v1/namespaces/${n}`)).json as { status: { phase: string } };
    expect(term.status.phase).toBe("Terminating");
    const refused = await api(cp, "POST", `/api/v1/namespaces/${n}/configmaps`, { body: { metadata: { name: "late" } } });
    expect(refused.status).toBe(403);
    expect((refused.json as { message: string }).message).toBe(`configmaps "late" is forbidden: unable to create new content in namespace ${n} because it is being terminated`);
    await api(cp, "PATCH", `/api/v1/namespaces/${n}/configmaps/held`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });
    await eventually(gone(`/api/v1/namespaces/${n}`));
  });

  it("refuses objects in a namespace that does not exist and deleting system namespaces", async () => {
    const r = await api(cp, "POST", "/api/v1/namespaces/nowhere/configmaps", { body: { metadata: { name: "x" } } });
    expect(r.status).toBe(404);
    expect((r.json as { message: string }).message).toBe('namespaces "nowhere" not found');
    const d = await api(cp, "DELETE", "/api/v1/namespaces/default");
    expect(d.status).toBe(403);
  });

  it("serves tables with kube-apiserver's columns", async () => {
    const r = await api(cp, "GET", "/api/v1/namespaces/default/configmaps", { headers: { Accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json" } });
    const t = r.json as { kind: string; columnDefinitions: { name: string }[] };
    expect(t.kind).toBe("Table");
    expect(t.columnDefinitions.map((c) => c.name)).toEqual(["Name", "Data", "Age"]);
  });

  it("serves legacy and aggregated discovery", async () => {
    const legacy = (await api(cp, "GET", "/apis")).json as { kind: string; groups: { name: string }[] };
    expect(legacy.kind).toBe("APIGroupList");
    expect(legacy.groups.map((g) => g.name)).toEqual(expect.arrayContaining(["apps", "events.k8s.io", "rbac.authorization.k8s.io", "coordination.k8s.io"]));
    const agg = await api(cp, "GET", "/apis", { headers: { Accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json" } });
    expect(agg.headers["content-type"]).toBe("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    expect((agg.json as { kind: string }).kind).toBe("APIGroupDiscoveryList");
    const core = (await api(cp, "GET", "/api/v1")).json as { resources: { name: string }[] };
    expect(core.resources.map((r) => r.name)).toEqual(expect.arrayContaining(["pods", "pods/status", "pods/binding", "namespaces/finalize", "configmaps"]));
  });
});

describe("subresources and routes", () => {
  it("pods/binding assigns a node once", async () => {
    const n = await ns("sem-binding");
    await create(`/api/v1/namespaces/${n}/pods`, { metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "nginx" }] } });
    const bind = await api(cp, "POST", `/api/v1/namespaces/${n}/pods/p/binding`, { body: { apiVersion: "v1", kind: "Binding", metadata: { name: "p" }, target: { kind: "Node", name: "n1" } } });
    expect(bind.status, bind.text).toBe(201);
    const pod = (await api(cp, "GET", `/api/v1/namespaces/${n}/pods/p`)).json as { spec: { nodeName: string } };
    expect(pod.spec.nodeName).toBe("n1");
    const again = await api(cp, "POST", `/api/v1/namespaces/${n}/pods/p/binding`, { body: { apiVersion: "v1", kind: "Binding", metadata: { name: "p" }, target: { kind: "Node", name: "n2" } } });
    expect(again.status).toBe(409);
  });

  it("the all-namespaces path of a namespaced resource serves only list and watch", async () => {
    expect((await api(cp, "DELETE", "/api/v1/configmaps?labelSelector=x%3Dy")).status).toBe(405);
    expect((await api(cp, "POST", "/api/v1/configmaps", { body: { metadata: { name: "x", namespace: "default" } } })).status).toBe(405);
    expect((await api(cp, "GET", "/api/v1/configmaps")).status).toBe(200);
  });
});

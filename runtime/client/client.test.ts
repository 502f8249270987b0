/** The client against the local control plane: CRUD, selectors and paging, patches, subresources, warnings, keep-alive. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeObject } from "../core/object.js";
import { parseSelector } from "../core/labels.js";
import { startControlPlane, type RunningControlPlane } from "../testing/index.js";
import {
  Client,
  ConflictError,
  createMergePatch,
  mergeFrom,
  mergePatch,
  jsonPatch,
  strategicMergePatch,
  NotFoundError,
  isNotFound,
  type WarningInfo,
} from "./index.js";

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

interface Deployment extends KubeObject {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: { containers: { name: string; image: string }[] } };
  };
  status?: { replicas?: number; readyReplicas?: number; observedGeneration?: number };
}

const CM = { apiVersion: "v1", kind: "ConfigMap" } as const;
const DEP = { apiVersion: "apps/v1", kind: "Deployment" } as const;

let cp: RunningControlPlane;
let client: Client;

beforeAll(async () => {
  cp = await startControlPlane();
  client = new Client(cp.kubeConfig, { qps: 0, fieldManager: "client-test" });
});

afterAll(async () => {
  client?.close();
  await cp?.stop();
});

async function namespace(name: string): Promise<string> {
  await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
  return name;
}

function configMap(ns: string, name: string, data: Record<string, string> = {}, labels?: Record<string, string>): ConfigMap {
  return { ...CM, metadata: { name, namespace: ns, ...(labels ? { labels } : {}) }, data };
}

function deployment(ns: string, name: string, replicas = 1): Deployment {
  return {
    ...DEP,
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "nginx" }] } },
    },
  };
}

describe("CRUD", () => {
  it("typed objects: create, get, update, patch, delete", async () => {
    const ns = await namespace("crud-typed");
    const input = deployment(ns, "web", 2);
    const frozen = structuredClone(input);
    const created = await client.create<Deployment>(input);
    expect(input).toEqual(frozen); // arguments are never mutated
    expect(created.metadata.uid).toBeTruthy();
    expect(created.metadata.generation).toBe(1);
    expect(created.spec.replicas).toBe(2);

    const got = await client.get<Deployment>({ ...DEP, namespace: ns, name: "web" });
    expect(got.apiVersion).toBe("apps/v1");
    expect(got.kind).toBe("Deployment");
    expect(got.spec.selector.matchLabels).toEqual({ app: "web" });

    got.spec.replicas = 3;
    const updated = await client.update(got);
    expect(updated.spec.replicas).toBe(3);
    expect(updated.metadata.generation).toBe(2);

    const patched = await client.patch(updated, mergePatch({ metadata: { labels: { tier: "front" } } }));
    expect(patched.metadata.labels).toEqual({ tier: "front" });

    await client.delete(patched);
    await expect(client.get({ ...DEP, namespace: ns, name: "web" })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("unstructured objects: any kind by apiVersion/kind, plain JSON in and out", async () => {
    const ns = await namespace("crud-unstructured");
    const obj: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "u", namespace: ns }, data: { a: "1" } };
    const created = await client.create(obj);
    expect(Object.getPrototypeOf(created)).toBe(Object.prototype);
    expect(created.data).toEqual({ a: "1" });
    const got = await client.get({ apiVersion: "v1", kind: "ConfigMap", name: "u", namespace: ns });
    expect(JSON.parse(JSON.stringify(got))).toEqual(got);
    const upd = await client.update({ ...got, data: { a: "2" } });
    expect(upd.data).toEqual({ a: "2" });
    // a cluster-scoped kind, namespace ignored
    const nsObj = await client.get({ apiVersion: "v1", kind: "Namespace", name: ns, namespace: "ignored" });
    expect(nsObj.metadata.name).toBe(ns);
  });

  it("create with generateName, dryRun does not persist", async () => {
    const ns = await namespace("crud-misc");
    const gen = await client.create<ConfigMap>({ ...CM, metadata: { generateName: "g-", namespace: ns } });
    expect(gen.metadata.name).toMatch(/^g-[a-z0-9]{5}$/);
    const dry = await client.create(configMap(ns, "dry"), { dryRun: true });
    expect(dry.metadata.name).toBe("dry");
    await expect(client.get({ ...CM, namespace: ns, name: "dry" })).rejects.toSatisfy(isNotFound);
  });

  it("refuses to guess: missing namespace, name, apiVersion/kind are TypeErrors before any request", async () => {
    const before = client.transport.stats.requests;
    await expect(client.get({ ...CM, name: "x" })).rejects.toThrow(/ConfigMap is namespaced; a namespace is required/);
    await expect(client.get({ ...CM, namespace: "default", name: "" })).rejects.toThrow(/needs a name/);
    await expect(client.get({ ...CM, namespace: "default", name: "../x" })).rejects.toThrow(TypeError);
    await expect(client.create({ metadata: { name: "x" } } as KubeObject)).rejects.toThrow(/apiVersion and kind are required/);
    // at most the discovery load happened
    expect(client.transport.stats.requests - before).toBeLessThanOrEqual(2);
  });
});

describe("list", () => {
  it("label and field selectors in every form; list items carry apiVersion/kind", async () => {
    const ns = await namespace("list-sel");
    await client.create(configMap(ns, "a", {}, { app: "x", tier: "front" }));
    await client.create(configMap(ns, "b", {}, { app: "x", tier: "back" }));
    await client.create(configMap(ns, "c", {}, { app: "y" }));
    const names = (l: { items: KubeObject[] }): string[] => l.items.map((i) => i.metadata.name ?? "").sort();

    expect(names(await client.list(CM, { namespace: ns, labelSelector: "app=x" }))).toEqual(["a", "b"]);
    expect(names(await client.list(CM, { namespace: ns, labelSelector: parseSelector("app=x,tier!=front") }))).toEqual(["b"]);
    expect(names(await client.list(CM, { namespace: ns, labelSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["y"] }] } }))).toEqual(["c"]);
    expect(names(await client.list(CM, { namespace: ns, fieldSelector: { "metadata.name": "c" } }))).toEqual(["c"]);
    expect(names(await client.list(CM, { namespace: ns, fieldSelector: "metadata.name!=c", labelSelector: { matchLabels: { app: "x" } } }))).toEqual(["a", "b"]);

    const list = await client.list<ConfigMap>(CM, { namespace: ns });
    expect(list.kind).toBe("ConfigMapList");
    expect(list.metadata.resourceVersion).toBeTruthy();
    for (const item of list.items) {
      expect(item.apiVersion).toBe("v1");
      expect(item.kind).toBe("ConfigMap");
    }
    // all namespaces
    const all = await client.list(CM, { labelSelector: "app" });
    expect(all.items.filter((i) => i.metadata.namespace === ns)).toHaveLength(3);
  });

  it("pagination: limit/continue by hand and listAll following continue", async () => {
    const ns = await namespace("list-page");
    for (let i = 0; i < 25; i++) await client.create(configMap(ns, `cm-${String(i).padStart(2, "0")}`));
    const p1 = await client.list(CM, { namespace: ns, limit: 10 });
    expect(p1.items).toHaveLength(10);
    expect(p1.metadata.continue).toBeTruthy();
    expect(p1.metadata.remainingItemCount).toBe(15);
    const p2 = await client.list(CM, { namespace: ns, limit: 10, continue: p1.metadata.continue });
    expect(p2.items[0]?.metadata.name).toBe("cm-10");

    const before = client.transport.stats.requests;
    const all = await client.listAll<ConfigMap>(CM, { namespace: ns, limit: 7 });
    expect(client.transport.stats.requests - before).toBe(4); // 7 + 7 + 7 + 4
    expect(all.items.map((i) => i.metadata.name)).toEqual(Array.from({ length: 25 }, (_, i) => `cm-${String(i).padStart(2, "0")}`));
    expect(all.metadata.continue).toBeUndefined();
    expect(all.metadata.resourceVersion).toBe(p1.metadata.resourceVersion);
    expect(all.items.every((i) => i.kind === "ConfigMap")).toBe(true);
  });

  it("listAll restarts with a full list when the continue token has expired (410)", async () => {
    const small = await startControlPlane({ historyCapacity: 5 });
    const c = new Client(small.kubeConfig, { qps: 0 });
    const churner = new Client(small.kubeConfig, { qps: 0 });
    const server = small.controlPlane.server;
    const orig = server.handle.bind(server);
    const codes: number[] = [];
    try {
      await c.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "exp" } });
      for (let i = 0; i < 6; i++) await c.create(configMap("exp", `x${i}`));
      let churned = false;
      server.handle = async (req, res) => {
        if (req.url?.startsWith("/api/v1/namespaces/exp/configmaps")) {
          // before the second page: enough writes that the first page's snapshot leaves the history
          if (req.url.includes("continue=") && !churned) {
            churned = true;
            for (let i = 0; i < 20; i++) await churner.create(configMap("default", `churn${i}`));
          }
          res.on("finish", () => codes.push(res.statusCode));
        }
        return orig(req, res);
      };
      const before = c.transport.stats.requests;
      const all = await c.listAll(CM, { namespace: "exp", limit: 2 });
      expect(codes).toEqual([200, 410, 200]);
      expect(c.transport.stats.requests - before).toBe(3);
      expect(all.items.map((i) => i.metadata.name)).toEqual(["x0", "x1", "x2", "x3", "x4", "x5"]);
    } finally {
      server.handle = orig;
      c.close();
      churner.close();
      await small.stop();
    }
  });
});

describe("patch", () => {
  it("merge, JSON and strategic merge patches", async () => {
    const ns = await namespace("patch-kinds");
    await client.create(deployment(ns, "p"));
    const ref = { ...DEP, namespace: ns, name: "p" };
    const merged = await client.patch<Deployment>(ref, mergePatch({ spec: { replicas: 4 } }));
    expect(merged.spec.replicas).toBe(4);
    const json = await client.patch<Deployment>(ref, jsonPatch([{ op: "replace", path: "/spec/replicas", value: 5 }]));
    expect(json.spec.replicas).toBe(5);
    // strategic: containers merge by name instead of replacing the list
    const smp = await client.patch<Deployment>(ref, strategicMergePatch({ spec: { template: { spec: { containers: [{ name: "sidecar", image: "busybox" }] } } } }));
    expect(smp.spec.template.spec.containers.map((c) => c.name).sort()).toEqual(["c", "sidecar"]);
  });

  it("mergeFrom computes the diff; with optimisticLock a stale original is a ConflictError", async () => {
    const ns = await namespace("patch-from");
    const created = await client.create<ConfigMap>(configMap(ns, "m", { a: "1", b: "2" }));
    const modified = structuredClone(created);
    modified.data = { a: "1", c: "3" };
    const out = await client.patch(modified, mergeFrom(created));
    expect(out.data).toEqual({ a: "1", c: "3" });

    // `created` is now stale
    const again = structuredClone(created);
    again.data = { z: "9" };
    const err = await client.patch(again, mergeFrom(created, { optimisticLock: true })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    const fresh = await client.get<ConfigMap>(created);
    const ok = await client.patch({ ...fresh, data: { z: "9" } }, mergeFrom(fresh, { optimisticLock: true }));
    expect(ok.data).toEqual({ z: "9" });
  });

  it("createMergePatch: changed and added fields, removed fields as null, arrays whole, nothing for equal objects", () => {
    expect(createMergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1, 2] }, { a: 1, b: { c: 5 }, e: [1], f: "new" })).toEqual({ b: { c: 5, d: null }, e: [1], f: "new" });
    expect(createMergePatch({ a: { b: [1] } }, { a: { b: [1] } })).toEqual({});
    expect(createMergePatch({ a: { b: 1 } }, { a: "scalar" })).toEqual({ a: "scalar" });
  });

  it("server-side apply creates, updates, conflicts with another manager (409) and force takes over", async () => {
    const ns = await namespace("patch-apply");
    const created = await client.apply(configMap(ns, "ssa", { a: "1", b: "2" }));
    expect(created.data).toEqual({ a: "1", b: "2" });
    expect(created.metadata.managedFields?.map((e) => [e.manager, e.operation])).toEqual([["client-test", "Apply"]]);
    // re-applying without b removes it
    const updated = await client.apply(configMap(ns, "ssa", { a: "1" }));
    expect(updated.data).toEqual({ a: "1" });
    const err = await client.apply(configMap(ns, "ssa", { a: "other" }), { fieldManager: "someone-else" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).code).toBe(409);
    expect((err as ConflictError).message).toBe('Apply failed with 1 conflict: conflict with "client-test": .data.a');
    const forced = await client.apply(configMap(ns, "ssa", { a: "other" }), { fieldManager: "someone-else", force: true });
    expect(forced.data).toEqual({ a: "other" });
    expect(forced.metadata.managedFields?.map((e) => e.manager)).toEqual(["someone-else"]);
  });
});

describe("delete", () => {
  it("gracePeriodSeconds, preconditions and propagationPolicy", async () => {
    const ns = await namespace("del-opts");
    const pod = await client.create<KubeObject>({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: ns }, spec: { containers: [{ name: "c", image: "nginx" }] } });
    // a pod's default grace period keeps it (with deletionTimestamp) until a kubelet confirms; 0 removes it
    await client.delete(pod, { gracePeriodSeconds: 0 });
    await expect(client.get(pod)).rejects.toBeInstanceOf(NotFoundError);

    const cm = await client.create(configMap(ns, "pre"));
    const wrongUid = await client.delete(cm, { preconditions: { uid: "00000000-0000-0000-0000-000000000000" } }).catch((e: unknown) => e);
    expect(wrongUid).toBeInstanceOf(ConflictError);
    expect((wrongUid as ConflictError).message).toMatch(/Precondition failed: UID in precondition/);
    await client.delete(cm, { preconditions: { uid: cm.metadata.uid ?? "", resourceVersion: cm.metadata.resourceVersion ?? "" }, propagationPolicy: "Background" });
    await expect(client.get(cm)).rejects.toSatisfy(isNotFound);

    // Foreground with a dependent: the owner waits (deletionTimestamp + foregroundDeletion finalizer) until the GC is done
    const owner = await client.create(configMap(ns, "owner"));
    await client.create({ ...configMap(ns, "child"), metadata: { name: "child", namespace: ns, ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata.uid ?? "", blockOwnerDeletion: true }] } });
    await client.delete(owner, { propagationPolicy: "Foreground" });
    await waitFor(async () => {
      const gone = await Promise.all([client.get(owner).then(() => false, isNotFound), client.get({ ...CM, namespace: ns, name: "child" }).then(() => false, isNotFound)]);
      return gone.every(Boolean);
    });
  });

  it("deleteAllOf deletes what the selectors match, in one namespace", async () => {
    const ns = await namespace("del-all");
    const other = await namespace("del-all-other");
    for (const n of ["a", "b", "c"]) await client.create(configMap(ns, n, {}, { batch: n === "c" ? "keep" : "drop" }));
    await client.create(configMap(other, "a", {}, { batch: "drop" }));
    await client.deleteAllOf(CM, { namespace: ns, labelSelector: { matchLabels: { batch: "drop" } } });
    const left = await client.list(CM, { namespace: ns, labelSelector: "batch" });
    expect(left.items.map((i) => i.metadata.name)).toEqual(["c"]);
    expect((await client.list(CM, { namespace: other, labelSelector: "batch" })).items).toHaveLength(1);
    await client.deleteAllOf(CM, { namespace: ns, fieldSelector: { "metadata.name": "c" } });
    expect((await client.list(CM, { namespace: ns, labelSelector: "batch" })).items).toHaveLength(0);
    // no cross-namespace delete collection (kube-apiserver serves only list/watch there)
    const before = client.transport.stats.requests;
    await expect(client.deleteAllOf(CM, { labelSelector: "batch" })).rejects.toThrow(/deleteAllOf: ConfigMap is namespaced; a namespace is required/);
    expect(client.transport.stats.requests).toBe(before);
    expect((await client.list(CM, { namespace: other, labelSelector: "batch" })).items).toHaveLength(1);
  });
});

describe("subresources", () => {
  it("status: update and patch change only status; the main resource ignores status", async () => {
    const ns = await namespace("sub-status");
    const d = await client.create<Deployment>(deployment(ns, "s"));
    const st = await client.status().update({ ...d, spec: { ...d.spec, replicas: 9 }, status: { replicas: 1, readyReplicas: 1 } });
    expect(st.status?.readyReplicas).toBe(1);
    expect(st.spec.replicas).toBe(1); // spec changes through /status are dropped
    const patched = await client.status().patch<Deployment>(st, mergePatch({ status: { observedGeneration: 1 } }));
    expect(patched.status?.observedGeneration).toBe(1);
    expect(patched.kind).toBe("Deployment");
    const viaMain = await client.update({ ...patched, status: { replicas: 42 } });
    expect(viaMain.status?.replicas).toBe(1);
    const stale = await client.status().update({ ...d, status: { replicas: 2 } }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ConflictError);
  });

  it("scale: get, update and patch autoscaling/v1 Scale", async () => {
    const ns = await namespace("sub-scale");
    const d = await client.create<Deployment>(deployment(ns, "sc", 2));
    const s = await client.scale().get(d);
    expect(s).toMatchObject({ apiVersion: "autoscaling/v1", kind: "Scale", spec: { replicas: 2 }, status: { selector: "app=sc" } });
    const s2 = await client.scale().update({ ...DEP, namespace: ns, name: "sc" }, { spec: { replicas: 5 } });
    expect(s2.spec?.replicas).toBe(5);
    expect((await client.get<Deployment>(d)).spec.replicas).toBe(5);
    const s3 = await client.scale().patch(d, mergePatch({ spec: { replicas: 1 } }));
    expect(s3.spec?.replicas).toBe(1);
    expect(s3.kind).toBe("Scale");
    const notScalable = await client.scale().get({ ...CM, namespace: ns, name: "x" }).catch((e: unknown) => e);
    expect(isNotFound(notScalable)).toBe(true);
  });

  it("subResource(name) reaches other subresources (namespaces/finalize, deployments/status get)", async () => {
    const ns = await namespace("sub-generic");
    const nsObj = await client.get<KubeObject & { spec?: { finalizers?: string[] } }>({ apiVersion: "v1", kind: "Namespace", name: ns });
    expect(nsObj.spec?.finalizers).toEqual(["kubernetes"]);
    const finalized = await client.subResource("finalize").update<KubeObject & { spec?: { finalizers?: string[] } }>({ ...nsObj, spec: { finalizers: [] } });
    expect(finalized.spec?.finalizers ?? []).toEqual([]);
    const d = await client.create<Deployment>(deployment(ns, "g"));
    const viaStatus = await client.subResource("status").get<Deployment>(d);
    expect(viaStatus.metadata.uid).toBe(d.metadata.uid);
  });
});

describe("transport", () => {
  it("surfaces Warning headers through onWarning", async () => {
    const warnings: [string, WarningInfo][] = [];
    const c = new Client(cp.kubeConfig, { qps: 0, onWarning: (msg, info) => warnings.push([msg, info]) });
    try {
      await c.create({ apiVersion: "v1", kind: "Pod", metadata: { name: "w", namespace: "default" }, spec: { nodeSelector: { "beta.kubernetes.io/arch": "amd64" }, containers: [{ name: "c", image: "nginx" }] } });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.[0]).toBe('spec.nodeSelector[beta.kubernetes.io/arch]: deprecated since v1.14; use "kubernetes.io/arch" instead');
      expect(warnings[0]?.[1]).toMatchObject({ code: 299, agent: "-", method: "POST", path: "/api/v1/namespaces/default/pods" });
    } finally {
      c.close();
    }
  });

  it("keep-alive: 200 sequential requests go over one connection", async () => {
    const c = new Client(cp.kubeConfig, { qps: 0 });
    try {
      await c.mapping(CM); // discovery runs /api and /apis in parallel (two connections)
      const base = { ...c.transport.stats };
      for (let i = 0; i < 200; i++) await c.get({ apiVersion: "v1", kind: "Namespace", name: "default" });
      expect(c.transport.stats.requests - base.requests).toBe(200);
      expect(c.transport.stats.sockets - base.sockets).toBe(0);
      expect(c.transport.stats.sockets).toBeLessThanOrEqual(2);
    } finally {
      c.close();
    }
  });

  it("fromKubeConfig and a user agent", async () => {
    let seenUA = "";
    const orig = cp.controlPlane.server.handle.bind(cp.controlPlane.server);
    cp.controlPlane.server.handle = (req, res) => {
      if (req.url?.startsWith("/api/v1/namespaces/kube-system")) seenUA = String(req.headers["user-agent"]);
      return orig(req, res);
    };
    const c = Client.fromKubeConfig(cp.kubeConfig, { userAgent: "my-operator/1.0" });
    try {
      await c.get({ apiVersion: "v1", kind: "Namespace", name: "kube-system" });
      expect(seenUA).toBe("my-operator/1.0");
    } finally {
      cp.controlPlane.server.handle = orig;
      c.close();
    }
  });
});

async function waitFor(cond: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("condition not met in time");
}

/**
 * @kubernetes/client-node 1.4 against the local control plane, unmodified: KubernetesObjectApi CRUD, typed
 * API errors, Watch, and an informer that stays in sync through a burst of writes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiException, CoreV1Api, KubernetesObjectApi, PatchStrategy, Watch, makeInformer, type KubernetesObject, type V1ConfigMap } from "@kubernetes/client-node";
import { startControlPlane, type RunningControlPlane } from "../../runtime/testing/index.js";

let cp: RunningControlPlane;
let objects: KubernetesObjectApi;
let core: CoreV1Api;

beforeAll(async () => {
  cp = await startControlPlane();
  objects = KubernetesObjectApi.makeApiClient(cp.kubeConfig);
  core = cp.kubeConfig.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  await cp?.stop();
});

async function namespace(name: string): Promise<string> {
  await core.createNamespace({ body: { metadata: { name } } });
  return name;
}

function cm(ns: string, name: string, data: Record<string, string> = {}): KubernetesObject & { data: Record<string, string> } {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: ns }, data };
}

function statusCode(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

describe("KubernetesObjectApi", () => {
  it("creates, reads, lists, patches, replaces and deletes", async () => {
    const ns = await namespace("objapi");
    const created = await objects.create(cm(ns, "one", { a: "1" }));
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);

    const read = await objects.read<V1ConfigMap>({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "one", namespace: ns } });
    expect(read.data).toEqual({ a: "1" });

    await objects.create(cm(ns, "two"));
    const list = await objects.list("v1", "ConfigMap", ns);
    expect(list.items.map((i) => i.metadata?.name)).toEqual(["one", "two"]);

    const patched = await objects.patch<V1ConfigMap>(cm(ns, "one", { b: "2" }), undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
    expect(patched.data).toEqual({ a: "1", b: "2" });

    const replaced = await objects.replace<V1ConfigMap>({ ...patched, data: { c: "3" } });
    expect(replaced.data).toEqual({ c: "3" });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(Number(patched.metadata?.resourceVersion));

    await objects.delete(cm(ns, "one"));
    const err = await objects.read({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "one", namespace: ns } }).catch((e: unknown) => e);
    expect(statusCode(err)).toBe(404);
  });

  it("reports conflicts and existing objects as typed API errors", async () => {
    const ns = await namespace("objapi-errors");
    const first = await objects.create(cm(ns, "x", { v: "1" }));
    const dup = await objects.create(cm(ns, "x")).catch((e: unknown) => e);
    expect(statusCode(dup)).toBe(409);
    expect(String((dup as ApiException<unknown>).body)).toContain('configmaps \\"x\\" already exists');

    await objects.replace({ ...first, data: { v: "2" } });
    const stale = await objects.replace({ ...first, data: { v: "3" } }).catch((e: unknown) => e);
    expect(statusCode(stale)).toBe(409);
    expect(String((stale as ApiException<unknown>).body)).toContain("the object has been modified; please apply your changes to the latest version and try again");

    const bad = await objects.create(cm(ns, "Not_A_Name")).catch((e: unknown) => e);
    expect(statusCode(bad)).toBe(422);
  });
});

describe("Watch", () => {
  it("streams ADDED, MODIFIED and DELETED in order from a resourceVersion", async () => {
    const ns = await namespace("watching");
    const list = await core.listNamespacedConfigMap({ namespace: ns });
    const seen: string[] = [];
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((r) => (resolveDone = r));
    const watch = new Watch(cp.kubeConfig);
    const ctl = await watch.watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      { resourceVersion: list.metadata?.resourceVersion },
      (type, obj: V1ConfigMap) => {
        seen.push(`${type} ${obj.metadata?.name} ${JSON.stringify(obj.data ?? {})}`);
        if (seen.length === 3) resolveDone();
      },
      () => undefined,
    );
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "w" }, data: { k: "1" } } });
    await core.patchNamespacedConfigMap({ namespace: ns, name: "w", body: [{ op: "replace", path: "/data/k", value: "2" }] });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: "w" });
    await done;
    ctl.abort();
    expect(seen).toEqual(['ADDED w {"k":"1"}', 'MODIFIED w {"k":"2"}', 'DELETED w {"k":"2"}']);
  });
});

describe("informer", () => {
  it("stays in sync through a burst of 1,000 writes", async () => {
    const ns = await namespace("informed");
    const informer = makeInformer<V1ConfigMap>(cp.kubeConfig, `/api/v1/namespaces/${ns}/configmaps`, () => core.listNamespacedConfigMap({ namespace: ns }));
    let events = 0;
    informer.on("add", () => events++);
    informer.on("update", () => events++);
    informer.on("delete", () => events++);
    await informer.start();

    // 1,000 writes: 400 creates, 400 updates, 200 deletes, 20 at a time
    const writes: (() => Promise<unknown>)[] = [];
    for (let i = 0; i < 400; i++) writes.push(() => core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `cm-${i}` }, data: { v: "0" } } }));
    for (let i = 0; i < 400; i++) writes.push(() => core.replaceNamespacedConfigMap({ namespace: ns, name: `cm-${i}`, body: { metadata: { name: `cm-${i}` }, data: { v: "1" } } }));
    for (let i = 0; i < 200; i++) writes.push(() => core.deleteNamespacedConfigMap({ namespace: ns, name: `cm-${i * 2}` }));
    for (let i = 0; i < writes.length; i += 20) await Promise.all(writes.slice(i, i + 20).map((w) => w()));

    const truth = await core.listNamespacedConfigMap({ namespace: ns });
    const expected = new Map(truth.items.map((c) => [c.metadata?.name, c.metadata?.resourceVersion]));
    const deadline = Date.now() + 20_000;
    const snapshot = (): Map<string | undefined, string | undefined> => new Map(informer.list(ns).map((c) => [c.metadata?.name, c.metadata?.resourceVersion]));
    while (Date.now() < deadline) {
      const cached = snapshot();
      if (cached.size === expected.size && [...expected].every(([k, v]) => cached.get(k) === v)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await informer.stop();
    expect(snapshot()).toEqual(expected);
    expect(expected.size).toBe(200);
    expect(events).toBeGreaterThanOrEqual(1000);
  });
});

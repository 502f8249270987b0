/**
 * An operator as an author writes one, through the `kubeforge` facade and `kubeforge/testing`: a controller
 * for ConfigMaps that owns a Secret, a finalizer, a status condition; driven end to end on the local control plane.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addFinalizer,
  controllerManagedBy,
  createOrUpdate,
  isNotFound,
  mergePatch,
  removeFinalizer,
  setControllerReference,
  waitForObject,
  type KubeObject,
  type Reconciler,
} from "../../runtime/index.js";
import { startTestEnvironment, type TestEnvironment } from "../../runtime/testing/index.js";

let env: TestEnvironment;
const reconciles: string[] = [];
const finalizer = "demo.kubeforge.dev/cleanup";

const reconciler: Reconciler = {
  async reconcile(_ctx, req) {
    reconciles.push(`${req.namespace}/${req.name}`);
    const client = env.manager.client;
    let cm: KubeObject;
    try {
      cm = await client.get({ apiVersion: "v1", kind: "ConfigMap", namespace: req.namespace, name: req.name });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (cm.metadata.deletionTimestamp) {
      const copy = structuredClone(cm);
      if (removeFinalizer(copy, finalizer)) await client.update(copy);
      return;
    }
    if (!cm.metadata.finalizers?.includes(finalizer)) {
      const copy = structuredClone(cm);
      addFinalizer(copy, finalizer);
      await client.update(copy);
      return;
    }
    const secret: KubeObject = { apiVersion: "v1", kind: "Secret", metadata: { name: `${req.name}-copy`, namespace: req.namespace } };
    await createOrUpdate(client, secret, (s) => {
      s.stringData = (cm.data ?? {}) as Record<string, string>;
      setControllerReference(cm, s);
    });
  },
};

beforeAll(async () => {
  env = await startTestEnvironment();
  controllerManagedBy(env.manager)
    .for({ apiVersion: "v1", kind: "ConfigMap" })
    .owns({ apiVersion: "v1", kind: "Secret" })
    .named("configmap-copier")
    .complete(reconciler);
  await env.start();
});

afterAll(async () => {
  await env?.stop();
});

describe("an operator on the local control plane", () => {
  it("reconciles, owns its child, repairs it, and cleans up through its finalizer", async () => {
    const client = env.manager.client;
    await client.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "app", namespace: "default" }, data: { key: "v1" } });
    const secret = await waitForObject(client, { apiVersion: "v1", kind: "Secret", namespace: "default", name: "app-copy" }, (s) => (s.data as Record<string, string> | undefined)?.key === Buffer.from("v1").toString("base64"), { timeoutMs: 10_000 });
    expect(secret.metadata.ownerReferences?.[0]).toMatchObject({ kind: "ConfigMap", name: "app", controller: true });

    // a change to the owned Secret triggers a reconcile of its owner, which restores the desired state
    await client.patch(secret, mergePatch({ data: { key: Buffer.from("tampered").toString("base64") } }));
    await waitForObject(client, { apiVersion: "v1", kind: "Secret", namespace: "default", name: "app-copy" }, (s) => (s.data as Record<string, string> | undefined)?.key === Buffer.from("v1").toString("base64"), { timeoutMs: 10_000 });

    // deletion waits for the finalizer, then the garbage collector removes the owned Secret
    await client.delete({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "app" });
    const deadline = Date.now() + 10_000;
    let goneBoth = false;
    while (Date.now() < deadline && !goneBoth) {
      const cm = await client.get({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "app" }).then(() => true, () => false);
      const sec = await client.get({ apiVersion: "v1", kind: "Secret", namespace: "default", name: "app-copy" }).then(() => true, () => false);
      goneBoth = !cm && !sec;
      if (!goneBoth) await new Promise((r) => setTimeout(r, 50));
    }
    expect(goneBoth).toBe(true);
    expect(reconciles.filter((r) => r === "default/app").length).toBeGreaterThanOrEqual(3);
  });
});

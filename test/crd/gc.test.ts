/** The garbage collector follows custom resources: CRs as owners and as dependents, with every propagation policy. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane, type RunningControlPlane } from "../../runtime/testing/index.js";
import { api, watchEvents } from "../support/http.js";

let cp: RunningControlPlane;
beforeAll(async () => {
  cp = await startControlPlane();
  const crd = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "widgets.gc.kubeforge.dev" },
    spec: {
      group: "gc.kubeforge.dev",
      scope: "Namespaced",
      names: { plural: "widgets", kind: "Widget" },
      versions: [
        { name: "v1alpha1", served: true, storage: false, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } },
        { name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } },
      ],
    },
  };
  expect((await api(cp, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: crd })).status).toBe(201);
  await until(async () => (await api(cp, "GET", "/apis/gc.kubeforge.dev/v1/namespaces/default/widgets")).status === 200);
});
afterAll(async () => {
  await cp?.stop();
});

async function until(cond: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const widgets = "/apis/gc.kubeforge.dev/v1/namespaces/default/widgets";
const configmaps = "/api/v1/namespaces/default/configmaps";

async function createWidget(name: string, ownerReferences?: unknown[]): Promise<{ uid: string }> {
  const r = await api(cp, "POST", widgets, { body: { apiVersion: "gc.kubeforge.dev/v1", kind: "Widget", metadata: { name, ...(ownerReferences ? { ownerReferences } : {}) } } });
  expect(r.status, r.text).toBe(201);
  return (r.json as { metadata: { uid: string } }).metadata;
}

async function createConfigMap(name: string, ownerReferences?: unknown[]): Promise<{ uid: string }> {
  const r = await api(cp, "POST", configmaps, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name, ...(ownerReferences ? { ownerReferences } : {}) } } });
  expect(r.status, r.text).toBe(201);
  return (r.json as { metadata: { uid: string } }).metadata;
}

const gone = (path: string) => async () => (await api(cp, "GET", path)).status === 404;

describe("garbage collection of custom resources", () => {
  it("deletes a ConfigMap owned by a custom resource once the owner is deleted", async () => {
    const owner = await createWidget("owner-1");
    await createConfigMap("child-1", [{ apiVersion: "gc.kubeforge.dev/v1", kind: "Widget", name: "owner-1", uid: owner.uid }]);
    expect((await api(cp, "DELETE", `${widgets}/owner-1`)).status).toBe(200);
    await until(gone(`${configmaps}/child-1`));
  });

  it("deletes a custom resource whose ConfigMap owner is deleted, whichever version the reference names", async () => {
    const owner = await createConfigMap("owner-2");
    await createWidget("child-2", [{ apiVersion: "v1", kind: "ConfigMap", name: "owner-2", uid: owner.uid }]);
    expect((await api(cp, "DELETE", `${configmaps}/owner-2`)).status).toBe(200);
    await until(gone(`${widgets}/child-2`));
  });

  it("holds a custom resource deleted in the foreground until its blocking dependents are gone", async () => {
    const owner = await createWidget("owner-3");
    await createWidget("child-3", [{ apiVersion: "gc.kubeforge.dev/v1alpha1", kind: "Widget", name: "owner-3", uid: owner.uid, blockOwnerDeletion: true }]);
    const del = await api(cp, "DELETE", `${widgets}/owner-3`, { body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Foreground" } });
    expect(del.status).toBe(200);
    expect((del.json as { metadata: { finalizers: string[] } }).metadata.finalizers).toContain("foregroundDeletion");
    await until(gone(`${widgets}/child-3`));
    await until(gone(`${widgets}/owner-3`));
  });

  it("orphans the dependents of a custom resource deleted with the Orphan policy", async () => {
    const owner = await createWidget("owner-4");
    await createConfigMap("child-4", [{ apiVersion: "gc.kubeforge.dev/v1", kind: "Widget", name: "owner-4", uid: owner.uid }]);
    const del = await api(cp, "DELETE", `${widgets}/owner-4`, { body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Orphan" } });
    expect(del.status).toBe(200);
    await until(gone(`${widgets}/owner-4`));
    const child = await api(cp, "GET", `${configmaps}/child-4`);
    expect(child.status).toBe(200);
    expect((child.json as { metadata: { ownerReferences?: unknown } }).metadata.ownerReferences).toBeUndefined();
  });

  it("ends open watches when the CRD changes, and keeps collecting its objects afterwards", async () => {
    const before = await api(cp, "GET", widgets);
    const rv = (before.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const watching = watchEvents(cp, `${widgets}?watch=true&resourceVersion=${rv}`, () => false, 5000);
    await new Promise((r) => setTimeout(r, 100));
    // a new printer column: the served definition is rebuilt, the old watch ends (clients re-establish it)
    const patch = { spec: { versions: [
      { name: "v1alpha1", served: true, storage: false, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } },
      { name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } }, additionalPrinterColumns: [{ name: "Size", type: "integer", jsonPath: ".spec.size" }] },
    ] } };
    const updated = await api(cp, "PATCH", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.gc.kubeforge.dev", { body: patch, contentType: "application/merge-patch+json" });
    expect(updated.status, updated.text).toBe(200);
    const result = await watching;
    expect(result.ended).toBe(true);
    // a status-only change of the CRD (the controller's own writes) does not end watches
    const quiet = await watchEvents(cp, `${widgets}?watch=true&resourceVersion=${rv}`, () => false, 500);
    expect(quiet.ended).toBe(false);

    const owner = await createWidget("owner-5");
    await createConfigMap("child-5", [{ apiVersion: "gc.kubeforge.dev/v1", kind: "Widget", name: "owner-5", uid: owner.uid }]);
    expect((await api(cp, "DELETE", `${widgets}/owner-5`)).status).toBe(200);
    await until(gone(`${configmaps}/child-5`));
  });
});

/** CRD serving over the wire: latency to Established, versions, unstructured lists, defaulting on read, field validation. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane, type RunningControlPlane } from "../../runtime/testing/index.js";
import { api } from "../support/http.js";

let cp: RunningControlPlane;
beforeAll(async () => {
  cp = await startControlPlane();
});
afterAll(async () => {
  await cp?.stop();
});

const crdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

function crd(plural: string, kind: string, scope: "Namespaced" | "Cluster", specProps: Record<string, unknown>): Record<string, unknown> {
  const schema = { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: specProps }, status: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } } };
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.api.kubeforge.dev` },
    spec: {
      group: "api.kubeforge.dev",
      scope,
      names: { plural, kind },
      versions: [
        { name: "v1beta1", served: true, storage: false, schema },
        { name: "v1", served: true, storage: true, schema, subresources: { status: {} } },
      ],
    },
  };
}

async function waitServed(path: string, timeoutMs = 2000): Promise<number> {
  const start = Date.now();
  for (;;) {
    const r = await api(cp, "GET", path);
    if (r.status === 200) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`${path} not served: ${r.status} ${r.text}`);
    await new Promise((res) => setTimeout(res, 5));
  }
}

describe("custom resources over the API", () => {
  it("serves every version from one storage, keeps apiVersion/kind in lists, defaults on read and handles fieldValidation", async () => {
    const created = await api(cp, "POST", crdPath, { body: crd("gizmos", "Gizmo", "Cluster", { size: { type: "integer" } }) });
    expect(created.status).toBe(201);
    const c = created.json as { metadata: { finalizers: string[] }; spec: { names: Record<string, string>; conversion: unknown } };
    expect(c.spec.names).toEqual({ plural: "gizmos", kind: "Gizmo", singular: "gizmo", listKind: "GizmoList" });
    expect(c.spec.conversion).toEqual({ strategy: "None" });
    expect(await waitServed("/apis/api.kubeforge.dev/v1/gizmos")).toBeLessThan(200);
    const group = (await api(cp, "GET", "/apis/api.kubeforge.dev")).json as { preferredVersion: { version: string }; versions: { version: string }[] };
    expect(group.preferredVersion.version).toBe("v1");
    expect(group.versions.map((x) => x.version)).toEqual(["v1", "v1beta1"]);

    const g = await api(cp, "POST", "/apis/api.kubeforge.dev/v1beta1/gizmos", { body: { apiVersion: "api.kubeforge.dev/v1beta1", kind: "Gizmo", metadata: { name: "g1" }, spec: { size: 1, junk: true } } });
    expect(g.status).toBe(201);
    expect(g.headers.warning).toBe('299 - "unknown field \\"spec.junk\\""');
    expect((g.json as { apiVersion: string; spec: unknown }).apiVersion).toBe("api.kubeforge.dev/v1beta1");
    expect((g.json as { spec: unknown }).spec).toEqual({ size: 1 });
    const list = (await api(cp, "GET", "/apis/api.kubeforge.dev/v1/gizmos")).json as { kind: string; items: { apiVersion: string; kind: string }[] };
    expect(list.kind).toBe("GizmoList");
    expect(list.items.map((i) => [i.apiVersion, i.kind])).toEqual([["api.kubeforge.dev/v1", "Gizmo"]]);
    const stored = await cp.controlPlane.storage.forResource("api.kubeforge.dev/gizmos").get("g1");
    expect(stored?.apiVersion).toBe("api.kubeforge.dev/v1");

    const strict = await api(cp, "POST", "/apis/api.kubeforge.dev/v1/gizmos?fieldValidation=Strict", { body: { apiVersion: "api.kubeforge.dev/v1", kind: "Gizmo", metadata: { name: "g2", foo: 1 }, spec: { a: 1, b: 2 } } });
    expect(strict.status).toBe(400);
    expect((strict.json as { message: string }).message).toBe('Gizmo in version "v1" cannot be handled as a Gizmo: strict decoding error: unknown field "metadata.foo", unknown field "spec.a", unknown field "spec.b"');
    const ignore = await api(cp, "POST", "/apis/api.kubeforge.dev/v1/gizmos?fieldValidation=Ignore", { body: { apiVersion: "api.kubeforge.dev/v1", kind: "Gizmo", metadata: { name: "g2" }, spec: { a: 1 } } });
    expect(ignore.status).toBe(201);
    expect(ignore.headers.warning).toBeUndefined();

    // generation: spec changes bump it, status writes do not
    const put = await api(cp, "PUT", "/apis/api.kubeforge.dev/v1/gizmos/g1/status", { body: { apiVersion: "api.kubeforge.dev/v1", kind: "Gizmo", metadata: { name: "g1" }, spec: { size: 99 }, status: { ok: true } } });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ metadata: { generation: 1 }, spec: { size: 1 }, status: { ok: true } });
    const patched = await api(cp, "PATCH", "/apis/api.kubeforge.dev/v1/gizmos/g1", { body: { spec: { size: 2 } }, contentType: "application/merge-patch+json" });
    expect(patched.json).toMatchObject({ metadata: { generation: 2 }, spec: { size: 2 }, status: { ok: true } });

    // a default added later shows up on read
    const cur = (await api(cp, "GET", `${crdPath}/gizmos.api.kubeforge.dev`)).json as { spec: { versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, unknown> } } } } }[] } };
    for (const v of cur.spec.versions) v.schema.openAPIV3Schema.properties.spec.properties.color = { type: "string", default: "blue" };
    expect((await api(cp, "PUT", `${crdPath}/gizmos.api.kubeforge.dev`, { body: cur })).status).toBe(200);
    const start = Date.now();
    for (;;) {
      const got = (await api(cp, "GET", "/apis/api.kubeforge.dev/v1/gizmos/g1")).json as { spec: Record<string, unknown> };
      if (got.spec.color === "blue") break;
      if (Date.now() - start > 2000) throw new Error("default not applied on read");
      await new Promise((res) => setTimeout(res, 10));
    }

    // deletion: objects gone, then the resource
    const del = await api(cp, "DELETE", `${crdPath}/gizmos.api.kubeforge.dev`);
    expect(del.status).toBe(200);
    const start2 = Date.now();
    while ((await api(cp, "GET", "/apis/api.kubeforge.dev/v1/gizmos")).status !== 404) {
      if (Date.now() - start2 > 2000) throw new Error("still served");
      await new Promise((res) => setTimeout(res, 10));
    }
    expect((await api(cp, "GET", `${crdPath}/gizmos.api.kubeforge.dev`)).status).toBe(404);
    expect((await cp.controlPlane.storage.forResource("api.kubeforge.dev/gizmos").list({ prefix: "" })).items).toEqual([]);
    expect((await api(cp, "GET", "/apis/api.kubeforge.dev")).status).toBe(404);
  });

  it("prefers a group's highest version whatever order its CRDs were created in", async () => {
    const schema = { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } };
    const groupCRD = (plural: string, kind: string, versions: string[]): Record<string, unknown> => ({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: `${plural}.prefer.kubeforge.dev` },
      spec: { group: "prefer.kubeforge.dev", scope: "Namespaced", names: { plural, kind }, versions: versions.map((name, i) => ({ name, served: true, storage: i === 0, schema })) },
    });
    // the beta-only CRD first: its version must not become the group's preferred one
    expect((await api(cp, "POST", crdPath, { body: groupCRD("betas", "Beta", ["v1beta1"]) })).status).toBe(201);
    expect((await api(cp, "POST", crdPath, { body: groupCRD("gammas", "Gamma", ["v1", "v1beta1"]) })).status).toBe(201);
    await waitServed("/apis/prefer.kubeforge.dev/v1/gammas");
    await waitServed("/apis/prefer.kubeforge.dev/v1beta1/betas");
    const group = (await api(cp, "GET", "/apis/prefer.kubeforge.dev")).json as { preferredVersion: { version: string }; versions: { version: string }[] };
    expect(group.preferredVersion.version).toBe("v1");
    expect(group.versions.map((x) => x.version)).toEqual(["v1", "v1beta1"]);
    const all = (await api(cp, "GET", "/apis", { headers: { Accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList" } })).json as { items: { metadata: { name: string }; versions: { version: string }[] }[] };
    expect(all.items.find((g) => g.metadata.name === "prefer.kubeforge.dev")?.versions.map((v) => v.version)).toEqual(["v1", "v1beta1"]);
  });

  it("keeps serving a terminating CRD until its objects are gone, refusing creates, and reports Terminating", async () => {
    expect((await api(cp, "POST", crdPath, { body: crd("holds", "Hold", "Namespaced", {}) })).status).toBe(201);
    await waitServed("/apis/api.kubeforge.dev/v1/namespaces/default/holds");
    const base = "/apis/api.kubeforge.dev/v1/namespaces/default/holds";
    expect((await api(cp, "POST", base, { body: { apiVersion: "api.kubeforge.dev/v1", kind: "Hold", metadata: { name: "h", finalizers: ["example.com/hold"] } } })).status).toBe(201);
    // as upstream, the cleanup finalizer is not there from creation: the first delete adds it
    expect(((await api(cp, "GET", `${crdPath}/holds.api.kubeforge.dev`)).json as { metadata: { finalizers?: string[] } }).metadata.finalizers).toBeUndefined();
    const marked = await api(cp, "DELETE", `${crdPath}/holds.api.kubeforge.dev`);
    expect(marked.status).toBe(200);
    expect((marked.json as { metadata: { finalizers?: string[]; deletionTimestamp?: string } }).metadata).toMatchObject({ finalizers: ["customresourcecleanup.apiextensions.k8s.io"], deletionTimestamp: expect.any(String) });
    let cond: { reason?: string; message?: string } | undefined;
    for (const start = Date.now(); Date.now() - start < 2000; await new Promise((res) => setTimeout(res, 10))) {
      const c = (await api(cp, "GET", `${crdPath}/holds.api.kubeforge.dev`)).json as { status: { conditions: { type: string; reason: string; message: string }[] } };
      cond = c.status.conditions.find((x) => x.type === "Terminating");
      if (cond?.reason === "InstanceDeletionInProgress") break;
    }
    expect(cond).toMatchObject({ reason: "InstanceDeletionInProgress", message: "CustomResource deletion is in progress" });
    const refused = await api(cp, "POST", base, { body: { apiVersion: "api.kubeforge.dev/v1", kind: "Hold", metadata: { name: "h2" } } });
    expect(refused.status).toBe(405);
    expect((refused.json as { message: string }).message).toBe("create not allowed while custom resource definition is terminating");
    const held = (await api(cp, "GET", `${base}/h`)).json as { metadata: { deletionTimestamp?: string } };
    expect(held.metadata.deletionTimestamp).toBeDefined();
    expect((await api(cp, "PATCH", `${base}/h`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" })).status).toBe(200);
    for (const start = Date.now(); (await api(cp, "GET", `${crdPath}/holds.api.kubeforge.dev`)).status !== 404; await new Promise((res) => setTimeout(res, 10))) {
      if (Date.now() - start > 3000) throw new Error("CRD not deleted");
    }
    expect((await api(cp, "GET", base)).status).toBe(404);
  });

  it("never replaces a built-in resource: a CRD for leases.coordination.k8s.io is accepted but the built-in keeps serving", async () => {
    const shadow = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "leases.coordination.k8s.io", annotations: { "api-approved.kubernetes.io": "https://github.com/kubernetes/kubernetes/pull/1" } },
      spec: { group: "coordination.k8s.io", scope: "Namespaced", names: { plural: "leases", kind: "Lease" }, versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }] },
    };
    expect((await api(cp, "POST", crdPath, { body: shadow })).status).toBe(201);
    for (const start = Date.now(); ; await new Promise((res) => setTimeout(res, 10))) {
      const c = (await api(cp, "GET", `${crdPath}/leases.coordination.k8s.io`)).json as { status: { conditions: { type: string; status: string }[] } };
      if (c.status.conditions.some((x) => x.type === "Established" && x.status === "True")) break;
      if (Date.now() - start > 2000) throw new Error("CRD not established");
    }
    // the built-in's validation still applies (the CRD's schema would accept anything)
    const bad = await api(cp, "POST", "/apis/coordination.k8s.io/v1/namespaces/default/leases", { body: { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "l" }, spec: { leaseDurationSeconds: -1 } } });
    expect(bad.status).toBe(422);
    expect((await api(cp, "DELETE", `${crdPath}/leases.coordination.k8s.io`)).status).toBe(200);
    for (const start = Date.now(); (await api(cp, "GET", `${crdPath}/leases.coordination.k8s.io`)).status !== 404; await new Promise((res) => setTimeout(res, 10))) {
      if (Date.now() - start > 3000) throw new Error("CRD not deleted");
    }
    expect((await api(cp, "GET", "/apis/coordination.k8s.io/v1/namespaces/default/leases")).status).toBe(200);
  });

  it("reports repeated keys of custom resources (JSON and YAML) before the pruned fields, as kube-apiserver", async () => {
    const embedded = { type: "object", "x-kubernetes-embedded-resource": true, properties: { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" } } };
    expect((await api(cp, "POST", crdPath, { body: crd("dupes", "Dupe", "Namespaced", { known: { type: "string" }, ports: { type: "array", items: { type: "object", properties: { port: { type: "integer" } } } }, obj: embedded }) })).status).toBe(201);
    const base = "/apis/api.kubeforge.dev/v1/namespaces/default/dupes";
    await waitServed(base);
    const body = (name: string): string =>
      `{"apiVersion":"api.kubeforge.dev/v1","kind":"Dupe","metadata":{"name":"dupname","name":"${name}","unknownMeta":1},` +
      `"spec":{"unknown1":1,"unknownDupe":1,"unknownDupe":2,"known":"a","known":"b","ports":[{"port":1,"port":2,"unknownNested":1}],` +
      `"obj":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","unknownEmbeddedMeta":1}}}}`;
    const strict = await api(cp, "POST", `${base}?fieldValidation=Strict`, { body: body("d1") });
    expect(strict.status).toBe(400);
    expect((strict.json as { message: string }).message).toBe(
      'Dupe in version "v1" cannot be handled as a Dupe: strict decoding error: duplicate field "metadata.name", duplicate field "spec.unknownDupe", duplicate field "spec.known", duplicate field "spec.ports[0].port", ' +
        'unknown field "metadata.unknownMeta", unknown field "spec.ports[0].unknownNested", unknown field "spec.unknown1", unknown field "spec.unknownDupe", unknown field "spec.obj.metadata.unknownEmbeddedMeta"',
    );
    const warned = await api(cp, "POST", base, { body: body("d1") });
    expect(warned.status).toBe(201);
    expect(String(warned.headers.warning).split(", 299 - ").length).toBe(9);
    expect(warned.headers.warning).toContain('"duplicate field \\"spec.known\\""');
    expect((warned.json as { spec: Record<string, unknown> }).spec).toEqual({ known: "b", ports: [{ port: 2 }], obj: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" } } });

    const yaml = "apiVersion: api.kubeforge.dev/v1\nkind: Dupe\nmetadata:\n  name: d2\nspec:\n  known: a\n  known: b\n  zz: 1\n";
    const y = await api(cp, "POST", `${base}?fieldValidation=Strict`, { body: yaml, contentType: "application/yaml" });
    expect(y.status).toBe(400);
    expect((y.json as { message: string }).message).toBe('Dupe in version "v1" cannot be handled as a Dupe: strict decoding error: yaml: unmarshal errors:\n  line 7: key "known" already set in map, unknown field "spec.zz"');
  });

  it("keeps status.storedVersions: a new storage version is appended, a stored version cannot be dropped", async () => {
    expect((await api(cp, "POST", crdPath, { body: crd("stores", "Store", "Namespaced", {}) })).status).toBe(201);
    const path = `${crdPath}/stores.api.kubeforge.dev`;
    type CRD = { spec: { versions: { name: string; storage: boolean }[] }; status: { storedVersions: string[] } };
    const cur = (await api(cp, "GET", path)).json as CRD;
    expect(cur.status.storedVersions).toEqual(["v1"]);
    // make v1beta1 the storage version: both are now stored versions
    for (const v of cur.spec.versions) v.storage = v.name === "v1beta1";
    const switched = await api(cp, "PUT", path, { body: cur });
    expect(switched.status).toBe(200);
    expect((switched.json as CRD).status.storedVersions).toEqual(["v1", "v1beta1"]);
    // dropping v1 while objects may still be stored in it is refused
    const next = switched.json as CRD;
    next.spec.versions = next.spec.versions.filter((v) => v.name !== "v1");
    const dropped = await api(cp, "PUT", path, { body: next });
    expect(dropped.status).toBe(422);
    expect(dropped.json).toMatchObject({
      reason: "Invalid",
      message:
        'CustomResourceDefinition.apiextensions.k8s.io "stores.api.kubeforge.dev" is invalid: status.storedVersions[0]: Invalid value: "v1": missing from spec.versions; v1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1 and removes v1 from status.storedVersions',
      details: { causes: [{ reason: "FieldValueInvalid", field: "status.storedVersions[0]" }] },
    });
    // after a storage migration drops v1 from the status, it may go
    const migrated = (await api(cp, "GET", path)).json as CRD;
    migrated.status.storedVersions = ["v1beta1"];
    expect((await api(cp, "PUT", `${path}/status`, { body: migrated })).status).toBe(200);
    const again = (await api(cp, "GET", path)).json as CRD;
    again.spec.versions = again.spec.versions.filter((v) => v.name !== "v1");
    expect((await api(cp, "PUT", path, { body: again })).status).toBe(200);
  });
});

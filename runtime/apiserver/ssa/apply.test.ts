/** Server-side apply and managedFields through the HTTP API of a real control plane. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ManagedFieldsEntry } from "../../core/object.js";
import { startControlPlane, type RunningControlPlane } from "../../testing/index.js";
import { api } from "../../../test/support/http.js";

let cp: RunningControlPlane;
const applyType = "application/apply-patch+yaml";

interface Obj {
  metadata: { name: string; resourceVersion: string; managedFields?: ManagedFieldsEntry[] };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

beforeAll(async () => {
  cp = await startControlPlane();
  expect((await api(cp, "POST", "/api/v1/namespaces", { body: { metadata: { name: "ssa" } } })).status).toBe(201);
});

afterAll(async () => {
  await cp?.stop();
});

const cmPath = (name: string, q = ""): string => `/api/v1/namespaces/ssa/configmaps/${name}${q}`;
const cmYAML = (name: string, data: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${data}`;

describe("PATCH application/apply-patch+yaml", () => {
  it("creates (201) from a YAML body, then updates (200)", async () => {
    const created = await api(cp, "PATCH", cmPath("y", "?fieldManager=m"), { body: cmYAML("y", "  a: '1'\n"), contentType: applyType });
    expect(created.status, created.text).toBe(201);
    const obj = created.json as Obj;
    expect(obj.data).toEqual({ a: "1" });
    expect(obj.metadata.managedFields).toEqual([{ manager: "m", operation: "Apply", apiVersion: "v1", time: expect.any(String) as unknown, fieldsType: "FieldsV1", fieldsV1: { "f:data": { "f:a": {} } } }]);
    const updated = await api(cp, "PATCH", cmPath("y", "?fieldManager=m"), { body: cmYAML("y", "  a: '2'\n"), contentType: applyType });
    expect(updated.status).toBe(200);
    expect((updated.json as Obj).data).toEqual({ a: "2" });
  });

  it("PatchOptions errors: fieldManager required for apply, force only for apply", async () => {
    const noManager = await api(cp, "PATCH", cmPath("y"), { body: cmYAML("y", "  a: '1'\n"), contentType: applyType });
    expect(noManager.status).toBe(422);
    expect(noManager.json).toMatchObject({
      reason: "Invalid",
      message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      details: { group: "meta.k8s.io", kind: "PatchOptions", causes: [{ reason: "FieldValueRequired", message: "Required value: is required for apply patch", field: "fieldManager" }] },
    });
    const force = await api(cp, "PATCH", cmPath("y", "?force=true"), { body: { data: { a: "1" } }, contentType: "application/merge-patch+json" });
    expect(force.status).toBe(422);
    expect((force.json as { message: string }).message).toBe('PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
  });

  it("rejects a configuration of another version, or carrying managedFields (400)", async () => {
    const wrong = await api(cp, "PATCH", cmPath("v", "?fieldManager=m"), { body: { apiVersion: "v2", kind: "ConfigMap", metadata: { name: "v" } }, contentType: applyType });
    expect(wrong.status).toBe(400);
    expect((wrong.json as { message: string }).message).toBe("Incorrect version specified in apply patch. Specified patch version: v2, expected: v1");
    const mf = await api(cp, "PATCH", cmPath("v", "?fieldManager=m"), { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "v", managedFields: [] } }, contentType: applyType });
    expect(mf.status).toBe(400);
    expect((mf.json as { message: string }).message).toBe("metadata.managedFields must be nil");
  });

  it("409 Conflict with FieldManagerConflict causes", async () => {
    expect((await api(cp, "PATCH", cmPath("c", "?fieldManager=a"), { body: cmYAML("c", "  x: '1'\n  y: '1'\n"), contentType: applyType })).status).toBe(201);
    const r = await api(cp, "PATCH", cmPath("c", "?fieldManager=b"), { body: cmYAML("c", "  x: '2'\n  y: '2'\n"), contentType: applyType });
    expect(r.status).toBe(409);
    expect(r.json).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'Apply failed with 2 conflicts: conflicts with "a":\n- .data.x\n- .data.y',
      reason: "Conflict",
      details: {
        causes: [
          { reason: "FieldManagerConflict", message: 'conflict with "a"', field: ".data.x" },
          { reason: "FieldManagerConflict", message: 'conflict with "a"', field: ".data.y" },
        ],
      },
      code: 409,
    });
  });
});

describe("managedFields on non-apply writes", () => {
  it("the manager is the fieldManager parameter, else the User-Agent before its first '/'", async () => {
    const r = await api(cp, "POST", "/api/v1/namespaces/ssa/configmaps", { body: { metadata: { name: "ua" }, data: { a: "1" } }, headers: { "User-Agent": "my-operator/v1.2 (linux/amd64)" } });
    expect(r.status).toBe(201);
    const obj = r.json as Obj;
    expect(obj.metadata.managedFields?.map((e) => [e.manager, e.operation, e.fieldsV1])).toEqual([["my-operator", "Update", { "f:data": { ".": {}, "f:a": {} } }]]);
    const put = await api(cp, "PUT", cmPath("ua", "?fieldManager=editor"), { body: { ...obj, data: { a: "1", b: "2" } } });
    expect(put.status).toBe(200);
    // (entries are ordered by time in seconds, then manager: both orders are possible here)
    expect((put.json as Obj).metadata.managedFields?.map((e) => e.manager).sort()).toEqual(["editor", "my-operator"]);
  });

  it("an empty managedFields list resets them; omitted managedFields keep the stored ones", async () => {
    const obj = (await api(cp, "POST", "/api/v1/namespaces/ssa/configmaps?fieldManager=m", { body: { metadata: { name: "reset" }, data: { a: "1" } } })).json as Obj;
    const { managedFields: _mf, ...meta } = obj.metadata;
    const kept = await api(cp, "PUT", cmPath("reset", "?fieldManager=m"), { body: { ...obj, metadata: meta } });
    expect((kept.json as Obj).metadata.managedFields?.map((e) => e.manager)).toEqual(["m"]);
    const reset = await api(cp, "PATCH", cmPath("reset"), { body: { metadata: { managedFields: [] } }, contentType: "application/merge-patch+json" });
    expect(reset.status).toBe(200);
    expect((reset.json as Obj).metadata.managedFields).toBeUndefined();
  });

  it("status writes record entries with subresource status, and apply works on the status subresource", async () => {
    const dep = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d" },
      spec: { selector: { matchLabels: { app: "d" } }, template: { metadata: { labels: { app: "d" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
    };
    const created = await api(cp, "PATCH", "/apis/apps/v1/namespaces/ssa/deployments/d?fieldManager=deployer", { body: dep, contentType: applyType });
    expect(created.status, created.text).toBe(201);
    const st = await api(cp, "PATCH", "/apis/apps/v1/namespaces/ssa/deployments/d/status?fieldManager=controller", {
      body: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, status: { observedGeneration: 1 } },
      contentType: applyType,
    });
    expect(st.status, st.text).toBe(200);
    const obj = st.json as Obj;
    expect(obj.status?.observedGeneration).toBe(1);
    // (entries are ordered by time in seconds first: sort by manager for a stable comparison)
    const entries = [...(obj.metadata.managedFields ?? [])].sort((a, b) => (a.manager ?? "").localeCompare(b.manager ?? ""));
    expect(entries.map((e) => [e.manager, e.operation, e.subresource, e.fieldsV1])).toEqual([
      ["controller", "Apply", "status", { "f:status": { "f:observedGeneration": {} } }],
      ["deployer", "Apply", undefined, expect.objectContaining({ "f:spec": expect.any(Object) as unknown }) as unknown],
    ]);
    // applying status through the main resource owns nothing there and changes nothing
    const main = await api(cp, "PATCH", "/apis/apps/v1/namespaces/ssa/deployments/d?fieldManager=deployer", { body: { ...dep, status: { observedGeneration: 9 } }, contentType: applyType });
    expect((main.json as Obj).status?.observedGeneration).toBe(1);
  });
});

describe("custom resources", () => {
  it("merge by their structural schema: a list-map keeps each manager's entries, other lists are atomic", async () => {
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "routers.ssa.kubeforge.dev" },
      spec: {
        group: "ssa.kubeforge.dev",
        scope: "Namespaced",
        names: { plural: "routers", singular: "router", kind: "Router" },
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: "object",
                properties: {
                  spec: {
                    type: "object",
                    properties: {
                      routes: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["path"], items: { type: "object", required: ["path"], properties: { path: { type: "string" }, backend: { type: "string" } } } },
                      tags: { type: "array", items: { type: "string" } },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    };
    const made = await api(cp, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: crd });
    expect(made.status, made.text).toBe(201);
    const path = "/apis/ssa.kubeforge.dev/v1/namespaces/ssa/routers/r";
    const router = (spec: object): object => ({ apiVersion: "ssa.kubeforge.dev/v1", kind: "Router", metadata: { name: "r" }, spec });
    const deadline = Date.now() + 10_000;
    let first = await api(cp, "PATCH", `${path}?fieldManager=team-a`, { body: router({ routes: [{ path: "/a", backend: "svc-a" }], tags: ["a"] }), contentType: applyType });
    while (first.status === 404 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      first = await api(cp, "PATCH", `${path}?fieldManager=team-a`, { body: router({ routes: [{ path: "/a", backend: "svc-a" }], tags: ["a"] }), contentType: applyType });
    }
    expect(first.status, first.text).toBe(201);
    expect((first.json as Obj).metadata.managedFields?.[0]?.fieldsV1).toEqual({
      "f:spec": { "f:routes": { 'k:{"path":"/a"}': { ".": {}, "f:backend": {}, "f:path": {} } }, "f:tags": {} },
    });
    const second = await api(cp, "PATCH", `${path}?fieldManager=team-b`, { body: router({ routes: [{ path: "/b", backend: "svc-b" }] }), contentType: applyType });
    expect(second.status, second.text).toBe(200);
    expect((second.json as Obj).spec?.routes).toEqual([
      { path: "/a", backend: "svc-a" },
      { path: "/b", backend: "svc-b" },
    ]);
    // tags is atomic: another value conflicts with the whole list
    const tags = await api(cp, "PATCH", `${path}?fieldManager=team-b`, { body: router({ routes: [{ path: "/b", backend: "svc-b" }], tags: ["b"] }), contentType: applyType });
    expect(tags.status).toBe(409);
    expect((tags.json as { message: string }).message).toBe('Apply failed with 1 conflict: conflict with "team-a": .spec.tags');
    // team-a drops its route and tags: only team-b's route remains
    const dropped = await api(cp, "PATCH", `${path}?fieldManager=team-a`, { body: router({}), contentType: applyType });
    expect((dropped.json as Obj).spec).toEqual({ routes: [{ path: "/b", backend: "svc-b" }] });
  });
});

import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../core/object.js";
import { StatusError } from "../../core/errors.js";
import { applyConfiguration, recordUpdate, type FieldManagerScope } from "./fieldmanager.js";
import { withObjectMeta, type FieldType } from "./schema.js";

const deploymentType: FieldType = withObjectMeta({
  fields: {
    spec: {
      fields: {
        template: {
          fields: {
            spec: {
              fields: {
                containers: { listType: "map", keys: ["name"], items: { fields: { ports: { listType: "map", keys: ["containerPort"] } } } },
              },
            },
          },
        },
      },
    },
  },
});

const t0 = new Date("2024-01-01T00:00:00Z");
const t1 = new Date("2024-01-01T00:01:00Z");
const scope = (now = t0): FieldManagerScope => ({ type: deploymentType, apiVersion: "apps/v1", subresource: "", ignored: ["status"], now });

function deploy(spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default", ...meta }, spec };
}

function conflictOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error("expected a conflict");
}

describe("applyConfiguration", () => {
  it("creates: the applier owns exactly its configuration; list-map items get '.' and their key", () => {
    const cfg = deploy({ replicas: 2, template: { spec: { containers: [{ name: "app", image: "nginx" }] } } }, { labels: { app: "web" } });
    const out = applyConfiguration(undefined, cfg, "mgr", false, scope());
    expect(out.metadata.managedFields).toEqual([
      {
        manager: "mgr",
        operation: "Apply",
        apiVersion: "apps/v1",
        time: "2024-01-01T00:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": { "f:labels": { "f:app": {} } },
          "f:spec": { "f:replicas": {}, "f:template": { "f:spec": { "f:containers": { 'k:{"name":"app"}': { ".": {}, "f:image": {}, "f:name": {} } } } } },
        },
      },
    ]);
    expect(out.spec).toEqual(cfg.spec);
  });

  it("conflicts with another applier that set a different value, unless forced", () => {
    const live = applyConfiguration(undefined, deploy({ replicas: 2 }), "a", false, scope());
    const err = conflictOf(() => applyConfiguration(live, deploy({ replicas: 3 }), "b", false, scope(t1)));
    expect(err.code).toBe(409);
    expect(err.status.reason).toBe("Conflict");
    expect(err.status.message).toBe('Apply failed with 1 conflict: conflict with "a": .spec.replicas');
    expect(err.status.details?.causes).toEqual([{ reason: "FieldManagerConflict", message: 'conflict with "a"', field: ".spec.replicas" }]);
    // same value: shared ownership, no conflict
    const shared = applyConfiguration(live, deploy({ replicas: 2 }), "b", false, scope(t1));
    expect(shared.metadata.managedFields?.map((e) => e.manager)).toEqual(["a", "b"]);
    // force: b takes the field, a is left with nothing and loses its entry
    const forced = applyConfiguration(live, deploy({ replicas: 3 }), "b", true, scope(t1));
    expect(forced.spec).toEqual({ replicas: 3 });
    expect(forced.metadata.managedFields?.map((e) => e.manager)).toEqual(["b"]);
  });

  it("names Update managers with their apiVersion and lists several conflicts by manager", () => {
    const created = deploy({ replicas: 1, paused: false });
    recordUpdate(undefined, created, "kubectl-edit", scope());
    created.metadata.managedFields?.push({ manager: "other", operation: "Apply", apiVersion: "apps/v1", fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:minReadySeconds": {} } } });
    (created.spec as Record<string, unknown>).minReadySeconds = 5;
    const err = conflictOf(() => applyConfiguration(created, deploy({ replicas: 2, paused: true, minReadySeconds: 6 }), "ci", false, scope(t1)));
    expect(err.status.message).toBe(
      'Apply failed with 3 conflicts: conflicts with "kubectl-edit" using apps/v1:\n- .spec.paused\n- .spec.replicas\nconflicts with "other":\n- .spec.minReadySeconds',
    );
  });

  it("removes fields the applier stopped applying unless another manager owns them", () => {
    let live = applyConfiguration(undefined, deploy({ replicas: 2, paused: true, minReadySeconds: 3 }), "a", false, scope());
    live = applyConfiguration(live, deploy({ minReadySeconds: 3 }), "b", false, scope());
    live = applyConfiguration(live, deploy({}), "a", false, scope(t1));
    expect(live.spec).toEqual({ minReadySeconds: 3 });
    expect(live.metadata.managedFields?.map((e) => e.manager)).toEqual(["b"]);
  });

  it("merges list-map items by key, keeping items other managers own", () => {
    const c = (name: string, image: string): Record<string, unknown> => ({ name, image });
    let live = applyConfiguration(undefined, deploy({ template: { spec: { containers: [c("a", "1")] } } }), "ma", false, scope());
    live = applyConfiguration(live, deploy({ template: { spec: { containers: [c("b", "2")] } } }), "mb", false, scope());
    expect((live.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers).toEqual([c("a", "1"), c("b", "2")]);
    live = applyConfiguration(live, deploy({ template: { spec: { containers: [] } } }), "ma", false, scope());
    expect((live.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers).toEqual([c("b", "2")]);
  });

  it("replaces atomic lists and conflicts on them as a whole", () => {
    let live = applyConfiguration(undefined, deploy({ template: { spec: { containers: [{ name: "a", args: ["x", "y"] }] } } }), "ma", false, scope());
    const err = conflictOf(() => applyConfiguration(live, deploy({ template: { spec: { containers: [{ name: "a", args: ["z"] }] } } }), "mb", false, scope()));
    expect(err.status.message).toBe('Apply failed with 1 conflict: conflict with "ma": .spec.template.spec.containers[name="a"].args');
    live = applyConfiguration(live, deploy({ template: { spec: { containers: [{ name: "a", args: ["z"] }] } } }), "mb", true, scope());
    expect((live.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers).toEqual([{ name: "a", args: ["z"] }]);
  });

  it("rejects a configuration carrying managedFields", () => {
    const cfg = deploy({}, { managedFields: [] });
    expect(() => applyConfiguration(undefined, cfg, "m", false, scope())).toThrow("metadata.managedFields must be nil");
  });

  it("keeps the time of a no-op apply", () => {
    const live = applyConfiguration(undefined, deploy({ replicas: 1 }), "a", false, scope());
    const again = applyConfiguration(live, deploy({ replicas: 1 }), "a", false, scope(t1));
    expect(again.metadata.managedFields?.[0]?.time).toBe("2024-01-01T00:00:00Z");
  });
});

describe("client-side apply interplay (manager kubectl)", () => {
  const annotation = "kubectl.kubernetes.io/last-applied-configuration";
  function clientSideApplied(): KubeObject {
    const cfg = deploy({ replicas: 1, paused: false });
    const obj = deploy({ replicas: 1, paused: false }, { annotations: { [annotation]: JSON.stringify({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default" }, spec: cfg.spec }) } });
    recordUpdate(undefined, obj, "kubectl-client-side-apply", scope());
    return obj;
  }

  it("forces conflicts on fields the annotation set to their live values and rewrites the annotation", () => {
    const live = clientSideApplied();
    const out = applyConfiguration(live, deploy({ replicas: 4, paused: false }), "kubectl", false, scope(t1));
    expect(out.spec).toEqual({ replicas: 4, paused: false });
    expect(JSON.parse(out.metadata.annotations?.[annotation] ?? "")).toEqual({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default" }, spec: { paused: false, replicas: 4 } });
    // any other manager conflicts as usual
    expect(conflictOf(() => applyConfiguration(live, deploy({ replicas: 4 }), "helm", false, scope(t1))).status.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
  });

  it("still conflicts on fields changed since the last client-side apply", () => {
    const live = clientSideApplied();
    const edited = structuredClone(live);
    (edited.spec as Record<string, unknown>).replicas = 7;
    recordUpdate(live, edited, "kubectl-edit", scope());
    expect(conflictOf(() => applyConfiguration(edited, deploy({ replicas: 4 }), "kubectl", false, scope(t1))).status.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas',
    );
  });
});

describe("recordUpdate", () => {
  it("gives the writer what it added ('.' for new maps) and takes changed fields from other managers", () => {
    const created = deploy({ replicas: 1 }, { labels: { app: "web" } });
    recordUpdate(undefined, created, "kubectl-create", scope());
    expect(created.metadata.managedFields).toEqual([
      {
        manager: "kubectl-create",
        operation: "Update",
        apiVersion: "apps/v1",
        time: "2024-01-01T00:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:metadata": { "f:labels": { ".": {}, "f:app": {} } }, "f:spec": { ".": {}, "f:replicas": {} } },
      },
    ]);
    const next = structuredClone(created);
    (next.spec as Record<string, unknown>).replicas = 3;
    recordUpdate(created, next, "kubectl-scale", scope(t1));
    expect(next.metadata.managedFields?.map((e) => [e.manager, e.fieldsV1])).toEqual([
      // the spec node itself stays kubectl-create's (it created it); without children it is written `{}`
      ["kubectl-create", { "f:metadata": { "f:labels": { ".": {}, "f:app": {} } }, "f:spec": {} }],
      ["kubectl-scale", { "f:spec": { "f:replicas": {} } }],
    ]);
  });

  it("for typed kinds, spec and status always exist: creating them adds no '.'", () => {
    const created = deploy({ replicas: 1 });
    recordUpdate(undefined, created, "kubectl-create", { ...scope(), alwaysPresent: ["spec", "status"] });
    expect(created.metadata.managedFields?.[0]?.fieldsV1).toEqual({ "f:spec": { "f:replicas": {} } });
  });

  it("records nothing for a no-op write and drops a manager whose fields are all taken or removed", () => {
    const created = deploy({ replicas: 1 });
    recordUpdate(undefined, created, "a", scope());
    const same = structuredClone(created);
    recordUpdate(created, same, "b", scope(t1));
    expect(same.metadata.managedFields?.map((e) => e.manager)).toEqual(["a"]);
    const { spec: _spec, ...rest } = structuredClone(created);
    const gone: KubeObject = { ...rest, metadata: { ...rest.metadata, labels: { x: "1" } } };
    recordUpdate(created, gone, "b", scope(t1));
    expect(gone.metadata.managedFields?.map((e) => [e.manager, e.fieldsV1])).toEqual([["b", { "f:metadata": { "f:labels": { ".": {}, "f:x": {} } } }]]);
  });

  it("an empty managedFields list resets them; invalid ones fall back to the live object's", () => {
    const created = deploy({ replicas: 1 });
    recordUpdate(undefined, created, "a", scope());
    const reset: KubeObject = { ...structuredClone(created), metadata: { ...created.metadata, managedFields: [] } };
    recordUpdate(created, reset, "b", scope(t1));
    expect(reset.metadata.managedFields).toBeUndefined();
    const invalid: KubeObject = { ...structuredClone(created), metadata: { ...created.metadata, managedFields: [{ manager: "x", operation: "Bogus", fieldsType: "FieldsV1" }] } };
    recordUpdate(created, invalid, "b", scope(t1));
    expect(invalid.metadata.managedFields?.map((e) => e.manager)).toEqual(["a"]);
  });

  it("an existing object without managedFields stays untracked by updates; an apply gives its fields to before-first-apply", () => {
    const live = deploy({ replicas: 1 }, { uid: "u1" });
    const next = deploy({ replicas: 2 }, { uid: "u1" });
    recordUpdate(live, next, "kubectl-edit", scope());
    expect(next.metadata.managedFields).toBeUndefined();
    const err = conflictOf(() => applyConfiguration(next, deploy({ replicas: 3 }), "ci", false, scope(t1)));
    expect(err.status.message).toBe('Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
    const same = applyConfiguration(next, deploy({ replicas: 2 }), "ci", false, scope(t1));
    expect(same.metadata.managedFields?.map((e) => [e.manager, e.operation])).toEqual([
      ["ci", "Apply"],
      ["before-first-apply", "Update"],
    ]);
  });

  it("folds the oldest of more than 10 Update managers into ancient-changes", () => {
    let obj = deploy({});
    recordUpdate(undefined, obj, "init", scope());
    for (let i = 0; i < 11; i++) {
      const next: KubeObject = structuredClone(obj);
      (next.spec as Record<string, unknown>)[`f${i}`] = i;
      recordUpdate(obj, next, `m${i}`, scope(new Date(t0.getTime() + (i + 1) * 1000)));
      obj = next;
    }
    const managers = obj.metadata.managedFields?.map((e) => e.manager) ?? [];
    expect(managers).toHaveLength(10);
    expect(managers[0]).toBe("ancient-changes");
    expect(managers).not.toContain("init");
  });

  it("a write through scale owns only the replicas, with subresource scale", () => {
    const created = deploy({ replicas: 1, paused: true });
    recordUpdate(undefined, created, "a", scope());
    const next = structuredClone(created);
    (next.spec as Record<string, unknown>).replicas = 5;
    recordUpdate(created, next, "kubectl", { ...scope(t1), subresource: "scale", only: ["spec", "replicas"] });
    expect(next.metadata.managedFields?.map((e) => [e.manager, e.subresource, e.fieldsV1])).toEqual([
      ["a", undefined, { "f:spec": { ".": {}, "f:paused": {} } }],
      ["kubectl", "scale", { "f:spec": { "f:replicas": {} } }],
    ]);
  });
});

/** Pure helpers: finalizer lists, owner / controller references (upstream's error cases), retryOnConflict. */
import { describe, expect, it, vi } from "vitest";
import { ConflictError, NotFoundError } from "../client/errors.js";
import { newConflict, newNotFound } from "../core/errors.js";
import type { KubeObject } from "../core/object.js";
import {
  addFinalizer,
  AlreadyOwnedError,
  containsFinalizer,
  defaultRetry,
  getControllerOf,
  hasControllerReference,
  hasOwnerReference,
  isControlledBy,
  OwnerReferenceError,
  removeControllerReference,
  removeFinalizer,
  removeOwnerReference,
  retryOnConflict,
  setControllerReference,
  setOwnerReference,
} from "./index.js";

function obj(name: string, namespace?: string, extra: Partial<KubeObject["metadata"]> = {}): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, ...(namespace ? { namespace } : {}), ...extra } };
}

function owner(kind: string, name: string, namespace?: string, apiVersion = "apps/v1"): KubeObject {
  return { apiVersion, kind, metadata: { name, uid: `uid-${kind}-${name}`, ...(namespace ? { namespace } : {}) } };
}

const conflict = (): ConflictError => new ConflictError(newConflict({ group: "", resource: "configmaps" }, "x", "the object has been modified").status);

describe("finalizers", () => {
  it("adds once, reports changes, removes every occurrence", () => {
    const o = obj("a", "ns");
    expect(containsFinalizer(o, "x.io/f")).toBe(false);
    expect(addFinalizer(o, "x.io/f")).toBe(true);
    expect(addFinalizer(o, "x.io/f")).toBe(false);
    expect(o.metadata.finalizers).toEqual(["x.io/f"]);
    o.metadata.finalizers = ["x.io/f", "other", "x.io/f"];
    expect(removeFinalizer(o, "x.io/f")).toBe(true);
    expect(o.metadata.finalizers).toEqual(["other"]);
    expect(removeFinalizer(o, "x.io/f")).toBe(false);
    expect(removeFinalizer(obj("b"), "x.io/f")).toBe(false);
  });

  it("does not share the array it was given", () => {
    const list = ["a"];
    const o = obj("a", "ns", { finalizers: list });
    addFinalizer(o, "b");
    expect(list).toEqual(["a"]);
  });
});

describe("owner references", () => {
  it("setOwnerReference appends a non-controller reference and replaces the same owner in place", () => {
    const o = obj("child", "ns");
    const dep = owner("Deployment", "web", "ns");
    setOwnerReference(dep, o);
    expect(o.metadata.ownerReferences).toEqual([{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "uid-Deployment-web" }]);
    setOwnerReference(owner("ReplicaSet", "rs", "ns"), o);
    // same group, kind and name with another version and uid: replaced, not appended
    setOwnerReference({ ...dep, apiVersion: "apps/v1beta2", metadata: { ...dep.metadata, uid: "new" } }, o);
    expect(o.metadata.ownerReferences?.map((r) => [r.kind, r.apiVersion, r.uid])).toEqual([
      ["Deployment", "apps/v1beta2", "new"],
      ["ReplicaSet", "apps/v1", "uid-ReplicaSet-rs"],
    ]);
    expect(hasOwnerReference(dep, o)).toBe(true);
    expect(hasControllerReference(o)).toBe(false);
  });

  it("setOwnerReference keeps the controller flag of an existing reference", () => {
    const o = obj("child", "ns");
    const dep = owner("Deployment", "web", "ns");
    setControllerReference(dep, o);
    setOwnerReference(dep, o);
    expect(o.metadata.ownerReferences).toEqual([{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "uid-Deployment-web", controller: true, blockOwnerDeletion: true }]);
  });

  it("setControllerReference sets controller and blockOwnerDeletion, and is idempotent", () => {
    const o = obj("child", "ns");
    const dep = owner("Deployment", "web", "ns");
    setControllerReference(dep, o);
    setControllerReference(dep, o);
    expect(o.metadata.ownerReferences).toHaveLength(1);
    expect(getControllerOf(o)).toMatchObject({ kind: "Deployment", name: "web", controller: true, blockOwnerDeletion: true });
    expect(isControlledBy(o, dep)).toBe(true);
    const o2 = obj("c2", "ns");
    setControllerReference(dep, o2, { blockOwnerDeletion: false });
    expect(o2.metadata.ownerReferences?.[0]?.blockOwnerDeletion).toBe(false);
  });

  it("refuses a second controller with AlreadyOwnedError (upstream's message)", () => {
    const o = obj("child", "ns");
    setControllerReference(owner("Deployment", "web", "ns"), o);
    let err: unknown;
    try {
      setControllerReference(owner("StatefulSet", "db", "ns"), o);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AlreadyOwnedError);
    expect((err as Error).message).toBe("Object ns/child is already owned by another Deployment controller web");
    expect((err as AlreadyOwnedError).owner.name).toBe("web");
    // but a plain owner reference is fine
    setOwnerReference(owner("StatefulSet", "db", "ns"), o);
    expect(o.metadata.ownerReferences).toHaveLength(2);
  });

  it("allows a cluster-scoped owner of a namespaced object", () => {
    const o = obj("child", "ns");
    setControllerReference(owner("ClusterThing", "global", undefined, "x.io/v1"), o);
    expect(hasControllerReference(o)).toBe(true);
  });

  it("refuses a namespaced owner of a cluster-scoped object", () => {
    const o = obj("cluster-child");
    expect(() => setOwnerReference(owner("Deployment", "web", "ns"), o)).toThrow(
      new OwnerReferenceError("cluster-scoped resource must not have a namespace-scoped owner, owner's namespace ns"),
    );
    expect(o.metadata.ownerReferences).toBeUndefined();
  });

  it("refuses cross-namespace owners", () => {
    const o = obj("child", "other");
    expect(() => setControllerReference(owner("Deployment", "web", "ns"), o)).toThrow(
      "cross-namespace owner references are disallowed, owner's namespace ns, obj's namespace other",
    );
  });

  it("needs the owner's uid", () => {
    const noUid: KubeObject = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "ns" } };
    expect(() => setOwnerReference(noUid, obj("c", "ns"))).toThrow(TypeError);
  });

  it("removes owner and controller references; missing ones are errors", () => {
    const o = obj("child", "ns");
    const dep = owner("Deployment", "web", "ns");
    const rs = owner("ReplicaSet", "rs", "ns");
    setControllerReference(dep, o);
    setOwnerReference(rs, o);
    expect(() => removeControllerReference(rs, o)).toThrow(OwnerReferenceError);
    removeControllerReference(dep, o);
    expect(hasControllerReference(o)).toBe(false);
    removeOwnerReference(rs, o);
    expect(o.metadata.ownerReferences).toEqual([]);
    expect(() => removeOwnerReference(rs, o)).toThrow(/does not have an owner reference for ReplicaSet "rs"/);
  });
});

describe("retryOnConflict", () => {
  it("uses client-go's DefaultRetry", () => {
    expect(defaultRetry).toEqual({ durationMs: 10, factor: 1, jitter: 0.1, steps: 5 });
  });

  it("retries conflicts and returns the result", async () => {
    let calls = 0;
    const v = await retryOnConflict(defaultRetry, () => {
      calls++;
      if (calls < 3) throw conflict();
      return "ok";
    });
    expect(v).toBe("ok");
    expect(calls).toBe(3);
  });

  it("gives up after `steps` tries with the last error", async () => {
    let calls = 0;
    const err = await retryOnConflict({ durationMs: 1, factor: 1, jitter: 0, steps: 5 }, () => {
      calls++;
      throw conflict();
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(calls).toBe(5);
  });

  it("does not retry other errors", async () => {
    let calls = 0;
    const err = await retryOnConflict(defaultRetry, () => {
      calls++;
      throw new NotFoundError(newNotFound({ group: "", resource: "configmaps" }, "x").status);
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(calls).toBe(1);
  });

  it("sleeps the jittered duration between tries", async () => {
    vi.useFakeTimers();
    try {
      let calls = 0;
      const p = retryOnConflict({ durationMs: 100, factor: 1, jitter: 0, steps: 3 }, () => {
        calls++;
        if (calls < 3) throw conflict();
        return calls;
      });
      await vi.advanceTimersByTimeAsync(99);
      expect(calls).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(calls).toBe(2);
      await vi.advanceTimersByTimeAsync(100);
      expect(await p).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });
});

import { describe, expect, it } from "vitest";
import type { KubeObject, OwnerReference } from "../core/object.js";
import type { Request } from "../reconcile/index.js";
import { silentLogger } from "../reconcile/index.js";
import { enqueueRequestForObject, enqueueRequestForOwner, enqueueRequestsFromMapFunc, funcs, type RequestQueue } from "./index.js";

function recorder(): { queue: RequestQueue; added: Request[] } {
  const added: Request[] = [];
  return { added, queue: { add: (r: Request) => added.push(r) } as unknown as RequestQueue };
}

const pod = (name: string, namespace: string | undefined, owners: OwnerReference[] = []): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, ...(namespace ? { namespace } : {}), ownerReferences: owners },
});
const rs = (name: string, controller?: boolean): OwnerReference => ({ apiVersion: "apps/v1", kind: "ReplicaSet", name, uid: `uid-${name}`, ...(controller !== undefined ? { controller } : {}) });

describe("enqueueRequestForObject", () => {
  it("enqueues the object itself for every event type (the new object on update)", () => {
    const { queue, added } = recorder();
    const h = enqueueRequestForObject({ logger: silentLogger });
    void h.create({ object: pod("a", "ns"), isInInitialList: false }, queue);
    void h.update({ objectOld: pod("old", "ns"), objectNew: pod("b", "ns") }, queue);
    void h.delete({ object: pod("c", "ns"), deleteStateUnknown: true }, queue);
    void h.generic({ object: pod("node1", undefined) }, queue);
    void h.create({ object: { metadata: {} }, isInInitialList: false }, queue); // no name: logged, skipped
    expect(added).toEqual([
      { namespace: "ns", name: "a" },
      { namespace: "ns", name: "b" },
      { namespace: "ns", name: "c" },
      { namespace: "", name: "node1" },
    ]);
  });
});

describe("enqueueRequestForOwner", () => {
  it("follows references of the owner's group and kind (any version); onlyController keeps the controller ref", () => {
    const all = recorder();
    const ctl = recorder();
    const objs = pod("p", "ns", [rs("a", true), rs("b"), { apiVersion: "apps/v1beta2", kind: "ReplicaSet", name: "c", uid: "c" }, { apiVersion: "v1", kind: "ReplicaSet", name: "other-group", uid: "x" }, { apiVersion: "apps/v1", kind: "Deployment", name: "d", uid: "d", controller: true }]);
    void enqueueRequestForOwner({ ownerType: { apiVersion: "apps/v1", kind: "ReplicaSet" } }).create({ object: objs, isInInitialList: false }, all.queue);
    void enqueueRequestForOwner({ ownerType: { apiVersion: "apps/v1", kind: "ReplicaSet" }, onlyController: true }).create({ object: objs, isInInitialList: false }, ctl.queue);
    expect(all.added).toEqual([
      { namespace: "ns", name: "a" },
      { namespace: "ns", name: "b" },
      { namespace: "ns", name: "c" },
    ]);
    expect(ctl.added).toEqual([{ namespace: "ns", name: "a" }]);
  });

  it("on update enqueues the owners of both old and new objects, deduplicated", () => {
    const { queue, added } = recorder();
    const h = enqueueRequestForOwner({ ownerType: { apiVersion: "apps/v1", kind: "ReplicaSet" } });
    void h.update({ objectOld: pod("p", "ns", [rs("a"), rs("b")]), objectNew: pod("p", "ns", [rs("b"), rs("c")]) }, queue);
    expect(added.map((r) => r.name).sort()).toEqual(["a", "b", "c"]);
    const none = recorder();
    void h.delete({ object: pod("p", "ns"), deleteStateUnknown: false }, none.queue);
    expect(none.added).toEqual([]);
  });

  it("a cluster-scoped owner gets an empty namespace (given, or resolved once through the scope resolver)", async () => {
    const given = recorder();
    void enqueueRequestForOwner({ ownerType: { apiVersion: "v1", kind: "Node" }, ownerNamespaced: false }).generic({ object: pod("p", "ns", [{ apiVersion: "v1", kind: "Node", name: "n1", uid: "u" }]) }, given.queue);
    expect(given.added).toEqual([{ namespace: "", name: "n1" }]);

    let calls = 0;
    const h = enqueueRequestForOwner({ ownerType: { apiVersion: "v1", kind: "Node" }, scope: { mapping: async () => ({ namespaced: (calls++, false) }) } });
    const resolved = recorder();
    const p = h.create({ object: pod("p", "ns", [{ apiVersion: "v1", kind: "Node", name: "n1", uid: "u" }]), isInInitialList: false }, resolved.queue);
    expect(p).toBeInstanceOf(Promise);
    await p;
    expect(h.create({ object: pod("q", "ns", [{ apiVersion: "v1", kind: "Node", name: "n2", uid: "u2" }]), isInInitialList: false }, resolved.queue)).toBeUndefined();
    expect(resolved.added).toEqual([
      { namespace: "", name: "n1" },
      { namespace: "", name: "n2" },
    ]);
    expect(calls).toBe(1);
  });

  it("rejects an ownerType without a version", () => {
    expect(() => enqueueRequestForOwner({ ownerType: { apiVersion: "", kind: "X" } })).toThrow(TypeError);
  });
});

describe("enqueueRequestsFromMapFunc and funcs", () => {
  it("maps old and new objects (sync or async), deduplicated", async () => {
    const { queue, added } = recorder();
    const h = enqueueRequestsFromMapFunc((o) => [{ namespace: "x", name: String(o.metadata.name) }, { namespace: "x", name: "shared" }]);
    void h.update({ objectOld: pod("a", "ns"), objectNew: pod("b", "ns") }, queue);
    expect(added).toEqual([
      { namespace: "x", name: "a" },
      { namespace: "x", name: "shared" },
      { namespace: "x", name: "b" },
    ]);
    const r = recorder();
    const ah = enqueueRequestsFromMapFunc(async (o) => [{ namespace: "", name: `m-${o.metadata.name}` }]);
    await ah.delete({ object: pod("z", "ns"), deleteStateUnknown: false }, r.queue);
    expect(r.added).toEqual([{ namespace: "", name: "m-z" }]);
  });

  it("funcs ignores missing methods", () => {
    const { queue, added } = recorder();
    const h = funcs({ generic: (ev, q) => q.add({ namespace: "", name: String(ev.object.metadata.name) }) });
    void h.create({ object: pod("a", "ns"), isInInitialList: false }, queue);
    void h.generic({ object: pod("g", "ns") }, queue);
    expect(added).toEqual([{ namespace: "", name: "g" }]);
  });
});

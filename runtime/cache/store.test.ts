import { describe, expect, it } from "vitest";
import type { KubeObject } from "../core/object.js";
import { IndexConflictError, IndexNotFoundError, namespaceIndex, ownerUidIndex, defaultIndexers } from "./indexer.js";
import { DeletedFinalStateUnknown, deletionHandlingKey, isDeletedFinalStateUnknown, Store, stripManagedFields, type StoreChange } from "./store.js";

function cm(name: string, opts: { ns?: string; uid?: string; rv?: string; labels?: Record<string, string>; owners?: string[]; data?: Record<string, string> } = {}): KubeObject {
  const meta: KubeObject["metadata"] = { name, uid: opts.uid ?? `uid-${name}`, resourceVersion: opts.rv ?? "1" };
  if (opts.ns !== "") meta.namespace = opts.ns ?? "default";
  if (opts.labels) meta.labels = opts.labels;
  if (opts.owners) meta.ownerReferences = opts.owners.map((uid) => ({ apiVersion: "v1", kind: "X", name: uid, uid }));
  return { apiVersion: "v1", kind: "ConfigMap", metadata: meta, data: opts.data ?? {} };
}

/** A compact description of changes: "+key", "~key", "-key" (tombstone "-key?"). */
function summary(changes: StoreChange<KubeObject>[]): string[] {
  return changes.map((c) => {
    if (c.type === "added") return `+${deletionHandlingKey(c.obj)}`;
    if (c.type === "updated") return `~${deletionHandlingKey(c.obj)}`;
    return `-${deletionHandlingKey(c.obj)}${isDeletedFinalStateUnknown(c.obj) ? "?" : ""}`;
  });
}

describe("Store keys and uid checks", () => {
  it("keys namespaced objects namespace/name and cluster-scoped ones by name", () => {
    const s = new Store();
    s.add(cm("a", { ns: "ns1" }));
    s.add(cm("node1", { ns: "" }));
    expect(s.listKeys().sort()).toEqual(["node1", "ns1/a"]);
    expect(s.getByKey("ns1/a")?.metadata.name).toBe("a");
    expect(s.get({ metadata: { name: "node1" } })?.metadata.name).toBe("node1");
    expect(s.size).toBe(2);
  });

  it("add of a new key is an add, of the same uid an update, of another uid a delete (tombstone) then an add", () => {
    const s = new Store();
    expect(summary(s.add(cm("a", { rv: "1" })))).toEqual(["+default/a"]);
    const upd = s.update(cm("a", { rv: "2" }));
    expect(summary(upd)).toEqual(["~default/a"]);
    expect(upd[0]).toMatchObject({ oldObj: { metadata: { resourceVersion: "1" } }, obj: { metadata: { resourceVersion: "2" } } });
    const recreated = s.add(cm("a", { rv: "5", uid: "other" }));
    expect(summary(recreated)).toEqual(["-default/a?", "+default/a"]);
    const tomb = recreated[0]?.obj as DeletedFinalStateUnknown;
    expect(tomb.key).toBe("default/a");
    expect(tomb.obj.metadata.uid).toBe("uid-a");
    expect(s.getByKey("default/a")?.metadata.uid).toBe("other");
  });

  it("delete reports the final state, a tombstone for another uid, and nothing for an unknown key", () => {
    const s = new Store();
    s.add(cm("a"));
    s.add(cm("b"));
    const del = s.delete(cm("a", { rv: "9" }));
    expect(del).toEqual([{ type: "deleted", obj: expect.objectContaining({ metadata: expect.objectContaining({ resourceVersion: "9" }) }) }]);
    expect(summary(s.delete(cm("b", { uid: "stranger" })))).toEqual(["-default/b?"]);
    expect(s.delete(cm("zzz"))).toEqual([]);
    expect(s.size).toBe(0);
  });

  it("replace reports only the difference: vanished keys as tombstones, new keys, changed resourceVersions, changed uids", () => {
    const s = new Store();
    s.replace([cm("keep", { rv: "1" }), cm("change", { rv: "1" }), cm("gone", { rv: "1" }), cm("recreated", { rv: "1" })]);
    const keep = s.getByKey("default/keep");
    const changes = s.replace([cm("keep", { rv: "1" }), cm("change", { rv: "7" }), cm("recreated", { rv: "8", uid: "new-uid" }), cm("new", { rv: "9" })]);
    expect(summary(changes)).toEqual(["-default/gone?", "~default/change", "-default/recreated?", "+default/recreated", "+default/new"]);
    // unchanged objects keep their instance
    expect(s.getByKey("default/keep")).toBe(keep);
    expect(s.listKeys().sort()).toEqual(["default/change", "default/keep", "default/new", "default/recreated"]);
    expect(s.replace([])).toHaveLength(4);
    expect(s.size).toBe(0);
  });

  it("freezes stored objects deeply unless told not to", () => {
    const s = new Store();
    s.add(cm("a", { data: { k: "v" } }));
    const obj = s.getByKey("default/a") as KubeObject & { data: Record<string, string> };
    expect(Object.isFrozen(obj)).toBe(true);
    expect(() => {
      obj.data.k = "changed";
    }).toThrow(TypeError);
    const loose = new Store({ freeze: false });
    loose.add(cm("a"));
    expect(Object.isFrozen(loose.getByKey("default/a"))).toBe(false);
  });
});

describe("Store indexes", () => {
  it("maintain namespace and owner-uid indexes through add, update and delete", () => {
    const s = new Store({ indexers: defaultIndexers() });
    s.add(cm("a", { ns: "n1", owners: ["o1"] }));
    s.add(cm("b", { ns: "n1", owners: ["o1", "o2"] }));
    s.add(cm("c", { ns: "n2" }));
    expect(s.byIndex(namespaceIndex, "n1").map((o) => o.metadata.name).sort()).toEqual(["a", "b"]);
    expect(s.indexKeys(ownerUidIndex, "o1").sort()).toEqual(["n1/a", "n1/b"]);
    expect(s.listIndexFuncValues(ownerUidIndex).sort()).toEqual(["o1", "o2"]);

    // an update moves the key between values
    s.update(cm("b", { ns: "n1", owners: ["o3"], rv: "2" }));
    expect(s.indexKeys(ownerUidIndex, "o1")).toEqual(["n1/a"]);
    expect(s.indexKeys(ownerUidIndex, "o2")).toEqual([]);
    expect(s.indexKeys(ownerUidIndex, "o3")).toEqual(["n1/b"]);
    expect(s.listIndexFuncValues(ownerUidIndex).sort()).toEqual(["o1", "o3"]);

    s.delete(cm("a", { ns: "n1" }));
    expect(s.indexKeys(ownerUidIndex, "o1")).toEqual([]);
    expect(s.byIndex(namespaceIndex, "n1").map((o) => o.metadata.name)).toEqual(["b"]);
    // replace rebuilds from the new contents
    s.replace([cm("z", { ns: "n9", owners: ["o1"] })]);
    expect(s.listIndexFuncValues(namespaceIndex)).toEqual(["n9"]);
    expect(s.indexKeys(ownerUidIndex, "o1")).toEqual(["n9/z"]);
  });

  it("adds user indexes on a filled store, finds objects sharing a value, and rejects duplicates and unknown names", () => {
    const s = new Store();
    s.add(cm("a", { labels: { app: "web", tier: "fe" } }));
    s.add(cm("b", { labels: { app: "web" } }));
    s.add(cm("c", { labels: { app: "db" } }));
    s.addIndexers({ byApp: (o) => (o.metadata.labels?.app ? [o.metadata.labels.app] : []) });
    expect(s.byIndex("byApp", "web").map((o) => o.metadata.name).sort()).toEqual(["a", "b"]);
    expect(s.index("byApp", cm("x", { labels: { app: "db" } })).map((o) => o.metadata.name)).toEqual(["c"]);
    expect(Object.keys(s.getIndexers())).toEqual(["byApp"]);
    expect(() => s.addIndexers({ byApp: () => [] })).toThrow(IndexConflictError);
    expect(() => s.byIndex("nope", "x")).toThrow(IndexNotFoundError);
    expect(() => s.byIndex("nope", "x")).toThrow("Index with name nope does not exist");
  });

  it("leaves an object out of an index whose function throws, and reports it", () => {
    const errors: string[] = [];
    const s = new Store({
      indexers: {
        bad: (o) => {
          if (o.metadata.name === "boom") throw new Error("boom");
          return ["ok"];
        },
      },
      onIndexError: (name, err) => errors.push(`${name}: ${(err as Error).message}`),
    });
    s.add(cm("boom"));
    s.add(cm("fine"));
    expect(s.indexKeys("bad", "ok")).toEqual(["default/fine"]);
    expect(s.size).toBe(2);
    expect(errors).toEqual(["bad: boom"]);
  });
});

describe("stripManagedFields", () => {
  it("drops metadata.managedFields without touching the input", () => {
    const obj = { ...cm("a"), metadata: { ...cm("a").metadata, managedFields: [{ manager: "kubectl" }] } };
    const out = stripManagedFields(obj);
    expect(out.metadata.managedFields).toBeUndefined();
    expect(out.metadata.name).toBe("a");
    expect(obj.metadata.managedFields).toHaveLength(1);
    const plain = cm("b");
    expect(stripManagedFields(plain)).toBe(plain);
  });
});

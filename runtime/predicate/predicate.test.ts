import { describe, expect, it } from "vitest";
import type { KubeObject } from "../core/object.js";
import { and, annotationChanged, generationChanged, labelChanged, labelSelectorPredicate, newPredicateFuncs, not, or, resourceVersionChanged, test, testAll, type Predicate } from "./index.js";

const obj = (meta: KubeObject["metadata"]): KubeObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "ns", ...meta } });
const upd = (a: KubeObject["metadata"], b: KubeObject["metadata"]) => ({ objectOld: obj(a), objectNew: obj(b) });
const others = (p: Predicate) => [test(p, "create", { object: obj({}), isInInitialList: false }), test(p, "delete", { object: obj({}), deleteStateUnknown: false }), test(p, "generic", { object: obj({}) })];

describe("predicates", () => {
  it("generationChanged", () => {
    const p = generationChanged();
    expect(test(p, "update", upd({ generation: 1 }, { generation: 2 }))).toBe(true);
    expect(test(p, "update", upd({ generation: 1, resourceVersion: "1" }, { generation: 1, resourceVersion: "2" }))).toBe(false);
    expect(test(p, "update", upd({}, {}))).toBe(false);
    expect(others(p)).toEqual([true, true, true]);
  });

  it("resourceVersionChanged drops resyncs", () => {
    const p = resourceVersionChanged();
    expect(test(p, "update", upd({ resourceVersion: "1" }, { resourceVersion: "2" }))).toBe(true);
    expect(test(p, "update", upd({ resourceVersion: "1" }, { resourceVersion: "1" }))).toBe(false);
    expect(others(p)).toEqual([true, true, true]);
  });

  it("labelChanged and annotationChanged (absent == {})", () => {
    const l = labelChanged();
    expect(test(l, "update", upd({ labels: { a: "1" } }, { labels: { a: "2" } }))).toBe(true);
    expect(test(l, "update", upd({ labels: { a: "1" } }, { labels: { a: "1" } }))).toBe(false);
    expect(test(l, "update", upd({}, { labels: {} }))).toBe(false);
    expect(test(l, "update", upd({}, { labels: { x: "" } }))).toBe(true);
    expect(test(l, "update", upd({ labels: { a: "1" } }, { labels: { a: "1" }, annotations: { b: "2" } }))).toBe(false);
    const a = annotationChanged();
    expect(test(a, "update", upd({}, { annotations: { b: "2" } }))).toBe(true);
    expect(test(a, "update", upd({ annotations: { b: "2" } }, { annotations: { b: "2" }, labels: { x: "y" } }))).toBe(false);
    expect(others(l)).toEqual([true, true, true]);
    expect(others(a)).toEqual([true, true, true]);
  });

  it("and / or / not truth tables", () => {
    const T: Predicate = { create: () => true, update: () => true, delete: () => true, generic: () => true };
    const F: Predicate = { create: () => false, update: () => false, delete: () => false, generic: () => false };
    const ev = { object: obj({}), isInInitialList: true };
    const table: Array<[Predicate[], boolean, boolean]> = [
      [[], true, false],
      [[T], true, true],
      [[F], false, false],
      [[T, T], true, true],
      [[T, F], false, true],
      [[F, T], false, true],
      [[F, F], false, false],
    ];
    for (const [ps, andWant, orWant] of table) {
      expect(test(and(...ps), "create", ev)).toBe(andWant);
      expect(test(or(...ps), "create", ev)).toBe(orWant);
      expect(test(not(and(...ps)), "create", ev)).toBe(!andWant);
    }
    expect(test(not(T), "generic", { object: obj({}) })).toBe(false);
    expect(test(not(F), "delete", { object: obj({}), deleteStateUnknown: true })).toBe(true);
    // a missing method accepts; its negation rejects
    expect(test(not({}), "update", upd({}, {}))).toBe(false);
    expect(test(or(generationChanged(), labelChanged()), "update", upd({ generation: 1 }, { generation: 1, labels: { a: "b" } }))).toBe(true);
    expect(testAll([T, F], "create", ev)).toBe(false);
    expect(testAll([], "create", ev)).toBe(true);
  });

  it("newPredicateFuncs filters the object (new object of updates); labelSelectorPredicate", () => {
    const p = newPredicateFuncs((o) => o.metadata.name === "keep");
    expect(test(p, "create", { object: obj({ name: "keep" }), isInInitialList: false })).toBe(true);
    expect(test(p, "create", { object: obj({ name: "drop" }), isInInitialList: false })).toBe(false);
    expect(test(p, "update", upd({ name: "drop" }, { name: "keep" }))).toBe(true);
    expect(test(p, "update", upd({ name: "keep" }, { name: "drop" }))).toBe(false);
    expect(test(p, "delete", { object: obj({ name: "drop" }), deleteStateUnknown: false })).toBe(false);
    expect(test(p, "generic", { object: obj({ name: "keep" }) })).toBe(true);
    const s = labelSelectorPredicate("app=web,tier!=db");
    expect(test(s, "create", { object: obj({ labels: { app: "web" } }), isInInitialList: false })).toBe(true);
    expect(test(s, "create", { object: obj({ labels: { app: "web", tier: "db" } }), isInInitialList: false })).toBe(false);
    const s2 = labelSelectorPredicate({ matchLabels: { app: "web" } });
    expect(test(s2, "generic", { object: obj({ labels: { app: "api" } }) })).toBe(false);
  });
});

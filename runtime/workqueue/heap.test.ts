import { describe, expect, it } from "vitest";
import { MinHeap, type HeapEntry } from "./heap.js";

interface E extends HeapEntry {
  v: number;
}
const entry = (v: number): E => ({ v, heapIndex: -1 });
const less = (a: E, b: E): boolean => a.v < b.v;

function drain(h: MinHeap<E>): number[] {
  const out: number[] = [];
  for (let e = h.pop(); e !== undefined; e = h.pop()) out.push(e.v);
  return out;
}

describe("MinHeap", () => {
  it("pops in ascending order", () => {
    const h = new MinHeap<E>(less);
    const values = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1009);
    for (const v of values) h.push(entry(v));
    expect(h.size).toBe(1000);
    expect(h.peek()?.v).toBe(0);
    expect(drain(h)).toEqual([...values].sort((a, b) => a - b));
    expect(h.pop()).toBeUndefined();
    expect(h.peek()).toBeUndefined();
  });

  it("fix re-orders an entry whose key moved either way", () => {
    const h = new MinHeap<E>(less);
    const es = [5, 10, 15, 20, 25].map(entry);
    for (const e of es) h.push(e);
    const e20 = es[3] as E;
    e20.v = 1;
    h.fix(e20);
    expect(h.peek()).toBe(e20);
    const e5 = es[0] as E;
    e5.v = 100;
    h.fix(e5);
    expect(drain(h)).toEqual([1, 10, 15, 25, 100]);
  });

  it("removes an entry from the middle and tracks positions", () => {
    const h = new MinHeap<E>(less);
    const es = Array.from({ length: 50 }, (_, i) => entry((i * 31) % 50));
    for (const e of es) h.push(e);
    const removed = es.filter((_, i) => i % 3 === 0);
    for (const e of removed) h.remove(e);
    for (const e of removed) expect(e.heapIndex).toBe(-1);
    h.remove(removed[0] as E); // not in the heap any more: no-op
    const kept = es.filter((_, i) => i % 3 !== 0).map((e) => e.v);
    expect(drain(h)).toEqual(kept.sort((a, b) => a - b));
  });

  it("clear empties it", () => {
    const h = new MinHeap<E>(less);
    const e = entry(1);
    h.push(e);
    h.clear();
    expect(h.size).toBe(0);
    expect(e.heapIndex).toBe(-1);
  });
});

/**
 * A binary min-heap whose entries know their own position, so that an entry can be re-ordered after its
 * key changed (`fix`) or removed from the middle (`remove`) in O(log n) — what container/heap gives the
 * delaying queue in client-go. Internal to the work queue package (not exported from index.ts).
 */

/** What the heap needs from an entry: a slot for its position, owned by the heap (-1 when not in a heap). */
export interface HeapEntry {
  heapIndex: number;
}

export class MinHeap<E extends HeapEntry> {
  readonly #items: E[] = [];
  readonly #less: (a: E, b: E) => boolean;

  /** `less(a, b)` must be a strict weak order; the smallest entry is at the top. */
  constructor(less: (a: E, b: E) => boolean) {
    this.#less = less;
  }

  /** Number of entries. */
  get size(): number {
    return this.#items.length;
  }

  /** The smallest entry without removing it; undefined when empty. */
  peek(): E | undefined {
    return this.#items[0];
  }

  /** Adds an entry that is not in any heap. O(log n). */
  push(e: E): void {
    e.heapIndex = this.#items.length;
    this.#items.push(e);
    this.#up(e.heapIndex);
  }

  /** Removes and returns the smallest entry; undefined when empty. O(log n). */
  pop(): E | undefined {
    const items = this.#items;
    const top = items[0];
    if (top === undefined) return undefined;
    const last = items.pop() as E;
    if (last !== top) {
      items[0] = last;
      last.heapIndex = 0;
      this.#down(0);
    }
    top.heapIndex = -1;
    return top;
  }

  /** Restores the order after the key of `e` (an entry of this heap) changed in either direction. O(log n). */
  fix(e: E): void {
    if (!this.#up(e.heapIndex)) this.#down(e.heapIndex);
  }

  /** Removes `e` (an entry of this heap) wherever it is. O(log n). */
  remove(e: E): void {
    const items = this.#items;
    const i = e.heapIndex;
    if (items[i] !== e) return;
    const last = items.pop() as E;
    if (last !== e) {
      items[i] = last;
      last.heapIndex = i;
      this.fix(last);
    }
    e.heapIndex = -1;
  }

  /** Drops every entry. */
  clear(): void {
    for (const e of this.#items) e.heapIndex = -1;
    this.#items.length = 0;
  }

  /** Moves the entry at i towards the top; true if it moved. */
  #up(i: number): boolean {
    const items = this.#items;
    const e = items[i] as E;
    const start = i;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p] as E;
      if (!this.#less(e, parent)) break;
      items[i] = parent;
      parent.heapIndex = i;
      i = p;
    }
    items[i] = e;
    e.heapIndex = i;
    return i !== start;
  }

  #down(i: number): void {
    const items = this.#items;
    const n = items.length;
    const e = items[i] as E;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      let child = items[l] as E;
      if (r < n && this.#less(items[r] as E, child)) {
        c = r;
        child = items[r] as E;
      }
      if (!this.#less(child, e)) break;
      items[i] = child;
      child.heapIndex = i;
      i = c;
    }
    items[i] = e;
    e.heapIndex = i;
  }
}

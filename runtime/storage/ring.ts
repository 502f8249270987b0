/** A bounded FIFO: pushing onto a full ring evicts (and returns) the oldest element. */
export class Ring<T> {
  private readonly buf: (T | undefined)[] = [];
  private head = 0; // index of the oldest element once the buffer is full
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.count;
  }

  /** Appends `item`; returns the evicted oldest element when the ring was full. */
  push(item: T): T | undefined {
    if (this.count < this.capacity) {
      this.buf.push(item); // grows lazily: an idle resource costs nothing
      this.count++;
      return undefined;
    }
    const evicted = this.buf[this.head];
    this.buf[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
    return evicted;
  }

  /** The i-th element, 0 = oldest. */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.buf[(this.head + i) % this.capacity];
  }

  /** The newest element. */
  last(): T | undefined {
    return this.at(this.count - 1);
  }

  /** Index of the first element for which `isAfter` holds, given it holds for a suffix of the ring. */
  firstIndex(isAfter: (item: T) => boolean): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (isAfter(this.at(mid) as T)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

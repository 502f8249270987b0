/**
 * A sorted array of distinct string keys (UTF-16 code unit order, which for the ASCII keys of Kubernetes equals
 * etcd's byte order). Lookups are binary searches; inserts and removals cost one splice.
 */
export class SortedKeys {
  private readonly keys: string[] = [];

  get size(): number {
    return this.keys.length;
  }

  at(i: number): string | undefined {
    return this.keys[i];
  }

  /** Index of the first key >= `key`. */
  lowerBound(key: string, from = 0): number {
    let lo = from;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.keys[mid] as string) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Index just past the keys that start with `prefix`, searching from `from`, where every key at or after `from`
   * is >= `prefix` (so the matching keys are one contiguous run starting at `from`).
   */
  prefixEnd(prefix: string, from: number): number {
    if (prefix === "") return this.keys.length;
    let lo = from;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.keys[mid] as string).startsWith(prefix)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds `key` (no-op if present). Appending in order costs no copying. */
  insert(key: string): void {
    const n = this.keys.length;
    if (n === 0 || (this.keys[n - 1] as string) < key) {
      this.keys.push(key);
      return;
    }
    const i = this.lowerBound(key);
    if (this.keys[i] !== key) this.keys.splice(i, 0, key);
  }

  /** Removes `key` (no-op if absent). */
  remove(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] === key) this.keys.splice(i, 1);
  }
}

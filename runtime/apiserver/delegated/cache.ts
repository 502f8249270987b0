/**
 * A bounded LRU cache whose entries expire (apimachinery's LRUExpireCache), with concurrent lookups of one
 * key sharing a single computation — what the token and access-review caches need, so that a burst of
 * requests with the same credentials sends one review.
 */

export interface ExpiringCacheOptions {
  /** Most entries kept; the least recently used go first. */
  maxEntries: number;
  /** Milliseconds clock (tests). Default Date.now. */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  expires: number;
}

export class ExpiringCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly inflight = new Map<string, Promise<V>>();
  private readonly now: () => number;

  constructor(private readonly opts: ExpiringCacheOptions) {
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The live value of `key` (refreshing its recency), or undefined. */
  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  /** Stores `value` for `ttlMs` (≤ 0: not stored). */
  set(key: string, value: V, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expires: this.now() + ttlMs });
    while (this.entries.size > this.opts.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  /**
   * The cached value of `key`, else the result of `compute` — shared with every concurrent caller of the same
   * key — stored for the TTL `ttlOf` gives it. A rejected computation is not cached.
   */
  async getOrCompute(key: string, compute: () => Promise<V>, ttlOf: (value: V) => number): Promise<V> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const p = (async () => {
      try {
        const v = await compute();
        this.set(key, v, ttlOf(v));
        return v;
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, p);
    return p;
  }

  clear(): void {
    this.entries.clear();
  }
}

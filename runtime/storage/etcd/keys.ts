/**
 * etcd key layout: `<prefix>/<resource storage name>/<key>`, where `<key>` is the storage key ("ns/name" or
 * "name"). Keys are UTF-8; etcd orders them bytewise, which for the ASCII keys of Kubernetes is the same order
 * as the memory backend's.
 */

/** The key just after every key starting with `prefix` (etcd's range_end for a prefix range). */
export function prefixEnd(prefix: Buffer): Buffer {
  const b = Buffer.from(prefix);
  for (let i = b.length - 1; i >= 0; i--) {
    const v = b[i] ?? 0;
    if (v < 0xff) {
      b[i] = v + 1;
      return b.subarray(0, i + 1);
    }
  }
  // Every byte is 0xff: "\0" means "to the end of the keyspace".
  return Buffer.from([0]);
}

/** Maps the keys of one resource to etcd keys and back. */
export class ResourceKeys {
  /** `<prefix>/<resource>/`, the common prefix of all keys of the resource. */
  readonly base: string;

  constructor(prefix: string, resource: string) {
    this.base = `${prefix.replace(/\/+$/, "")}/${resource}/`;
  }

  /** The etcd key of a storage key. */
  full(key: string): Buffer {
    return Buffer.from(this.base + key, "utf8");
  }

  /** The storage key of an etcd key of this resource. */
  relative(etcdKey: Buffer): string {
    return etcdKey.toString("utf8").slice(this.base.length);
  }

  /** [start, end) of the etcd keys whose storage key starts with `keyPrefix`. */
  range(keyPrefix: string): { start: Buffer; end: Buffer } {
    const start = this.full(keyPrefix);
    return { start, end: prefixEnd(start) };
  }
}

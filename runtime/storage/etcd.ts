/**
 * The etcd storage backend: kube-apiserver's etcd3 store semantics on the `etcd3` gRPC client.
 *
 * Keys are `<prefix>/<resource storage name>/<key>`, values the object's JSON (without resourceVersion), and
 * an object's resourceVersion is its key's mod revision. create is a transaction on "key absent";
 * guaranteedUpdate and delete are compare-and-swap loops on the mod revision read; lists read at one revision
 * (the first page's, carried by the continue token); watches are etcd watches from resourceVersion + 1. Several
 * EtcdBackends (apiserver replicas) may share one etcd: every read goes to etcd, so they see each other's writes.
 *
 * History: etcd keeps every revision until it is compacted. With `historyRevisions` the backend compacts etcd
 * itself (to the latest revision − N, once 2N revisions have accumulated); otherwise leave compaction to etcd
 * (`--auto-compaction-retention`) or another component. Reads and watches at compacted revisions answer
 * 410 Expired.
 */
import { Etcd3, type IOptions } from "etcd3";
import type { Storage, StorageBackend } from "./interface.js";
import { EtcdCore } from "./etcd/core.js";
import { EtcdStorage } from "./etcd/storage.js";

export interface EtcdBackendOptions {
  /** Client URLs, e.g. ["http://127.0.0.1:2379"]. */
  endpoints: string[];
  /** Key prefix of all resources. Default "/registry" (kube-apiserver's). */
  prefix?: string;
  /** TLS: CA bundle, and client certificate and key for mutual TLS (PEM). */
  tls?: { caPEM: string; certPEM?: string; keyPEM?: string };
  /** Compact etcd to keep roughly this many latest revisions (between N and 2N). Default: never compact. */
  historyRevisions?: number;
  /** Interval of the BOOKMARK events sent to watches with allowWatchBookmarks. Default 60000. */
  bookmarkIntervalMs?: number;
  /** How long a list or watch at a resourceVersion not reached yet waits before 504 Timeout. Default 3000. */
  futureRevisionWaitMs?: number;
  /** Per-call timeout of etcd requests (ms). Default 30000. */
  requestTimeoutMs?: number;
}

/** A StorageBackend on etcd v3. */
export class EtcdBackend implements StorageBackend {
  private readonly core: EtcdCore;
  private readonly storages = new Map<string, EtcdStorage>();

  constructor(opts: EtcdBackendOptions) {
    if (opts.endpoints.length === 0) throw new RangeError("EtcdBackend needs at least one endpoint");
    const historyRevisions = opts.historyRevisions;
    if (historyRevisions !== undefined && (!Number.isInteger(historyRevisions) || historyRevisions < 1)) {
      throw new RangeError(`historyRevisions must be a positive integer, got ${historyRevisions}`);
    }
    const bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 60_000;
    if (!(bookmarkIntervalMs > 0)) throw new RangeError(`bookmarkIntervalMs must be positive, got ${bookmarkIntervalMs}`);
    const clientOpts: IOptions = { hosts: opts.endpoints, dialTimeout: 5_000, defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + (opts.requestTimeoutMs ?? 30_000) }) };
    if (opts.tls) {
      clientOpts.credentials = {
        rootCertificate: Buffer.from(opts.tls.caPEM),
        ...(opts.tls.keyPEM ? { privateKey: Buffer.from(opts.tls.keyPEM) } : {}),
        ...(opts.tls.certPEM ? { certChain: Buffer.from(opts.tls.certPEM) } : {}),
      };
    }
    this.core = new EtcdCore(new Etcd3(clientOpts), {
      prefix: (opts.prefix ?? "/registry").replace(/\/+$/, ""),
      bookmarkIntervalMs,
      futureRevisionWaitMs: opts.futureRevisionWaitMs ?? 3_000,
      historyRevisions,
    });
  }

  forResource(name: string): Storage {
    let s = this.storages.get(name);
    if (!s) {
      s = new EtcdStorage(this.core, name);
      this.storages.set(name, s);
    }
    return s;
  }

  async currentResourceVersion(): Promise<string> {
    return String(await this.core.currentRevision());
  }

  /** Ends every watch (handler.close() without error), fails later operations with 503, closes the client. Idempotent. */
  async close(): Promise<void> {
    if (this.core.closed) return;
    this.core.shutdown();
    // Let the watch cancellations go out before the channel closes.
    await new Promise((r) => setTimeout(r, 0));
    this.core.client.close();
  }
}

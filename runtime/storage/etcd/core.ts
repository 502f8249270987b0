/**
 * Backend-wide state of an EtcdBackend: the client, the closed flag, waiting for revisions, count-based
 * compaction and periodic bookmarks.
 */
import type { Etcd3, IRangeRequest, IRangeResponse } from "etcd3";
import { newServiceUnavailable, newTooLargeResourceVersion } from "../../core/errors.js";
import { isCompacted, toApiError } from "./errors.js";

/** What the core needs of a live watch. */
export interface CoreWatch {
  /** Sends a BOOKMARK at the watch's resume point. */
  bookmark(): void;
  /** Ends the watch from the storage side (handler.close()). */
  terminate(): void;
}

export interface CoreOptions {
  prefix: string;
  bookmarkIntervalMs: number;
  futureRevisionWaitMs: number;
  historyRevisions: number | undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class EtcdCore {
  closed = false;
  /** The newest revision this backend compacted etcd to (0 = none known). */
  compactedRev = 0;
  readonly watches = new Set<CoreWatch>();
  private readonly bookmarkWatches = new Set<CoreWatch>();
  private bookmarkTimer: NodeJS.Timeout | undefined;
  private compacting: Promise<void> | undefined;

  constructor(
    readonly client: Etcd3,
    readonly opts: CoreOptions,
  ) {}

  checkOpen(): void {
    if (this.closed) throw newServiceUnavailable("storage backend is closed");
  }

  /** Runs an etcd call, mapping its failures to API errors (503 once closed). */
  async call<T>(f: () => Promise<T>): Promise<T> {
    this.checkOpen();
    try {
      return await f();
    } catch (err) {
      this.checkOpen();
      throw toApiError(err);
    }
  }

  /** A range read; a compacted revision rejects with the raw etcd error (callers map it to their 410). */
  async range(req: IRangeRequest): Promise<IRangeResponse> {
    this.checkOpen();
    try {
      return await this.client.kv.range(req);
    } catch (err) {
      this.checkOpen();
      if (isCompacted(err)) throw err;
      throw toApiError(err);
    }
  }

  /** etcd's current revision (a linearizable read of one key). */
  async currentRevision(): Promise<number> {
    const res = await this.range({ key: Buffer.from(this.opts.prefix), keys_only: true, limit: 1 });
    return Number(res.header.revision);
  }

  /** Resolves once etcd reaches `rev`; 504 ResourceVersionTooLarge after the wait limit. */
  async waitForRevision(rev: number): Promise<void> {
    if (rev <= 0) return;
    const deadline = Date.now() + this.opts.futureRevisionWaitMs;
    for (;;) {
      const current = await this.currentRevision();
      if (current >= rev) return;
      const left = deadline - Date.now();
      if (left <= 0) throw newTooLargeResourceVersion(String(rev), String(current));
      await sleep(Math.min(25, left));
    }
  }

  /**
   * After a write at `rev`: with historyRevisions = N, compacts etcd to rev − N once N more revisions have
   * accumulated past the last compaction, so between N and 2N revisions stay readable. Awaited by the write so
   * that a read after it sees the compaction.
   */
  async afterWrite(rev: number): Promise<void> {
    const n = this.opts.historyRevisions;
    if (n === undefined) return;
    if (this.compacting) return this.compacting;
    if (rev - this.compactedRev < 2 * n) return;
    const target = rev - n;
    this.compacting = (async () => {
      try {
        await this.client.kv.compact({ revision: target });
      } catch (err) {
        // Another replica compacted further already: nothing to do.
        if (!isCompacted(err)) throw toApiError(err);
      }
      this.compactedRev = Math.max(this.compactedRev, target);
    })().finally(() => {
      this.compacting = undefined;
    });
    return this.compacting;
  }

  addWatch(w: CoreWatch, bookmarks: boolean): void {
    this.watches.add(w);
    if (!bookmarks) return;
    this.bookmarkWatches.add(w);
    if (!this.bookmarkTimer) {
      this.bookmarkTimer = setInterval(() => {
        for (const bw of this.bookmarkWatches) bw.bookmark();
      }, this.opts.bookmarkIntervalMs);
      this.bookmarkTimer.unref();
    }
  }

  removeWatch(w: CoreWatch): void {
    this.watches.delete(w);
    if (!this.bookmarkWatches.delete(w) || this.bookmarkWatches.size > 0) return;
    clearInterval(this.bookmarkTimer);
    this.bookmarkTimer = undefined;
  }

  /** Marks the backend closed and ends every watch; the caller closes the client. */
  shutdown(): void {
    this.closed = true;
    clearInterval(this.bookmarkTimer);
    this.bookmarkTimer = undefined;
    for (const w of [...this.watches]) w.terminate();
  }
}

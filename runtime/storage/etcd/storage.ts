/** The Storage of one resource on etcd. */
import type { IRangeResponse } from "etcd3";
import { newResourceExpired } from "../../core/errors.js";
import type { KubeObject } from "../../core/object.js";
import { encodeContinue, newContinueExpired, resolveListStart } from "../continue.js";
import {
  StorageError,
  type ListOptions,
  type ListResult,
  type Preconditions,
  type Storage,
  type TryUpdate,
  type UpdateOptions,
  type Watch,
  type WatchHandler,
  type WatchOptions,
} from "../interface.js";
import { equalIgnoringResourceVersion } from "../jsonequal.js";
import { numericVersioner } from "../versioner.js";
import { decodeKV, decodeObject, encodeObject, type Current } from "./codec.js";
import type { EtcdCore } from "./core.js";
import { checkPreconditions, isCompacted, notFound } from "./errors.js";
import { ResourceKeys } from "./keys.js";
import { EtcdWatch } from "./watch.js";

/** Batch size of the range reads of a list with a predicate and a limit. */
const FILTERED_BATCH = 256;

export class EtcdStorage implements Storage {
  readonly versioner = numericVersioner;
  private readonly keys: ResourceKeys;

  constructor(
    private readonly core: EtcdCore,
    readonly name: string,
  ) {
    this.keys = new ResourceKeys(core.opts.prefix, name);
  }

  async create(key: string, obj: KubeObject): Promise<KubeObject> {
    const k = this.keys.full(key);
    const value = encodeObject(obj);
    const res = await this.core.call(() =>
      this.core.client.kv.txn({
        compare: [{ key: k, target: "Create", result: "Equal", create_revision: 0 }],
        success: [{ request_put: { key: k, value } }],
      }),
    );
    if (!res.succeeded) throw new StorageError("KeyExists", key, `key ${JSON.stringify(key)} already exists`);
    return this.written(value, res.header.revision);
  }

  async get(key: string): Promise<KubeObject | undefined> {
    return (await this.read(key))?.obj;
  }

  async count(): Promise<number> {
    const { start, end } = this.keys.range("");
    const res = await this.core.call(() => this.core.client.kv.range({ key: start, range_end: end, count_only: true }));
    return Number(res.count);
  }

  async guaranteedUpdate(key: string, opts: UpdateOptions, tryUpdate: TryUpdate): Promise<KubeObject> {
    const k = this.keys.full(key);
    let current = await this.read(key);
    for (;;) {
      if (!current && !opts.ignoreNotFound) throw notFound(key);
      checkPreconditions(key, current?.obj, opts.preconditions);
      const next = await tryUpdate(current ? structuredClone(current.obj) : undefined);
      this.core.checkOpen();
      if (typeof next !== "object" || next === null) throw new StorageError("InvalidObj", key, "tryUpdate returned no object");
      const unchanged = current !== undefined && equalIgnoringResourceVersion(next, current.obj);
      const value = unchanged ? undefined : encodeObject(next);
      // Compare-and-swap on the mod revision read (0 = absent); on failure the txn returns the new state.
      const res = await this.core.call(() =>
        this.core.client.kv.txn({
          compare: [{ key: k, target: "Mod", result: "Equal", mod_revision: current?.modRevision ?? 0 }],
          success: value ? [{ request_put: { key: k, value } }] : [],
          failure: [{ request_range: { key: k } }],
        }),
      );
      if (res.succeeded) {
        // A no-op update is not written (no new resourceVersion): the current object is the result.
        if (!value) return (current as Current).obj;
        return this.written(value, res.header.revision);
      }
      current = this.fromRange(res.responses[0]?.response_range);
    }
  }

  async delete(key: string, preconditions?: Preconditions, validate?: (current: KubeObject) => void | Promise<void>): Promise<KubeObject> {
    const k = this.keys.full(key);
    let current = await this.read(key);
    for (;;) {
      if (!current) throw notFound(key);
      checkPreconditions(key, current.obj, preconditions);
      if (validate) await validate(structuredClone(current.obj));
      const res = await this.core.call(() =>
        this.core.client.kv.txn({
          compare: [{ key: k, target: "Mod", result: "Equal", mod_revision: current?.modRevision ?? 0 }],
          success: [{ request_delete_range: { key: k } }],
          failure: [{ request_range: { key: k } }],
        }),
      );
      if (res.succeeded) {
        const rev = res.header.revision;
        await this.core.afterWrite(Number(rev));
        return { ...current.obj, metadata: { ...current.obj.metadata, resourceVersion: rev } };
      }
      current = this.fromRange(res.responses[0]?.response_range);
    }
  }

  async list(opts: ListOptions): Promise<ListResult> {
    this.core.checkOpen();
    const prefix = opts.prefix ?? "";
    const limit = opts.limit !== undefined && opts.limit > 0 ? Math.floor(opts.limit) : 0;
    const start = await resolveListStart(opts, (rv) => this.versioner.parse(rv), (r) => this.core.waitForRevision(r));
    const { startKey: from, fromContinue } = start;
    let rev = start.revision; // undefined = latest
    const pred = opts.predicate;
    const end = this.keys.range(prefix).end;
    const items: KubeObject[] = [];
    let next = this.keys.full(from);
    let lastKey: string | undefined;
    let more = false;
    let remainingItemCount: number | undefined;
    for (;;) {
      const batch = limit === 0 ? 0 : pred ? Math.max(limit, FILTERED_BATCH) : limit;
      const res = await this.rangeAt(next, end, batch, rev, fromContinue ? from : undefined, prefix);
      rev ??= Number(res.header.revision);
      let i = 0;
      for (; i < res.kvs.length && !(limit > 0 && items.length >= limit); i++) {
        const kv = res.kvs[i];
        if (!kv) continue;
        const obj = decodeObject(kv.value, kv.mod_revision);
        if (!pred || pred(obj)) {
          items.push(obj);
          lastKey = this.keys.relative(kv.key);
        }
      }
      const last = res.kvs[i - 1];
      if (i < res.kvs.length || (res.more && limit > 0 && items.length >= limit)) {
        more = true;
        if (!pred) remainingItemCount = Number(res.count) - i;
        break;
      }
      if (!res.more || !last) break;
      // A predicate left the page short: read on after the last key examined.
      next = Buffer.concat([last.key, Buffer.from([0])]);
    }
    const result: ListResult = { items, resourceVersion: String(rev) };
    if (more && lastKey !== undefined) {
      result.continue = encodeContinue(lastKey, prefix, rev);
      if (remainingItemCount !== undefined) result.remainingItemCount = remainingItemCount;
    }
    return result;
  }

  async watch(opts: WatchOptions, handler: WatchHandler): Promise<Watch> {
    this.core.checkOpen();
    const prefix = opts.prefix ?? "";
    const requested = this.versioner.parse(opts.resourceVersion);
    await this.core.waitForRevision(requested);
    let startRev: number;
    const initial = opts.sendInitialEvents ?? requested === 0;
    let state: IRangeResponse | undefined;
    if (initial) {
      const { start, end } = this.keys.range(prefix);
      state = await this.core.call(() => this.core.client.kv.range({ key: start, range_end: end }));
      startRev = Number(state.header.revision);
    } else if (requested > 0) {
      // etcd would accept the watch and cancel it right after; check first so that the promise rejects with 410.
      await this.rangeAt(this.keys.full(prefix), undefined, 1, requested, undefined, prefix, true);
      startRev = requested;
    } else {
      startRev = await this.core.currentRevision();
    }
    const w = new EtcdWatch(this.core, this.keys, prefix, opts.predicate, handler, startRev);
    if (state) {
      for (const kv of state.kvs) {
        const obj = decodeObject(kv.value, kv.mod_revision);
        if (w.matches(obj)) w.emit({ type: "ADDED", object: obj });
      }
      if (opts.sendInitialEvents === true) {
        w.emit({ type: "BOOKMARK", object: { metadata: { resourceVersion: String(startRev), annotations: { "k8s.io/initial-events-end": "true" } } } });
      }
    }
    await w.start(opts.allowWatchBookmarks === true);
    return w;
  }

  /** The key's current value, or undefined. */
  private async read(key: string): Promise<Current | undefined> {
    const k = this.keys.full(key);
    return this.fromRange(await this.core.call(() => this.core.client.kv.range({ key: k })));
  }

  private fromRange(res: IRangeResponse | undefined): Current | undefined {
    const kv = res?.kvs[0];
    return kv ? decodeKV(kv) : undefined;
  }

  /** The object as written at `revision`, compacting afterwards when due. */
  private async written(value: Buffer, revision: string): Promise<KubeObject> {
    await this.core.afterWrite(Number(revision));
    return decodeObject(value, revision);
  }

  /**
   * A range read at `rev` (undefined = latest). A compacted revision is 410: with upstream's continue message
   * (and a token continuing from `continueFrom` at the latest state) for continue pages, else "too old".
   */
  private async rangeAt(key: Buffer, end: Buffer | undefined, limit: number, rev: number | undefined, continueFrom: string | undefined, prefix: string, keysOnly = false) {
    try {
      return await this.core.range({ key, ...(end ? { range_end: end } : {}), limit, ...(rev !== undefined ? { revision: rev } : {}), ...(keysOnly ? { keys_only: true } : {}) });
    } catch (err) {
      if (!isCompacted(err)) throw err;
      if (continueFrom !== undefined) throw newContinueExpired(continueFrom, prefix);
      const compacted = this.core.compactedRev;
      throw newResourceExpired(`too old resource version: ${rev ?? 0}${compacted > 0 ? ` (${compacted})` : ""}`);
    }
  }
}

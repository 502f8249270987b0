/**
 * One watch on etcd: an etcd watcher from a start revision (with previous key-values, for DELETED objects and
 * predicate transitions), turned into WatchEvents for one handler. Events arrive in revision order; a watcher
 * that etcd cancels or that loses its connection ends the watch (handler.close(err)) rather than risk a gap:
 * the client resumes from the last resourceVersion it saw.
 */
import type { IEvent, IWatchResponse, Watcher } from "etcd3";
import { newInternalError, newResourceExpired, newServiceUnavailable, type StatusError } from "../../core/errors.js";
import type { KubeObject } from "../../core/object.js";
import type { Predicate, Watch, WatchEvent, WatchHandler } from "../interface.js";
import { decodeObject } from "./codec.js";
import type { CoreWatch, EtcdCore } from "./core.js";
import { isCompacted } from "./errors.js";
import type { ResourceKeys } from "./keys.js";

export class EtcdWatch implements Watch, CoreWatch {
  stopped = false;
  private watcher: Watcher | undefined;
  private cancelledByEtcd = false;

  constructor(
    private readonly core: EtcdCore,
    private readonly keys: ResourceKeys,
    private readonly prefix: string,
    private readonly predicate: Predicate | undefined,
    private readonly handler: WatchHandler,
    /** Every change at or below this revision has been sent (or was part of the initial state). */
    private lastRev: number,
  ) {}

  matches(obj: KubeObject): boolean {
    return !this.predicate || this.predicate(obj);
  }

  /**
   * Starts the etcd watcher at lastRev + 1 and registers with the core. Rejects with 410 when etcd has compacted
   * that revision away.
   */
  async start(bookmarks: boolean): Promise<void> {
    if (this.stopped) return;
    const { start, end } = this.keys.range(this.prefix);
    const watcher = this.core.client
      .watch()
      .inRange({ start, end })
      .startRevision(String(this.lastRev + 1))
      .withPreviousKV()
      .watcher();
    this.watcher = watcher;
    // Listeners go on before the watcher can receive anything (watcher() attaches it to the stream right away).
    let startFailure: ((err: Error) => void) | undefined;
    watcher.on("data", (res: IWatchResponse) => this.onData(res));
    watcher.on("error", (err: Error) => {
      // etcd cancelled the watcher itself: cancelling it again would make etcd answer for an unknown watcher.
      this.cancelledByEtcd = true;
      if (startFailure) startFailure(err);
      else void this.onCancel(err);
    });
    watcher.on("disconnected", (err: Error) => this.terminate(newServiceUnavailable(`etcd watch disconnected: ${err.message}`)));
    try {
      await new Promise<void>((resolve, reject) => {
        startFailure = reject;
        watcher.once("connected", () => resolve());
      });
    } catch (err) {
      this.stopWatcher();
      this.stopped = true;
      throw (await this.expiredOr(err)) ?? newInternalError(err);
    } finally {
      startFailure = undefined;
    }
    if (this.stopped) {
      this.stopWatcher();
      return;
    }
    this.core.addWatch(this, bookmarks);
  }

  /** Sends a synthetic event (initial state). */
  emit(ev: WatchEvent): void {
    if (this.stopped) return;
    try {
      this.handler.event(ev);
    } catch (err) {
      this.terminate(newInternalError(err));
    }
  }

  bookmark(): void {
    this.emit({ type: "BOOKMARK", object: { metadata: { resourceVersion: String(this.lastRev) } } });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.core.removeWatch(this);
    this.stopWatcher();
  }

  /** Ends the watch from the storage side: stop, then handler.close(err). */
  terminate(err?: StatusError): void {
    if (this.stopped) return;
    this.stop();
    try {
      this.handler.close(err);
    } catch {
      // close must not throw; nothing else to tell a handler that does
    }
  }

  private stopWatcher(): void {
    const w = this.watcher;
    this.watcher = undefined;
    w?.removeAllListeners("data");
    w?.removeAllListeners("disconnected");
    // Keep an error listener: an EventEmitter without one throws.
    if (!this.cancelledByEtcd) w?.cancel().catch(() => undefined);
  }

  private onData(res: IWatchResponse): void {
    for (const ev of res.events) {
      if (this.stopped) return;
      const rev = Number(ev.kv.mod_revision);
      if (rev <= this.lastRev) continue; // already sent
      this.deliver(ev);
      this.lastRev = rev;
    }
  }

  private deliver(ev: IEvent): void {
    const object = ev.type === "Delete" ? this.deletedObject(ev) : decodeObject(ev.kv.value, ev.kv.mod_revision);
    if (!object) return;
    const prev = ev.prev_kv ? decodeObject(ev.prev_kv.value, ev.prev_kv.mod_revision) : undefined;
    const created = ev.type === "Put" && ev.kv.create_revision === ev.kv.mod_revision;
    const p = this.predicate;
    if (!p) {
      this.emit({ type: ev.type === "Delete" ? "DELETED" : created ? "ADDED" : "MODIFIED", object });
      return;
    }
    try {
      if (ev.type === "Delete" || created) {
        if (p(object)) this.emit({ type: ev.type === "Delete" ? "DELETED" : "ADDED", object });
        return;
      }
      const was = prev !== undefined && p(prev);
      const is = p(object);
      if (was && is) this.emit({ type: "MODIFIED", object });
      else if (is) this.emit({ type: "ADDED", object });
      else if (was) this.emit({ type: "DELETED", object });
    } catch (err) {
      this.terminate(newInternalError(err));
    }
  }

  /** A deleted object's last state with the deletion's revision; undefined (and the watch ended) without prev_kv. */
  private deletedObject(ev: IEvent): KubeObject | undefined {
    if (!ev.prev_kv) {
      this.terminate(newInternalError(`etcd delete event for ${this.keys.relative(ev.kv.key)} at revision ${ev.kv.mod_revision} carries no previous value`));
      return undefined;
    }
    return decodeObject(ev.prev_kv.value, ev.kv.mod_revision);
  }

  /** etcd cancelled the watcher (typically compaction while it was catching up). */
  private async onCancel(err: Error): Promise<void> {
    if (this.stopped) return;
    this.terminate((await this.expiredOr(err)) ?? newInternalError(err));
  }

  /** 410 when the next revision this watch needs is compacted, else undefined. */
  private async expiredOr(err: unknown): Promise<StatusError | undefined> {
    if (this.core.closed) return newServiceUnavailable("storage backend is closed");
    try {
      await this.core.client.kv.range({ key: this.keys.full(this.prefix), keys_only: true, limit: 1, revision: this.lastRev });
      return undefined;
    } catch (e) {
      if (isCompacted(e) || isCompacted(err)) return newResourceExpired(`too old resource version: ${this.lastRev}`);
      return undefined;
    }
  }
}

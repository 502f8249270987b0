/**
 * A small informer over one of the control plane's own stores: lists, then watches from the list's
 * resourceVersion, keeps the objects by key ("namespace/name" or "name") and tells listeners about every change.
 * When the watch ends (storage shutdown, a slow watcher, compaction) it lists and watches again, reporting
 * objects that vanished meanwhile as deleted. The aggregator's controllers and its proxy read APIServices from
 * here synchronously, on every request.
 */
import type { KubeObject } from "../../core/object.js";
import type { Store } from "../../apiserver/registry/store.js";
import type { Watch } from "../../storage/interface.js";
import { controllerContext } from "../controllers/context.js";

/** A change: `obj` undefined = deleted (`old` is the last state seen). */
export type CacheListener = (key: string, obj: KubeObject | undefined, old: KubeObject | undefined) => void;

export class ObjectCache {
  private readonly objects = new Map<string, KubeObject>();
  private readonly listeners = new Set<CacheListener>();
  private watch: Watch | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private synced = false;

  constructor(
    private readonly store: Store,
    private readonly name: string,
  ) {}

  /** Lists and starts watching; resolves once the initial list is in. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.relist();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.watch?.stop();
    this.watch = undefined;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  onChange(fn: CacheListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get(key: string): KubeObject | undefined {
    return this.objects.get(key);
  }

  list(): KubeObject[] {
    return [...this.objects.values()];
  }

  private keyOf(obj: KubeObject): string {
    const name = obj.metadata.name ?? "";
    return this.store.def.namespaced ? `${obj.metadata.namespace ?? ""}/${name}` : name;
  }

  private emit(key: string, obj: KubeObject | undefined, old: KubeObject | undefined): void {
    for (const fn of this.listeners) {
      try {
        fn(key, obj, old);
      } catch {
        // a listener's failure must not stop the others
      }
    }
  }

  private async relist(): Promise<void> {
    const ctx = controllerContext(this.name);
    const list = await this.store.list(ctx, {});
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const obj of list.items) {
      const key = this.keyOf(obj);
      seen.add(key);
      const old = this.objects.get(key);
      this.objects.set(key, obj);
      if (old?.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit(key, obj, old);
    }
    for (const [key, old] of [...this.objects]) {
      if (seen.has(key)) continue;
      this.objects.delete(key);
      this.emit(key, undefined, old);
    }
    this.synced = true;
    const rv = list.metadata.resourceVersion;
    this.watch = await this.store.watch(ctx, rv ? { resourceVersion: rv } : {}, {
      event: (ev) => {
        if (ev.type === "BOOKMARK" || ev.type === "ERROR") return;
        const key = this.keyOf(ev.object);
        const old = this.objects.get(key);
        if (ev.type === "DELETED") {
          this.objects.delete(key);
          this.emit(key, undefined, old ?? ev.object);
        } else {
          this.objects.set(key, ev.object);
          this.emit(key, ev.object, old);
        }
      },
      close: () => {
        this.watch = undefined;
        if (this.stopped) return;
        this.retry = setTimeout(() => void this.relist().catch(() => this.scheduleRetry()), 10);
        this.retry.unref?.();
      },
    });
    if (this.stopped) this.watch.stop();
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.retry = setTimeout(() => void this.relist().catch(() => this.scheduleRetry()), 1000);
    this.retry.unref?.();
  }
}

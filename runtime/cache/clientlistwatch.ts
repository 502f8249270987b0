/**
 * ListerWatchers over runtime/client: the real API behind the watch caches.
 *
 *   const client = new Client(kubeConfig);
 *   const cache = new Cache({ provider: new ClientListerWatcherProvider(client) });
 *
 * Full objects go through `client.list` / `client.watch` (rate limiting, typed errors, WatchDecodeError for
 * garbage lines, apiVersion/kind filled in). Metadata-only requests use the same transport with
 * `Accept: application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1` (lists: `...as=PartialObjectMetadataList...`).
 * Scope comes from the client's RESTMapper, so an unknown kind fails with the client's NoKindMatchError.
 */
import type { Client } from "../client/client.js";
import { watchEvents } from "../client/watch.js";
import { apiVersionOf, type GroupVersionKind } from "../core/gvk.js";
import type { KubeList, KubeObject } from "../core/object.js";
import {
  partialObjectMetadataAccept,
  partialObjectMetadataListAccept,
  type ListerWatcher,
  type ListerWatcherProvider,
  type ListOptions,
  type WatchEvent,
  type WatchOptions,
} from "./listwatch.js";

/** ListerWatchers for any kind the client's RESTMapper knows. */
export class ClientListerWatcherProvider implements ListerWatcherProvider {
  constructor(private readonly client: Client) {}

  listerWatcher(gvk: GroupVersionKind, namespace: string | undefined): ListerWatcher {
    return new ClientListerWatcher(this.client, gvk, namespace);
  }

  async isNamespaced(gvk: GroupVersionKind): Promise<boolean> {
    const m = await this.client.mapping({ apiVersion: apiVersionOf(gvk), kind: gvk.kind });
    return m.namespaced;
  }
}

/** Lists and watches one kind in one namespace (or all) through a Client. */
export class ClientListerWatcher implements ListerWatcher {
  private readonly type: { apiVersion: string; kind: string };

  constructor(
    private readonly client: Client,
    gvk: GroupVersionKind,
    private readonly namespace: string | undefined,
  ) {
    this.type = { apiVersion: apiVersionOf(gvk), kind: gvk.kind };
  }

  async list(opts: ListOptions): Promise<KubeList> {
    if (opts.metadataOnly) return this.listMetadata(opts);
    return this.client.list(this.type, {
      ...(this.namespace ? { namespace: this.namespace } : {}),
      ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}),
      ...(opts.fieldSelector ? { fieldSelector: opts.fieldSelector } : {}),
      ...(opts.limit ? { limit: opts.limit } : {}),
      ...(opts.continue ? { continue: opts.continue } : {}),
      ...(opts.resourceVersion !== undefined && !opts.continue ? { resourceVersion: opts.resourceVersion } : {}),
      ...(opts.resourceVersionMatch && !opts.continue ? { resourceVersionMatch: opts.resourceVersionMatch } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      // a big list can take a while; the reflector's own backoff handles failures
      timeoutMs: 0,
    });
  }

  watch(opts: WatchOptions & { signal: AbortSignal }): AsyncIterable<WatchEvent> {
    if (opts.metadataOnly) return this.watchMetadata(opts);
    return this.client.watch(this.type, {
      ...(this.namespace ? { namespace: this.namespace } : {}),
      ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}),
      ...(opts.fieldSelector ? { fieldSelector: opts.fieldSelector } : {}),
      ...(opts.resourceVersion !== undefined ? { resourceVersion: opts.resourceVersion } : {}),
      ...(opts.resourceVersionMatch ? { resourceVersionMatch: opts.resourceVersionMatch } : {}),
      ...(opts.allowWatchBookmarks ? { allowWatchBookmarks: true } : {}),
      ...(opts.timeoutSeconds !== undefined ? { timeoutSeconds: opts.timeoutSeconds } : {}),
      signal: opts.signal,
    }) as AsyncIterable<WatchEvent>;
  }

  private async path(): Promise<string> {
    const m = await this.client.mapping(this.type);
    const { group, version, resource } = m.resource;
    const gv = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const ns = m.namespaced && this.namespace ? `/namespaces/${encodeURIComponent(this.namespace)}` : "";
    return `${gv}${ns}/${resource}`;
  }

  private query(opts: ListOptions | WatchOptions): URLSearchParams {
    const q = new URLSearchParams();
    if (opts.labelSelector) q.set("labelSelector", opts.labelSelector);
    if (opts.fieldSelector) q.set("fieldSelector", opts.fieldSelector);
    const cont = "continue" in opts ? opts.continue : undefined;
    if (cont) q.set("continue", cont);
    else {
      if (opts.resourceVersion !== undefined) q.set("resourceVersion", opts.resourceVersion);
      if (opts.resourceVersionMatch) q.set("resourceVersionMatch", opts.resourceVersionMatch);
    }
    if ("limit" in opts && opts.limit) q.set("limit", String(opts.limit));
    return q;
  }

  private async listMetadata(opts: ListOptions): Promise<KubeList> {
    const list = await this.client.transport.requestJSON<KubeList>({
      method: "GET",
      path: await this.path(),
      query: this.query(opts),
      accept: partialObjectMetadataListAccept,
      timeoutMs: 0,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (!Array.isArray(list.items)) list.items = [];
    for (const item of list.items) fillPartialType(item);
    return list;
  }

  private watchMetadata(opts: WatchOptions & { signal: AbortSignal }): AsyncIterable<WatchEvent> {
    const q = this.query(opts);
    q.set("watch", "true");
    if (opts.allowWatchBookmarks) q.set("allowWatchBookmarks", "true");
    if (opts.timeoutSeconds !== undefined) q.set("timeoutSeconds", String(opts.timeoutSeconds));
    let path = "";
    const open = async () => {
      path = await this.path();
      return this.client.transport.stream({ method: "GET", path, query: q, accept: partialObjectMetadataAccept, signal: opts.signal });
    };
    const request = {
      method: "GET",
      get path(): string {
        return `${path}?${q.toString()}`;
      },
    };
    return watchEvents<KubeObject>(open, { signal: opts.signal, request, prepare: fillPartialType }) as AsyncIterable<WatchEvent>;
  }
}

/** List items of a PartialObjectMetadataList may leave out their type. */
function fillPartialType(obj: KubeObject): void {
  if (!obj.apiVersion) obj.apiVersion = "meta.k8s.io/v1";
  if (!obj.kind) obj.kind = "PartialObjectMetadata";
}

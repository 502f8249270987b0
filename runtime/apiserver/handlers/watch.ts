/**
 * Watch over HTTP: a chunked stream of `{"type":...,"object":...}` lines, ended by timeoutSeconds (default a
 * random 30–60 minutes, like kube-apiserver's min-request-timeout), by the client going away, or by the
 * storage closing the watch (then an ERROR event carries the Status). A client that reads too slowly has its
 * watch closed rather than events dropped; it resumes from the last resourceVersion it saw.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { toStatusError } from "../../core/errors.js";
import type { KubeObject } from "../../core/object.js";
import type { Watch, WatchEvent } from "../../storage/interface.js";
import type { Representation } from "../http/negotiation.js";
import type { RequestContext } from "../registry/store.js";
import { buildSelection } from "../registry/selection.js";
import { partialObjectMetadata, toTable } from "../table.js";
import type { ListQuery } from "./params.js";
import type { ResourceScope } from "./rest.js";

/** Bytes buffered for one watcher before it is considered too slow and closed. */
export const maxWatchBacklogBytes = 64 * 1024 * 1024;

export async function serveWatch(scope: ResourceScope, ctx: RequestContext, lq: ListQuery, rep: Representation, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { store } = scope;
  // selectors are checked before the stream starts, so that a bad one is a plain 400
  buildSelection(store.def, lq.labelSelector, lq.fieldSelector);
  const timeoutSeconds = lq.timeoutSeconds !== undefined && lq.timeoutSeconds > 0 ? lq.timeoutSeconds : 1800 + Math.floor(Math.random() * 1800);
  res.writeHead(200, {
    "Content-Type": rep.kind === "object" && rep.format === "yaml" ? "application/yaml" : "application/json",
    "Cache-Control": "no-cache, private",
    "Transfer-Encoding": "chunked",
  });
  res.flushHeaders();

  let watch: Watch | undefined;
  let done = false;
  let first = true;
  const finish = (): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    watch?.stop();
    res.end();
  };
  const timer = setTimeout(finish, timeoutSeconds * 1000);
  timer.unref?.();
  req.on("close", finish);
  res.on("close", finish);

  const encode = (ev: WatchEvent): unknown => {
    if (ev.type === "BOOKMARK") {
      return { type: ev.type, object: store.bookmarkObject(ev.object.metadata.resourceVersion ?? "", ev.object.metadata.annotations) };
    }
    const obj: KubeObject = ev.object;
    if (rep.kind === "table") {
      const t = toTable(store.def, [obj], { resourceVersion: obj.metadata.resourceVersion ?? "" }, rep.version, lq.includeObject, new Date(), !first);
      first = false;
      return { type: ev.type, object: t };
    }
    if (rep.kind === "metadata") return { type: ev.type, object: partialObjectMetadata(obj, rep.version) };
    return { type: ev.type, object: obj };
  };
  const write = (payload: unknown): void => {
    if (done) return;
    res.write(`${JSON.stringify(payload)}\n`);
    if (res.writableLength > maxWatchBacklogBytes) finish();
  };

  try {
    const w = await store.watch(
      ctx,
      {
        ...(lq.labelSelector ? { labelSelector: lq.labelSelector } : {}),
        ...(lq.fieldSelector ? { fieldSelector: lq.fieldSelector } : {}),
        ...(lq.resourceVersion !== undefined ? { resourceVersion: lq.resourceVersion } : {}),
        ...(lq.allowWatchBookmarks ? { allowWatchBookmarks: true } : {}),
        ...(lq.sendInitialEvents !== undefined ? { sendInitialEvents: lq.sendInitialEvents } : {}),
      },
      {
        event: (ev) => write(encode(ev)),
        close: (err) => {
          if (err) write({ type: "ERROR", object: err.status });
          finish();
        },
      },
    );
    if (done) w.stop();
    else watch = w;
  } catch (err) {
    write({ type: "ERROR", object: toStatusError(err).status });
    finish();
  }
}

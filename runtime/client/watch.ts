/**
 * Watch streams: the server's newline-delimited `{"type":...,"object":...}` events as an async iterable.
 *
 * Guarantees:
 * - Events arrive in stream order; ADDED / MODIFIED / DELETED carry the object (with apiVersion and kind filled
 *   in when the server left them out), BOOKMARK carries an object with only `metadata.resourceVersion` (and
 *   annotations).
 * - An in-stream ERROR event is thrown as the ApiError subclass of its Status (410 Expired → `ExpiredError`, ...)
 *   and ends the watch; so is an error status on the initial response.
 * - A line that is not a JSON watch event is never skipped: it throws `WatchDecodeError` (with the line) and
 *   ends the watch. So does a truncated last line.
 * - The connection failing mid-stream throws `TransportError`.
 * - Aborting the signal, or leaving a `for await` loop early, closes the connection; the iteration then ends
 *   without an error. The server ending the stream (its timeout) ends the iteration too: the caller resumes
 *   from the last resourceVersion it saw.
 */
import type { IncomingMessage } from "node:http";
import { StatusError } from "../core/errors.js";
import type { KubeObject } from "../core/object.js";
import { isStatus } from "../core/status.js";
import { apiErrorFromStatus, TransportError, WatchDecodeError, type RequestInfo } from "./errors.js";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";

export type WatchEvent<T extends KubeObject = KubeObject> =
  | { type: "ADDED" | "MODIFIED" | "DELETED"; object: T }
  | { type: "BOOKMARK"; object: KubeObject };

/** Longest line accepted (a single event larger than this is treated as garbage). */
export const maxWatchLineBytes = 64 * 1024 * 1024;

const objectEvents = new Set(["ADDED", "MODIFIED", "DELETED", "BOOKMARK"]);

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Decodes one line of a watch stream. Returns the event, or throws: the ApiError of an ERROR event, or
 * WatchDecodeError for anything that is not a watch event.
 */
export function decodeWatchLine(line: string, request?: RequestInfo): WatchEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    throw new WatchDecodeError(`watch${where(request)}: undecodable line: ${(err as Error).message}`, line, request, { cause: err });
  }
  if (!isObj(parsed) || typeof parsed.type !== "string" || !isObj(parsed.object)) {
    throw new WatchDecodeError(`watch${where(request)}: line is not a watch event (want {"type":...,"object":{...}})`, line, request);
  }
  const { type, object } = parsed;
  if (type === "ERROR") {
    if (!isStatus(object)) throw new WatchDecodeError(`watch${where(request)}: ERROR event without a Status`, line, request);
    throw apiErrorFromStatus(object, request ? { request } : {});
  }
  if (!objectEvents.has(type)) throw new WatchDecodeError(`watch${where(request)}: unknown event type ${JSON.stringify(type)}`, line, request);
  if (!isObj(object.metadata)) throw new WatchDecodeError(`watch${where(request)}: ${type} event object has no metadata`, line, request);
  return { type: type as WatchEventType, object: object as KubeObject } as WatchEvent;
}

function where(request: RequestInfo | undefined): string {
  return request ? ` ${request.path}` : "";
}

export interface WatchStreamOptions {
  signal?: AbortSignal;
  request?: RequestInfo;
  /** Called on every non-bookmark object before it is yielded (the client fills in apiVersion/kind). */
  prepare?: (obj: KubeObject) => void;
}

/**
 * Iterates the events of an open watch response. `open` performs the request (it is called on the first
 * `next()`); the response is destroyed when the iteration ends for any reason.
 */
export async function* watchEvents<T extends KubeObject>(open: () => Promise<IncomingMessage>, opts: WatchStreamOptions = {}): AsyncGenerator<WatchEvent<T>, void, undefined> {
  const { signal, request, prepare } = opts;
  if (signal?.aborted) return;
  let res: IncomingMessage;
  try {
    res = await open();
  } catch (err) {
    if (signal?.aborted) return;
    throw err;
  }
  res.setEncoding("utf8");
  let buf = "";
  const emit = (line: string): WatchEvent<T> | undefined => {
    if (line.trim() === "") return undefined;
    const ev = decodeWatchLine(line, request) as WatchEvent<T>;
    if (ev.type !== "BOOKMARK" && prepare) prepare(ev.object);
    return ev;
  };
  try {
    for await (const chunk of res as AsyncIterable<string>) {
      buf += chunk;
      let nl = buf.indexOf("\n");
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const ev = emit(line.endsWith("\r") ? line.slice(0, -1) : line);
        if (ev) yield ev;
        if (signal?.aborted) return;
        nl = buf.indexOf("\n");
      }
      if (buf.length > maxWatchLineBytes) {
        throw new WatchDecodeError(`watch${where(request)}: line longer than ${maxWatchLineBytes} bytes`, buf.slice(0, 1024), request);
      }
    }
    if (signal?.aborted) return;
    if (!res.complete) throw new TransportError(request ?? { method: "GET", path: "" }, new Error("watch connection closed mid-stream"));
    if (buf.trim() !== "") {
      const ev = emit(buf);
      buf = "";
      if (ev) yield ev;
    }
  } catch (err) {
    if (signal?.aborted) return;
    if (err instanceof StatusError || err instanceof WatchDecodeError || err instanceof TransportError) throw err;
    throw new TransportError(request ?? { method: "GET", path: "" }, err);
  } finally {
    res.destroy();
  }
}

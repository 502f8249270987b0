/**
 * Wait helpers: poll a condition (apimachinery's `wait.PollUntilContextTimeout`) or wait for an object to satisfy
 * a predicate through a watch (what `kubectl wait` does).
 *
 * Guarantees:
 * - A wait settles exactly once: with the condition's result, with the condition's own error (a throwing
 *   condition or predicate stops the wait, as upstream's `ConditionFunc` errors do), with `WaitTimeoutError` when
 *   `timeoutMs` elapses, or with the signal's reason when the caller aborts.
 * - No timer, request or watch outlives the returned promise.
 */
import type { Client, ObjectRef } from "../client/client.js";
import { isForbidden, isMethodNotSupported, isNotFound } from "../client/errors.js";
import type { KubeObject } from "../core/object.js";
import { sleep } from "./backoff.js";

/** A wait ran out of time. `what` names what was awaited; `last` is the last value observed (the object, if any). */
export class WaitTimeoutError extends Error {
  readonly what: string;
  readonly timeoutMs: number;
  readonly last: unknown;

  constructor(what: string, timeoutMs: number, last?: unknown, options?: { cause?: unknown }) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}`, options);
    this.name = "WaitTimeoutError";
    this.what = what;
    this.timeoutMs = timeoutMs;
    this.last = last;
  }
}

export function isWaitTimeout(err: unknown): err is WaitTimeoutError {
  return err instanceof WaitTimeoutError;
}

export interface WaitOptions {
  /** Time between two checks (default 100 ms). */
  intervalMs?: number;
  /** Give up after this long with WaitTimeoutError (default: never). */
  timeoutMs?: number;
  /** Aborting rejects the wait with the signal's reason. */
  signal?: AbortSignal;
  /** Check once before the first interval (default true, like `immediate=true` upstream). */
  immediate?: boolean;
  /** What is awaited, for the timeout message (default "condition"). */
  description?: string;
}

/** The deadline / abort plumbing shared by the waits. */
class Deadline {
  readonly controller = new AbortController();
  timedOut = false;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly onAbort: () => void;

  constructor(
    readonly timeoutMs: number | undefined,
    private readonly outer: AbortSignal | undefined,
  ) {
    this.onAbort = () => this.controller.abort(outer?.reason);
    if (outer?.aborted) this.controller.abort(outer.reason);
    else outer?.addEventListener("abort", this.onAbort, { once: true });
    if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) {
      this.timer = setTimeout(() => {
        this.timedOut = true;
        this.controller.abort(new Error("wait deadline"));
      }, Math.max(0, timeoutMs));
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The error to reject with once the signal is aborted. */
  failure(what: string, last?: unknown): unknown {
    if (this.timedOut) return new WaitTimeoutError(what, this.timeoutMs ?? 0, last);
    return this.outer?.reason ?? new DOMException("This operation was aborted", "AbortError");
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.outer?.removeEventListener("abort", this.onAbort);
  }
}

/**
 * Calls `condition` every `intervalMs` until it returns true. Rejects with WaitTimeoutError after `timeoutMs`,
 * with the condition's error if it throws, or with the signal's reason on abort.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, opts: WaitOptions = {}): Promise<void> {
  const intervalMs = opts.intervalMs ?? 100;
  if (!(intervalMs >= 0)) throw new RangeError(`waitFor: intervalMs must be ≥ 0, got ${intervalMs}`);
  const what = opts.description ?? "condition";
  const d = new Deadline(opts.timeoutMs, opts.signal);
  try {
    if (d.signal.aborted) throw d.failure(what);
    if (opts.immediate === false) await sleepOrFail(d, intervalMs, what);
    for (;;) {
      if (await condition()) return;
      if (d.signal.aborted) throw d.failure(what);
      await sleepOrFail(d, intervalMs, what);
    }
  } finally {
    d.dispose();
  }
}

async function sleepOrFail(d: Deadline, ms: number, what: string, last?: unknown): Promise<void> {
  try {
    await sleep(ms, d.signal);
  } catch {
    throw d.failure(what, last);
  }
}

export interface WaitForObjectOptions {
  /** Give up after this long with WaitTimeoutError (default: never). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** What is awaited, for the timeout message (default: "<Kind> <ns>/<name> to satisfy the predicate"). */
  description?: string;
  /**
   * Interval of the fallback polling by GET (used when the server refuses to watch or list the kind) and the
   * pause before re-listing after a broken watch (default 250 ms).
   */
  pollIntervalMs?: number;
}

function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

/**
 * Waits until the object `ref` exists and `predicate(obj)` holds, and resolves with that object.
 *
 * How: list the object (field selector `metadata.name`), check it, then watch from the list's resourceVersion
 * and check every ADDED / MODIFIED event. A watch that ends or fails (410 Expired, connection lost) is
 * replaced by a fresh list + watch; a server that refuses list or watch for the kind (403 / 405) is polled by
 * GET every `pollIntervalMs`. A missing object is waited for, not an error.
 *
 * Errors: WaitTimeoutError (with `last`, the last version seen or undefined), the predicate's own error, the
 * signal's reason on abort, or any other client error of the GET fallback other than NotFound.
 */
export async function waitForObject<T extends KubeObject = KubeObject>(
  client: Client,
  ref: ObjectRef,
  predicate: (obj: T) => boolean,
  opts: WaitForObjectOptions = {},
): Promise<T> {
  const what = opts.description ?? `${describeRef(ref)} to satisfy the predicate`;
  const found = await watchObject<T>(client, ref, (obj) => obj !== undefined && predicate(obj), what, opts);
  return found as T;
}

/** Waits until the object `ref` does not exist (NotFound, or a DELETED event). */
export async function waitForDeletion(client: Client, ref: ObjectRef, opts: WaitForObjectOptions = {}): Promise<void> {
  const what = opts.description ?? `${describeRef(ref)} to be deleted`;
  await watchObject(client, ref, (obj) => obj === undefined, what, opts);
}

async function watchObject<T extends KubeObject>(
  client: Client,
  ref: ObjectRef,
  done: (obj: T | undefined) => boolean,
  what: string,
  opts: WaitForObjectOptions,
): Promise<T | undefined> {
  const pollMs = opts.pollIntervalMs ?? 250;
  const d = new Deadline(opts.timeoutMs, opts.signal);
  const type = { apiVersion: ref.apiVersion, kind: ref.kind };
  const fieldSelector = { "metadata.name": ref.name };
  const ns = ref.namespace ? { namespace: ref.namespace } : {};
  let last: T | undefined;
  let polling = false;
  try {
    for (;;) {
      if (d.signal.aborted) throw d.failure(what, last);
      if (polling) {
        try {
          last = await client.get<T>(ref, { signal: d.signal });
        } catch (err) {
          if (d.signal.aborted) throw d.failure(what, last);
          if (!isNotFound(err)) throw err;
          last = undefined;
        }
        if (done(last)) return last;
        await sleepOrFail(d, pollMs, what, last);
        continue;
      }
      let rv: string | undefined;
      try {
        const list = await client.list<T>(type, { ...ns, fieldSelector, signal: d.signal });
        last = list.items[0];
        rv = list.metadata.resourceVersion;
      } catch (err) {
        if (d.signal.aborted) throw d.failure(what, last);
        if (isForbidden(err) || isMethodNotSupported(err)) {
          polling = true;
          continue;
        }
        throw err;
      }
      if (done(last)) return last;
      try {
        const events = client.watch<T>(type, { ...ns, fieldSelector, signal: d.signal, ...(rv ? { resourceVersion: rv } : {}) });
        for await (const ev of events) {
          if (ev.type === "BOOKMARK") continue;
          if (ev.object.metadata.name !== ref.name) continue;
          last = ev.type === "DELETED" ? undefined : ev.object;
          if (done(last)) return last;
        }
      } catch (err) {
        if (d.signal.aborted) throw d.failure(what, last);
        if (isForbidden(err) || isMethodNotSupported(err)) {
          polling = true;
          continue;
        }
        // expired / broken / undecodable watch: list again after a pause
      }
      if (d.signal.aborted) throw d.failure(what, last);
      await sleepOrFail(d, pollMs, what, last);
    }
  } finally {
    d.dispose();
  }
}

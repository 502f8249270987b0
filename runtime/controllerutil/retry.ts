/**
 * client-go's `retry.RetryOnConflict` / `retry.OnError`: run a read-modify-write function again while it fails
 * with a retriable error, sleeping per a Backoff between tries.
 *
 *   await retryOnConflict(defaultRetry, async () => {
 *     const cm = await client.get<ConfigMap>(ref);
 *     cm.data = { ...cm.data, n: String(Number(cm.data?.n ?? 0) + 1) };
 *     await client.update(cm);
 *   });
 *
 * The function must re-read the object on every try (a conflict means its copy is stale). When the tries run
 * out, the last error is thrown as is (not a timeout), as upstream.
 */
import { isConflict } from "../client/errors.js";
import { backoffDelays, sleep, type Backoff } from "../wait/backoff.js";

export interface RetryOptions {
  /** Aborting stops between tries with the signal's reason. */
  signal?: AbortSignal;
}

/** Calls `fn` up to `backoff.steps` times while it throws an error for which `retriable(err)` is true. */
export async function retryOnError<T>(
  backoff: Backoff,
  retriable: (err: unknown) => boolean,
  fn: () => T | Promise<T>,
  opts: RetryOptions = {},
): Promise<T> {
  const delays = backoffDelays(backoff);
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const delay = delays[attempt];
      if (delay === undefined || !retriable(err)) throw err;
      await sleep(delay, opts.signal);
    }
  }
}

/** `retryOnError` for ConflictError (409 Conflict: a stale resourceVersion). Use `defaultRetry` as the backoff. */
export function retryOnConflict<T>(backoff: Backoff, fn: () => T | Promise<T>, opts: RetryOptions = {}): Promise<T> {
  return retryOnError(backoff, isConflict, fn, opts);
}

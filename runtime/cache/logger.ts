/**
 * The logging seam of the watch caches: errors are never swallowed, they go to a logger (stderr by default)
 * and to an optional `onError` hook, and are counted in the reflector's stats.
 */

/** A minimal structured logger (logr-like: a message plus key/value fields). */
export interface CacheLogger {
  /** Progress worth knowing at debug level (lists, relists, watch restarts). Must not throw. */
  info(msg: string, fields?: Record<string, unknown>): void;
  /** A failure the cache recovers from by itself (it retries), reported so that it is never silent. Must not throw. */
  error(msg: string, err: unknown, fields?: Record<string, unknown>): void;
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

/** Errors to stderr (one line each), info dropped. */
export const defaultLogger: CacheLogger = {
  info() {},
  error(msg, err, fields) {
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : "";
    console.error(`kubeforge/cache: ${msg}: ${describe(err)}${extra}`);
  },
};

/** Drops everything (tests that count errors through stats or onError). */
export const silentLogger: CacheLogger = { info() {}, error() {} };

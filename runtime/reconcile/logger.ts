/**
 * The logging seam of controllers: a tiny structured logger (logr-like: a message plus key/value fields).
 * Structurally compatible with runtime/cache's CacheLogger, so one logger can serve the cache and controllers.
 *
 * The default writes JSON lines (`{"level","ts","msg",...fields}`) to stderr at info level; tests pass
 * {@link silentLogger}.
 */

/** Log levels, least to most severe. */
export type LogLevel = "debug" | "info" | "error";

/** A minimal structured logger. No method may throw. */
export interface Logger {
  /** Detail useful when debugging (each reconcile's outcome, requeues). Dropped at info level. */
  debug(msg: string, fields?: Record<string, unknown>): void;
  /** Progress worth knowing (starting, workers started, shutdown). */
  info(msg: string, fields?: Record<string, unknown>): void;
  /** A failure, with the error that caused it. The caller has already decided how to recover. */
  error(msg: string, err: unknown, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every entry (the controller name, the request). */
  withValues(fields: Record<string, unknown>): Logger;
}

/** Options of {@link jsonLogger}. */
export interface JsonLoggerOptions {
  /** Minimum level written; default "info". */
  level?: LogLevel;
  /** Where lines go; default process.stderr. */
  write?: (line: string) => void;
  /** Fields on every entry. */
  fields?: Record<string, unknown>;
}

const levelRank: Record<LogLevel, number> = { debug: 0, info: 1, error: 2 };

/** The error as a log field: its message (and name when not a plain Error), or the thrown value itself. */
export function errorField(err: unknown): unknown {
  if (err instanceof Error) return err.name && err.name !== "Error" ? `${err.name}: ${err.message}` : err.message;
  return err;
}

function stringify(entry: Record<string, unknown>): string {
  try {
    return JSON.stringify(entry, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  } catch {
    return JSON.stringify({ level: entry["level"], ts: entry["ts"], msg: entry["msg"], note: "fields not serialisable" });
  }
}

/** A logger writing one JSON object per line (default: to stderr, info level and above). */
export function jsonLogger(opts: JsonLoggerOptions = {}): Logger {
  const min = levelRank[opts.level ?? "info"];
  const write = opts.write ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const base = opts.fields ?? {};
  const emit = (level: LogLevel, msg: string, fields: Record<string, unknown> | undefined, err?: { value: unknown }): void => {
    if (levelRank[level] < min) return;
    try {
      const entry: Record<string, unknown> = { level, ts: new Date().toISOString(), msg, ...base, ...fields };
      if (err) entry["error"] = errorField(err.value);
      write(stringify(entry));
    } catch {
      // a logger never throws
    }
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    error: (msg, err, fields) => emit("error", msg, fields, { value: err }),
    withValues: (fields) => jsonLogger({ ...opts, fields: { ...base, ...fields } }),
  };
}

/** Drops everything (tests). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  error() {},
  withValues() {
    return silentLogger;
  },
};

let defaultLoggerInstance: Logger | undefined;

/** The process-wide default: JSON lines to stderr at info level (created on first use). */
export function defaultLogger(): Logger {
  defaultLoggerInstance ??= jsonLogger();
  return defaultLoggerInstance;
}

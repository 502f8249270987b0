/**
 * The manager's structured logger (logr-like: a message plus key/value fields). The same object is handed to
 * the cache and the leader elector, so one logger sees everything the manager does.
 */
import type { CacheLogger } from "../cache/logger.js";
import type { LeaderElectionLogger } from "../leaderelection/leaderelection.js";

/** Must not throw. `error` is for failures the manager or its parts recover from (or report before exiting). */
export interface Logger extends CacheLogger, LeaderElectionLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, err: unknown, fields?: Record<string, unknown>): void;
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

/**
 * JSON lines on stderr (`{"level":"error","ts":"…","msg":"…","error":"…",…fields}`); info lines only when
 * `verbose` is true.
 */
export function consoleLogger(opts: { verbose?: boolean; name?: string; write?: (line: string) => void } = {}): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const base = opts.name ? { logger: opts.name } : {};
  const line = (o: Record<string, unknown>): void => {
    try {
      write(JSON.stringify(o));
    } catch {
      // never throw from a logger
    }
  };
  return {
    info(msg, fields) {
      if (opts.verbose) line({ level: "info", ts: new Date().toISOString(), ...base, msg, ...fields });
    },
    error(msg, err, fields) {
      line({ level: "error", ts: new Date().toISOString(), ...base, msg, error: errorText(err), ...fields });
    },
  };
}

/** Drops everything. */
export const silentLogger: Logger = { info() {}, error() {} };

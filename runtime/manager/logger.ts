/**
 * The manager's structured logger is the runtime's one Logger (runtime/reconcile/logger.ts): a message plus
 * key/value fields, with `withValues`. The same object is handed to the cache, the leader elector and the
 * controllers the manager runs, so one logger sees everything the manager does.
 */
import { jsonLogger, silentLogger, type Logger } from "../reconcile/logger.js";

export type { Logger };
export { silentLogger };

/**
 * JSON lines on stderr (`{"level":"error","ts":"…","msg":"…","error":"…",…fields}`); info lines only when
 * `verbose` is true.
 */
export function consoleLogger(opts: { verbose?: boolean; name?: string; write?: (line: string) => void } = {}): Logger {
  return jsonLogger({
    level: opts.verbose ? "info" : "error",
    ...(opts.name ? { fields: { logger: opts.name } } : {}),
    ...(opts.write ? { write: opts.write } : {}),
  });
}

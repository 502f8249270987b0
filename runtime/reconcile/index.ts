/**
 * `runtime/reconcile`: the Reconciler contract (level-triggered reconcile of a namespace/name request), its
 * result, TerminalError, and the logger interface controllers hand to reconcilers.
 */
export type { Request, Result, ReconcileContext, Reconciler } from "./reconcile.js";
export { reconcilerFunc, requestKey, requestFor, isZeroResult, TerminalError, isTerminalError } from "./reconcile.js";
export type { Logger, LogLevel, JsonLoggerOptions } from "./logger.js";
export { jsonLogger, silentLogger, defaultLogger, errorField } from "./logger.js";

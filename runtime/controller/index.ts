/**
 * `runtime/controller`: the Controller (a Runnable), the Runnable / leader-election contract shared with the
 * manager, and the controller metric descriptors.
 */
export type { Runnable, LeaderElectionRunnable } from "./runnable.js";
export { needsLeaderElection, isLeaderElectionRunnable } from "./runnable.js";
export type { ControllerOptions, ControllerTuning } from "./controller.js";
export { Controller, defaultCacheSyncTimeout, isPanic } from "./controller.js";
export type { ControllerMetricsProvider, ControllerMetricDescriptor, ReconcileResultLabel } from "./metrics.js";
export {
  controllerMetrics,
  reconcileTimeBuckets,
  reconcileResultLabels,
  noopControllerMetricsProvider,
  setControllerMetricsProvider,
  getControllerMetricsProvider,
} from "./metrics.js";
export type { Logger, LogLevel, JsonLoggerOptions } from "../reconcile/logger.js";
export { jsonLogger, silentLogger, defaultLogger } from "../reconcile/logger.js";

/**
 * `runtime/manager`: the manager that runs caches, controllers and other runnables with leader election,
 * `/healthz` + `/readyz`, Prometheus `/metrics` (controller-runtime names) and graceful shutdown.
 */
export { Manager, LeaderElectionLostError, GracefulShutdownTimeoutError, runManager, parseBindAddress } from "./manager.js";
export type { ManagerOptions, LeaderElectionOptions, ManagerAddresses } from "./manager.js";
export { CheckSet, ping } from "./healthz.js";
export type { Checker } from "./healthz.js";
export { consoleLogger, silentLogger } from "./logger.js";
export type { Logger } from "./logger.js";
export { prometheusWorkqueueProvider, prometheusControllerProvider, prometheusLeaderMetrics, newRegistry } from "./metrics.js";

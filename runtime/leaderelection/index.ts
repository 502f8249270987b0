/**
 * `runtime/leaderelection`: client-go compatible leader election on a coordination.k8s.io/v1 Lease
 * (tools/leaderelection + resourcelock.LeaseLock). See leaderelection.ts for the guarantees.
 */
export {
  LeaderElector,
  LeaderElectionConfigError,
  LeaseLostError,
  validateLeaderElectionConfig,
  jitterFactor,
  defaultLeaseDuration,
  defaultRenewDeadline,
  defaultRetryPeriod,
} from "./leaderelection.js";
export type { LeaderElectionConfig, LeaderCallbacks, LeaderMetrics, LeaderElectionLogger } from "./leaderelection.js";
export { LeaseLock, leaseSpecToRecord, recordToLeaseSpec, rawRecord, microTime } from "./resourcelock.js";
export type { LeaderElectionRecord, ObservedRecord, ResourceLock, Lease, LeaseLockOptions } from "./resourcelock.js";
export { MemoryLock, MemoryLeaseStore } from "./memorylock.js";
export { realClock, jitter } from "./clock.js";
export type { Clock } from "./clock.js";

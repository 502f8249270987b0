/**
 * The contract between the manager and what it runs (controller-runtime's manager.Runnable and
 * LeaderElectionRunnable).
 */

/** A long-running component the manager starts. start() must block until signal aborts (then return), and reject only on unrecoverable errors. */
export interface Runnable {
  /**
   * Runs until `signal` aborts, then cleans up and resolves. Rejecting means the component cannot go on (for a
   * controller: its caches never synced, or it was started twice); the manager then stops everything and exits
   * non-zero. Transient failures are retried inside, never surfaced here. Called at most once.
   */
  start(signal: AbortSignal): Promise<void>;
}

/** Optional capability: runnables that must only run on the leader (controllers default true). */
export interface LeaderElectionRunnable {
  /** True if the runnable may only run while this process holds the leader lease. Must be constant. */
  needLeaderElection(): boolean;
}

/** A type guard: does `r` declare whether it needs leader election? */
export function isLeaderElectionRunnable(r: unknown): r is LeaderElectionRunnable {
  return typeof r === "object" && r !== null && typeof (r as Partial<LeaderElectionRunnable>).needLeaderElection === "function";
}

/**
 * Whether the manager must hold the leader lease before starting `r`: `r.needLeaderElection()` when `r` has the
 * method, otherwise true. This is controller-runtime's choice (its manager puts every runnable that is not a
 * LeaderElectionRunnable in the leader-election group): running a component on every replica must be an
 * explicit opt-out (`needLeaderElection() { return false; }`), since a component that writes must not run on
 * two replicas at once. Caches, webhooks and health servers opt out.
 */
export function needsLeaderElection(r: Runnable): boolean {
  return isLeaderElectionRunnable(r) ? r.needLeaderElection() : true;
}

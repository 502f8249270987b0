/**
 * `runtime/wait`: polling and watch-based waits (apimachinery `wait`, `kubectl wait`) and backoff schedules.
 */
export { waitFor, waitForObject, waitForDeletion, WaitTimeoutError, isWaitTimeout } from "./wait.js";
export type { WaitOptions, WaitForObjectOptions } from "./wait.js";
export { backoffDelays, defaultBackoff, defaultRetry, sleep } from "./backoff.js";
export type { Backoff } from "./backoff.js";

/**
 * The time source of the work queues and rate limiters (client-go injects `clock.WithTicker` the same way).
 * Only `now()` is abstracted: timers are the global `setTimeout`/`setInterval`, looked up when they are
 * armed, so `vi.useFakeTimers()` (which fakes `performance.now()` too) drives both consistently.
 */

/** A monotonic clock in milliseconds. Only differences between two readings are meaningful. */
export interface Clock {
  /** Milliseconds since an arbitrary origin; never decreases. */
  now(): number;
}

/** `performance.now()`, read through the global at every call so that fake timers take effect. */
export const realClock: Clock = {
  now: () => performance.now(),
};

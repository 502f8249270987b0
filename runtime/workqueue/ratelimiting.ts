/**
 * The rate-limited queue (client-go `workqueue.RateLimitingInterface`): a delaying queue that asks a
 * {@link RateLimiter} how long a failed item should wait. This is the queue behind every controller: on a
 * reconcile error the worker calls `addRateLimited(request)`, on success (or a terminal error) `forget(request)`,
 * and in both cases `done(request)`.
 *
 * The limiter is keyed by the queue's `keyOf`, so retries of equal requests built as different objects share
 * their backoff.
 */
import { DelayingQueue, type DelayingQueueInterface } from "./delaying.js";
import { defaultControllerRateLimiter, type RateLimiter } from "./limiters.js";
import type { QueueOptions } from "./queue.js";

/** The contract of a rate-limited queue, for fakes and wrappers. */
export interface RateLimitingQueueInterface<T> extends DelayingQueueInterface<T> {
  /** `addAfter(item, limiter.when(item))`: adds the item once the limiter says it may be retried. */
  addRateLimited(item: T): void;
  /**
   * Stops tracking the item's failures in the limiter (its next failure starts from the base delay again).
   * Only clears the limiter: the worker still has to call `done`.
   */
  forget(item: T): void;
  /** How many times the item was requeued with `addRateLimited` since it was last forgotten. */
  numRequeues(item: T): number;
}

/** Options of {@link RateLimitingQueue}. */
export interface RateLimitingQueueOptions<T> extends QueueOptions<T> {
  /** Default: {@link defaultControllerRateLimiter} (5 ms → 1000 s per item, max with 10 qps / burst 100). */
  rateLimiter?: RateLimiter;
}

/** A delaying queue with a rate limiter; see the module comment and {@link RateLimitingQueueInterface}. */
export class RateLimitingQueue<T> extends DelayingQueue<T> implements RateLimitingQueueInterface<T> {
  /** The limiter that decides the delays (the `rateLimiter` option). */
  readonly rateLimiter: RateLimiter;

  constructor(options: RateLimitingQueueOptions<T> = {}) {
    super(options);
    this.rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter(options.clock ? { clock: options.clock } : {});
  }

  addRateLimited(item: T): void {
    this.addAfter(item, this.rateLimiter.when(this.keyOf(item)));
  }

  forget(item: T): void {
    this.rateLimiter.forget(this.keyOf(item));
  }

  numRequeues(item: T): number {
    return this.rateLimiter.numRequeues(this.keyOf(item));
  }
}

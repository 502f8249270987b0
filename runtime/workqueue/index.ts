/**
 * `runtime/workqueue`: work queues with client-go semantics for controllers — a queue of distinct items that no
 * two workers process at once (`Queue`), delayed adds (`DelayingQueue`), rate-limited retries
 * (`RateLimitingQueue` + limiters), and metrics through a pluggable provider with controller-runtime's names.
 *
 * A worker loop:
 * ```ts
 * const q = new RateLimitingQueue<Request>({ name: "petset", keyOf: (r) => `${r.namespace}/${r.name}` });
 * for (;;) {
 *   const r = await q.get();
 *   if (r.shutdown) break;
 *   try { await reconcile(r.item); q.forget(r.item); } catch { q.addRateLimited(r.item); } finally { q.done(r.item); }
 * }
 * ```
 */
export { Queue } from "./queue.js";
export type { QueueInterface, QueueOptions, GetResult } from "./queue.js";
export { DelayingQueue } from "./delaying.js";
export type { DelayingQueueInterface } from "./delaying.js";
export { RateLimitingQueue } from "./ratelimiting.js";
export type { RateLimitingQueueInterface, RateLimitingQueueOptions } from "./ratelimiting.js";
export {
  ItemExponentialFailureRateLimiter,
  ItemFastSlowRateLimiter,
  BucketRateLimiter,
  MaxOfRateLimiter,
  WithMaxWaitRateLimiter,
  defaultControllerRateLimiter,
} from "./limiters.js";
export type { RateLimiter, BucketRateLimiterOptions } from "./limiters.js";
export {
  noopMetricsProvider,
  setMetricsProvider,
  getMetricsProvider,
  workqueueMetrics,
  workqueueDurationBuckets,
  exponentialBuckets,
} from "./metrics.js";
export type {
  MetricsProvider,
  GaugeMetric,
  SettableGaugeMetric,
  CounterMetric,
  HistogramMetric,
  WorkqueueMetricDescriptor,
} from "./metrics.js";
export { realClock } from "./clock.js";
export type { Clock } from "./clock.js";

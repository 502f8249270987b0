/**
 * Work queue metrics through a provider interface, as client-go's `workqueue.MetricsProvider`: the queue only
 * calls `inc`/`dec`/`set`/`observe` on handles it got from the provider, so the manager can plug Prometheus
 * (prom-client) in without this package depending on it. The default provider records nothing and costs
 * (almost) nothing: a queue with the no-op provider or without a name does no metric bookkeeping at all.
 *
 * What the manager registers, with controller-runtime's names (pkg/metrics/workqueue.go), is described by
 * {@link workqueueMetrics}: one metric family per kind, labelled by the queue's name (controller-runtime sets
 * both `name` and `controller` to the controller's name; `workqueue_depth` also has an empty `priority` label).
 */
import type { Clock } from "./clock.js";

/** A value that goes up and down by one (the queue depth). */
export interface GaugeMetric {
  inc(): void;
  dec(): void;
}

/** A value that is set outright (unfinished work, longest running processor). */
export interface SettableGaugeMetric {
  set(value: number): void;
}

/** A value that only goes up by one (adds, retries). */
export interface CounterMetric {
  inc(): void;
}

/** A distribution of observed values, in seconds (queue latency, work duration). */
export interface HistogramMetric {
  observe(value: number): void;
}

/**
 * Makes the metric handles of one named queue. Each method is called once per queue, when the queue is
 * created, with the queue's name; a provider backed by Prometheus returns `vec.labels(name, name)` of the
 * families in {@link workqueueMetrics}. Handles are called synchronously on the queue's hot path: they must
 * not throw and should not allocate.
 */
export interface MetricsProvider {
  /** `workqueue_depth`: items waiting to be handed out (incremented on add, decremented on get). */
  newDepthMetric(name: string): GaugeMetric;
  /** `workqueue_adds_total`: adds that made an item dirty (adds of an item already waiting are not counted). */
  newAddsMetric(name: string): CounterMetric;
  /** `workqueue_queue_duration_seconds`: from the first add of an item to the get that hands it out. */
  newLatencyMetric(name: string): HistogramMetric;
  /** `workqueue_work_duration_seconds`: from get to done. */
  newWorkDurationMetric(name: string): HistogramMetric;
  /** `workqueue_unfinished_work_seconds`: sum of the ages of the items being processed (updated every 500 ms). */
  newUnfinishedWorkSecondsMetric(name: string): SettableGaugeMetric;
  /** `workqueue_longest_running_processor_seconds`: age of the oldest item being processed (updated every 500 ms). */
  newLongestRunningProcessorSecondsMetric(name: string): SettableGaugeMetric;
  /** `workqueue_retries_total`: calls of `addAfter` / `addRateLimited` (delaying queues only). */
  newRetriesMetric(name: string): CounterMetric;
}

const noopHandle = { inc(): void {}, dec(): void {}, set(): void {}, observe(): void {} };

/** The default provider: every handle ignores what it is told. Queues recognise it and skip all metric work. */
export const noopMetricsProvider: MetricsProvider = Object.freeze({
  newDepthMetric: () => noopHandle,
  newAddsMetric: () => noopHandle,
  newLatencyMetric: () => noopHandle,
  newWorkDurationMetric: () => noopHandle,
  newUnfinishedWorkSecondsMetric: () => noopHandle,
  newLongestRunningProcessorSecondsMetric: () => noopHandle,
  newRetriesMetric: () => noopHandle,
});

let globalProvider: MetricsProvider = noopMetricsProvider;

/**
 * Sets the provider used by queues created from now on without an explicit `metricsProvider` option (client-go's
 * `workqueue.SetProvider`; controller-runtime's metrics package calls it once at start-up). Queues that already
 * exist keep the handles they were created with. Unlike client-go (first call wins), the last call wins.
 */
export function setMetricsProvider(provider: MetricsProvider): void {
  globalProvider = provider;
}

/** The provider that new queues use by default. */
export function getMetricsProvider(): MetricsProvider {
  return globalProvider;
}

/** Prometheus-style histogram bucket bounds: `count` bounds from `start`, each `factor` times the previous. */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0, v = start; i < count; i++, v *= factor) out.push(v);
  return out;
}

/** One metric family as controller-runtime registers it, for the manager's Prometheus registry. */
export interface WorkqueueMetricDescriptor {
  /** The full Prometheus name (subsystem `workqueue` included). */
  readonly name: string;
  readonly help: string;
  readonly type: "gauge" | "counter" | "histogram";
  /** Label names, in order; the provider passes the queue's name for `name` and `controller`, "" for `priority`. */
  readonly labelNames: readonly string[];
  /** Histogram bucket upper bounds in seconds (histograms only). */
  readonly buckets?: readonly number[];
  /** The {@link MetricsProvider} method whose handles feed this family. */
  readonly providerMethod: keyof MetricsProvider;
}

/** controller-runtime's histogram buckets for queue latency and work duration: 10 ns to 1,000 s, ×10 (12 bounds). */
export const workqueueDurationBuckets: readonly number[] = Object.freeze(exponentialBuckets(10e-9, 10, 12));

/**
 * The seven work queue metric families with controller-runtime's names, help texts, labels and buckets
 * (sigs.k8s.io/controller-runtime/pkg/metrics/workqueue.go). The manager registers these with prom-client and
 * installs a {@link MetricsProvider} that returns the labelled children.
 */
export const workqueueMetrics: readonly WorkqueueMetricDescriptor[] = Object.freeze([
  {
    name: "workqueue_depth",
    help: "Current depth of workqueue by workqueue and priority",
    type: "gauge",
    labelNames: ["name", "controller", "priority"],
    providerMethod: "newDepthMetric",
  },
  {
    name: "workqueue_adds_total",
    help: "Total number of adds handled by workqueue",
    type: "counter",
    labelNames: ["name", "controller"],
    providerMethod: "newAddsMetric",
  },
  {
    name: "workqueue_queue_duration_seconds",
    help: "How long in seconds an item stays in workqueue before being requested",
    type: "histogram",
    labelNames: ["name", "controller"],
    buckets: workqueueDurationBuckets,
    providerMethod: "newLatencyMetric",
  },
  {
    name: "workqueue_work_duration_seconds",
    help: "How long in seconds processing an item from workqueue takes.",
    type: "histogram",
    labelNames: ["name", "controller"],
    buckets: workqueueDurationBuckets,
    providerMethod: "newWorkDurationMetric",
  },
  {
    name: "workqueue_unfinished_work_seconds",
    help:
      "How many seconds of work has been done that is in progress and hasn't been observed by work_duration. " +
      "Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate at which this increases.",
    type: "gauge",
    labelNames: ["name", "controller"],
    providerMethod: "newUnfinishedWorkSecondsMetric",
  },
  {
    name: "workqueue_longest_running_processor_seconds",
    help: "How many seconds has the longest running processor for workqueue been running.",
    type: "gauge",
    labelNames: ["name", "controller"],
    providerMethod: "newLongestRunningProcessorSecondsMetric",
  },
  {
    name: "workqueue_retries_total",
    help: "Total number of retries handled by workqueue",
    type: "counter",
    labelNames: ["name", "controller"],
    providerMethod: "newRetriesMetric",
  },
] satisfies WorkqueueMetricDescriptor[]);

/**
 * The bookkeeping of one named queue (client-go's defaultQueueMetrics): first-add times for latency, start
 * times for work duration and the unfinished-work gauges. Keys are the queue's item keys. Internal.
 */
export class QueueMetrics {
  readonly #clock: Clock;
  readonly #depth: GaugeMetric;
  readonly #adds: CounterMetric;
  readonly #latency: HistogramMetric;
  readonly #workDuration: HistogramMetric;
  readonly #unfinished: SettableGaugeMetric;
  readonly #longest: SettableGaugeMetric;
  readonly #addTimes = new Map<unknown, number>();
  readonly #processingStartTimes = new Map<unknown, number>();

  /** Undefined when the queue has no name or the provider is the no-op one (then nothing is recorded). */
  static create(name: string | undefined, provider: MetricsProvider, clock: Clock): QueueMetrics | undefined {
    if (!name || provider === noopMetricsProvider) return undefined;
    return new QueueMetrics(name, provider, clock);
  }

  private constructor(name: string, p: MetricsProvider, clock: Clock) {
    this.#clock = clock;
    this.#depth = p.newDepthMetric(name);
    this.#adds = p.newAddsMetric(name);
    this.#latency = p.newLatencyMetric(name);
    this.#workDuration = p.newWorkDurationMetric(name);
    this.#unfinished = p.newUnfinishedWorkSecondsMetric(name);
    this.#longest = p.newLongestRunningProcessorSecondsMetric(name);
  }

  /** The key became dirty. */
  add(key: unknown): void {
    this.#adds.inc();
    this.#depth.inc();
    if (!this.#addTimes.has(key)) this.#addTimes.set(key, this.#clock.now());
  }

  /** The key was handed to a worker. */
  get(key: unknown): void {
    const now = this.#clock.now();
    this.#depth.dec();
    this.#processingStartTimes.set(key, now);
    const added = this.#addTimes.get(key);
    if (added !== undefined) {
      this.#latency.observe((now - added) / 1000);
      this.#addTimes.delete(key);
    }
  }

  /** The worker called done. */
  done(key: unknown): void {
    const started = this.#processingStartTimes.get(key);
    if (started !== undefined) {
      this.#workDuration.observe((this.#clock.now() - started) / 1000);
      this.#processingStartTimes.delete(key);
    }
  }

  /** Sets the unfinished-work and longest-running gauges from the items being processed now. */
  updateUnfinishedWork(): void {
    const now = this.#clock.now();
    let total = 0;
    let oldest = 0;
    for (const started of this.#processingStartTimes.values()) {
      const age = (now - started) / 1000;
      total += age;
      if (age > oldest) oldest = age;
    }
    this.#unfinished.set(total);
    this.#longest.set(oldest);
  }
}

/** The retries counter of a named delaying queue; undefined when metrics are off (same rule as {@link QueueMetrics}). */
export function retriesMetric(name: string | undefined, provider: MetricsProvider): CounterMetric | undefined {
  if (!name || provider === noopMetricsProvider) return undefined;
  return provider.newRetriesMetric(name);
}

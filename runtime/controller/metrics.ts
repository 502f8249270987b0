/**
 * Controller metrics through a provider interface, like runtime/workqueue's: the controller only calls
 * `inc`/`dec`/`set`/`observe` on handles it got from the provider when it starts, so the manager can plug
 * Prometheus (prom-client) in without this package depending on it.
 *
 * {@link controllerMetrics} describes the families with controller-runtime's names, help texts, labels and
 * buckets (sigs.k8s.io/controller-runtime/pkg/internal/controller/metrics): the manager registers them and
 * installs a provider (`setControllerMetricsProvider`) returning the labelled children. The work queue of a
 * controller is named after the controller and reports through runtime/workqueue's provider.
 */
import type { CounterMetric, GaugeMetric, HistogramMetric, SettableGaugeMetric } from "../workqueue/metrics.js";

/** The `result` label of controller_runtime_reconcile_total. */
export type ReconcileResultLabel = "success" | "error" | "requeue" | "requeue_after";

/** Every value of the `result` label (the controller initialises each to 0 when it starts). */
export const reconcileResultLabels: readonly ReconcileResultLabel[] = Object.freeze(["success", "error", "requeue", "requeue_after"]);

/**
 * Makes the metric handles of one controller. Each method is called once per controller (per result label for
 * reconcileTotal) when the controller starts, with its name; a Prometheus provider returns
 * `vec.labels(controller[, result])` and should initialise the child (e.g. `inc(0)`) so it is exported at 0.
 * Handles are called on the hot path: they must not throw.
 */
export interface ControllerMetricsProvider {
  /** `controller_runtime_reconcile_total{controller,result}`: reconciles by outcome. */
  newReconcileTotal(controller: string, result: ReconcileResultLabel): CounterMetric;
  /** `controller_runtime_reconcile_errors_total{controller}`: reconciles that failed (terminal included). */
  newReconcileErrors(controller: string): CounterMetric;
  /** `controller_runtime_terminal_reconcile_errors_total{controller}`: reconciles that failed with a TerminalError. */
  newTerminalReconcileErrors(controller: string): CounterMetric;
  /** `controller_runtime_reconcile_panics_total{controller}`: reconciles that threw a non-Error or a programming error. */
  newReconcilePanics(controller: string): CounterMetric;
  /** `controller_runtime_reconcile_time_seconds{controller}`: duration of every reconcile, in seconds. */
  newReconcileTime(controller: string): HistogramMetric;
  /** `controller_runtime_active_workers{controller}`: workers currently reconciling. */
  newActiveWorkers(controller: string): GaugeMetric;
  /** `controller_runtime_max_concurrent_reconciles{controller}`: the worker count, set once at start. */
  newMaxConcurrentReconciles(controller: string): SettableGaugeMetric;
}

const noopHandle = { inc(): void {}, dec(): void {}, set(): void {}, observe(): void {} };

/** The default provider: records nothing. */
export const noopControllerMetricsProvider: ControllerMetricsProvider = Object.freeze({
  newReconcileTotal: () => noopHandle,
  newReconcileErrors: () => noopHandle,
  newTerminalReconcileErrors: () => noopHandle,
  newReconcilePanics: () => noopHandle,
  newReconcileTime: () => noopHandle,
  newActiveWorkers: () => noopHandle,
  newMaxConcurrentReconciles: () => noopHandle,
});

let globalProvider: ControllerMetricsProvider = noopControllerMetricsProvider;

/** Sets the provider controllers started from now on use unless given one (the manager calls it once). Last call wins. */
export function setControllerMetricsProvider(provider: ControllerMetricsProvider): void {
  globalProvider = provider;
}

/** The provider new controllers use by default. */
export function getControllerMetricsProvider(): ControllerMetricsProvider {
  return globalProvider;
}

/** One metric family as controller-runtime registers it. */
export interface ControllerMetricDescriptor {
  readonly name: string;
  readonly help: string;
  readonly type: "gauge" | "counter" | "histogram";
  readonly labelNames: readonly string[];
  /** Bucket upper bounds in seconds (histograms only). */
  readonly buckets?: readonly number[];
  /** The {@link ControllerMetricsProvider} method whose handles feed this family. */
  readonly providerMethod: keyof ControllerMetricsProvider;
}

/** controller-runtime's buckets of controller_runtime_reconcile_time_seconds. */
export const reconcileTimeBuckets: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6,
  7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
]);

/** The controller metric families (names, help and labels as controller-runtime). */
export const controllerMetrics: readonly ControllerMetricDescriptor[] = Object.freeze([
  {
    name: "controller_runtime_reconcile_total",
    help: "Total number of reconciliations per controller",
    type: "counter",
    labelNames: ["controller", "result"],
    providerMethod: "newReconcileTotal",
  },
  {
    name: "controller_runtime_reconcile_errors_total",
    help: "Total number of reconciliation errors per controller",
    type: "counter",
    labelNames: ["controller"],
    providerMethod: "newReconcileErrors",
  },
  {
    name: "controller_runtime_terminal_reconcile_errors_total",
    help: "Total number of terminal reconciliation errors per controller",
    type: "counter",
    labelNames: ["controller"],
    providerMethod: "newTerminalReconcileErrors",
  },
  {
    name: "controller_runtime_reconcile_panics_total",
    help: "Total number of reconciliation panics per controller",
    type: "counter",
    labelNames: ["controller"],
    providerMethod: "newReconcilePanics",
  },
  {
    name: "controller_runtime_reconcile_time_seconds",
    help: "Length of time per reconciliation per controller",
    type: "histogram",
    labelNames: ["controller"],
    buckets: reconcileTimeBuckets,
    providerMethod: "newReconcileTime",
  },
  {
    name: "controller_runtime_max_concurrent_reconciles",
    help: "Maximum number of concurrent reconciles per controller",
    type: "gauge",
    labelNames: ["controller"],
    providerMethod: "newMaxConcurrentReconciles",
  },
  {
    name: "controller_runtime_active_workers",
    help: "Number of currently used workers per controller",
    type: "gauge",
    labelNames: ["controller"],
    providerMethod: "newActiveWorkers",
  },
]);

/**
 * The manager's Prometheus metrics (prom-client): one Registry per manager holding controller-runtime's
 * families — `workqueue_*` fed through a workqueue {@link MetricsProvider}, `leader_election_master_status`,
 * and whatever else is registered on it (controller_runtime_* from the controller package).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { controllerMetrics, type ControllerMetricDescriptor, type ControllerMetricsProvider, type ReconcileResultLabel } from "../controller/metrics.js";
import type { LeaderMetrics } from "../leaderelection/leaderelection.js";
import { workqueueMetrics, type CounterMetric, type GaugeMetric, type HistogramMetric, type MetricsProvider, type SettableGaugeMetric, type WorkqueueMetricDescriptor } from "../workqueue/metrics.js";

type AnyMetric = Gauge<string> | Counter<string> | Histogram<string>;

function labelsFor(d: WorkqueueMetricDescriptor, queue: string): string[] {
  return d.labelNames.map((l) => (l === "priority" ? "" : queue));
}

/**
 * A workqueue {@link MetricsProvider} on prom-client: registers the seven `workqueue_*` families of
 * {@link workqueueMetrics} in `registry` and hands out their children labelled with the queue's name
 * (`name` and `controller` both set to it, `priority` "" — as controller-runtime does).
 */
export function prometheusWorkqueueProvider(registry: Registry): MetricsProvider {
  const families = new Map<keyof MetricsProvider, { d: WorkqueueMetricDescriptor; m: AnyMetric }>();
  for (const d of workqueueMetrics) {
    const common = { name: d.name, help: d.help, labelNames: [...d.labelNames], registers: [registry] };
    const m: AnyMetric =
      d.type === "gauge" ? new Gauge(common) : d.type === "counter" ? new Counter(common) : new Histogram({ ...common, buckets: [...(d.buckets ?? [])] });
    families.set(d.providerMethod, { d, m });
  }
  const child = (method: keyof MetricsProvider, queue: string): unknown => {
    const f = families.get(method);
    if (!f) throw new Error(`no workqueue metric for ${method}`);
    return (f.m as Gauge<string>).labels(...labelsFor(f.d, queue));
  };
  return {
    newDepthMetric: (n) => child("newDepthMetric", n) as GaugeMetric,
    newAddsMetric: (n) => child("newAddsMetric", n) as CounterMetric,
    newLatencyMetric: (n) => child("newLatencyMetric", n) as HistogramMetric,
    newWorkDurationMetric: (n) => child("newWorkDurationMetric", n) as HistogramMetric,
    newUnfinishedWorkSecondsMetric: (n) => child("newUnfinishedWorkSecondsMetric", n) as SettableGaugeMetric,
    newLongestRunningProcessorSecondsMetric: (n) => child("newLongestRunningProcessorSecondsMetric", n) as SettableGaugeMetric,
    newRetriesMetric: (n) => child("newRetriesMetric", n) as CounterMetric,
  };
}

/**
 * A controller {@link ControllerMetricsProvider} on prom-client: registers the `controller_runtime_*` families
 * of the controller package's {@link controllerMetrics} in `registry` and hands out children labelled with the
 * controller's name (and result), initialised so that they are exported at 0.
 */
export function prometheusControllerProvider(registry: Registry): ControllerMetricsProvider {
  const families = new Map<keyof ControllerMetricsProvider, { d: ControllerMetricDescriptor; m: AnyMetric }>();
  for (const d of controllerMetrics) {
    const common = { name: d.name, help: d.help, labelNames: [...d.labelNames], registers: [registry] };
    const m: AnyMetric =
      d.type === "gauge" ? new Gauge(common) : d.type === "counter" ? new Counter(common) : new Histogram({ ...common, buckets: [...(d.buckets ?? [])] });
    families.set(d.providerMethod, { d, m });
  }
  const child = (method: keyof ControllerMetricsProvider, controller: string, result?: ReconcileResultLabel): unknown => {
    const f = families.get(method);
    if (!f) throw new Error(`no controller metric for ${method}`);
    const labels = f.d.labelNames.map((l) => (l === "result" ? (result ?? "") : controller));
    const c = (f.m as Counter<string>).labels(...labels);
    if (f.d.type === "counter") c.inc(0);
    return c;
  };
  return {
    newReconcileTotal: (c, r) => child("newReconcileTotal", c, r) as CounterMetric,
    newReconcileErrors: (c) => child("newReconcileErrors", c) as CounterMetric,
    newTerminalReconcileErrors: (c) => child("newTerminalReconcileErrors", c) as CounterMetric,
    newReconcilePanics: (c) => child("newReconcilePanics", c) as CounterMetric,
    newReconcileTime: (c) => child("newReconcileTime", c) as HistogramMetric,
    newActiveWorkers: (c) => child("newActiveWorkers", c) as GaugeMetric,
    newMaxConcurrentReconciles: (c) => child("newMaxConcurrentReconciles", c) as SettableGaugeMetric,
  };
}

/** `leader_election_master_status{name}` (client-go's leader election switch metric) as {@link LeaderMetrics}. */
export function prometheusLeaderMetrics(registry: Registry): LeaderMetrics & { gauge: Gauge<"name"> } {
  const gauge = new Gauge({
    name: "leader_election_master_status",
    help: "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. 'name' is the string used to identify the lease. Please make sure to group by name.",
    labelNames: ["name"] as const,
    registers: [registry],
  });
  return {
    gauge,
    leaderOn: (name) => gauge.labels(name).set(1),
    leaderOff: (name) => gauge.labels(name).set(0),
  };
}

/** A new registry, with prom-client's process and Node.js runtime metrics unless `defaults` is false. */
export function newRegistry(defaults: boolean): Registry {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry });
  return registry;
}

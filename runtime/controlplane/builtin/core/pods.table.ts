/**
 * `kubectl get pods` columns and cells (printPod in pkg/printers/internalversion/printers.go): READY counts,
 * the STATUS reason (init progress, waiting/terminated reasons, Terminating, NotReady/Running for completed
 * sidecar pods), RESTARTS with the time of the last restart, and the wide columns.
 */
import type { TableConvertor } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { age, ageColumn, col, nameColumn, since } from "../common/printers.js";
import { isRestartableInitContainer } from "./podspec.defaults.js";
import { asObj, numOf, objItems, objOf, strOf, type Obj } from "./util.js";

const columns = [
  nameColumn,
  col("Ready", "The aggregate readiness state of this pod for accepting traffic."),
  col("Status", "The aggregate status of the containers in this pod."),
  col("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
  ageColumn,
  col("IP", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", 1),
  col("Node", "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename", 1),
  col("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.", 1),
  col("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates", 1),
];

function time(v: unknown): number {
  if (typeof v !== "string" || v === "") return 0;
  const t = Date.parse(v);
  return Number.isNaN(t) ? 0 : t;
}

function hasCondition(status: Obj, type: string): boolean {
  return objItems(status.conditions).some(([, c]) => c.type === type && c.status === "True");
}

function terminatedReason(term: Obj, prefix: string): string {
  const reason = strOf(term.reason);
  if (reason) return prefix + reason;
  const signal = numOf(term.signal) ?? 0;
  if (signal !== 0) return `${prefix}Signal:${signal}`;
  return `${prefix}ExitCode:${numOf(term.exitCode) ?? 0}`;
}

/** The cells of one pod row, in column order (wide columns included). */
export function podCells(pod: KubeObject, now: Date): unknown[] {
  const spec = objOf(pod.spec);
  const status = objOf(pod.status);
  const containers = objItems(spec.containers);
  const initSpecs = new Map<string, Obj>();
  let total = containers.length;
  for (const [, c] of objItems(spec.initContainers)) {
    initSpecs.set(strOf(c.name), c);
    if (isRestartableInitContainer(c)) total++;
  }
  const phase = strOf(status.phase);
  let reason = strOf(status.reason) || phase;
  for (const [, c] of objItems(status.conditions)) {
    if (c.type === "PodScheduled" && c.reason === "SchedulingGated") reason = "SchedulingGated";
  }

  let restarts = 0;
  let sidecarRestarts = 0;
  let ready = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  let initializing = false;
  const initStatuses = objItems(status.initContainerStatuses);
  for (let idx = 0; idx < initStatuses.length; idx++) {
    const cs = (initStatuses[idx] as [number, Obj])[1];
    const count = numOf(cs.restartCount) ?? 0;
    restarts += count;
    const lastTerm = asObj(objOf(cs.lastState).terminated);
    if (lastTerm) lastRestart = Math.max(lastRestart, time(lastTerm.finishedAt));
    const sidecar = isRestartableInitContainer(initSpecs.get(strOf(cs.name)));
    if (sidecar) {
      sidecarRestarts += count;
      if (lastTerm) lastSidecarRestart = Math.max(lastSidecarRestart, time(lastTerm.finishedAt));
    }
    const state = objOf(cs.state);
    const term = asObj(state.terminated);
    const waiting = asObj(state.waiting);
    if (term && (numOf(term.exitCode) ?? 0) === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready === true) ready++;
      continue;
    }
    if (term) {
      reason = terminatedReason(term, "Init:");
    } else if (waiting && strOf(waiting.reason) && waiting.reason !== "PodInitializing") {
      reason = `Init:${strOf(waiting.reason)}`;
    } else {
      reason = `Init:${idx}/${objItems(spec.initContainers).length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(status, "Initialized")) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = objItems(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = (statuses[i] as [number, Obj])[1];
      restarts += numOf(cs.restartCount) ?? 0;
      const lastTerm = asObj(objOf(cs.lastState).terminated);
      if (lastTerm) lastRestart = Math.max(lastRestart, time(lastTerm.finishedAt));
      const state = objOf(cs.state);
      const waiting = asObj(state.waiting);
      const term = asObj(state.terminated);
      if (waiting && strOf(waiting.reason)) reason = strOf(waiting.reason);
      else if (term && strOf(term.reason)) reason = strOf(term.reason);
      else if (term) reason = terminatedReason(term, "");
      else if (cs.ready === true && asObj(state.running)) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === "Completed" && hasRunning) reason = hasCondition(status, "Ready") ? "Running" : "NotReady";
  }

  if (pod.metadata.deletionTimestamp && status.reason === "NodeLost") reason = "Unknown";
  else if (pod.metadata.deletionTimestamp && phase !== "Failed" && phase !== "Succeeded") reason = "Terminating";

  let restartsStr = String(restarts);
  if (restarts !== 0 && lastRestart !== 0) restartsStr = `${restarts} (${since(new Date(lastRestart).toISOString(), now)} ago)`;

  const podIPs = objItems(status.podIPs);
  const podIP = podIPs.length > 0 ? strOf((podIPs[0] as [number, Obj])[1].ip) : "";
  let gates = "<none>";
  const readinessGates = objItems(spec.readinessGates);
  if (readinessGates.length > 0) {
    let trueCount = 0;
    for (const [, g] of readinessGates) {
      const cond = objItems(status.conditions).find(([, c]) => c.type === g.conditionType);
      if (cond && cond[1].status === "True") trueCount++;
    }
    gates = `${trueCount}/${readinessGates.length}`;
  }
  return [
    pod.metadata.name ?? "",
    `${ready}/${total}`,
    reason,
    restartsStr,
    age(pod, now),
    podIP || "<none>",
    strOf(spec.nodeName) || "<none>",
    strOf(status.nominatedNodeName) || "<none>",
    gates,
  ];
}

export const podTable: TableConvertor = { columns, cells: podCells };

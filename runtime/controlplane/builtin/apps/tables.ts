/**
 * apps/v1 tables as kube-apiserver prints them (printDeployment, printReplicaSet, printStatefulSet,
 * printDaemonSet); the server always fills the wide cells.
 */
import type { TableConvertor } from "../../../apiserver/resource.js";
import { asNumber, asRecord, containersColumn, imagesColumn } from "../common/apps-shared.js";
import { age, ageColumn, col, formatLabelSelector, formatLabels, layoutContainerCells, nameColumn } from "../common/printers.js";
import { selectorOf } from "./validation.js";

function parts(obj: { [k: string]: unknown }): { spec: Record<string, unknown>; status: Record<string, unknown>; template: Record<string, unknown> } {
  const spec = asRecord(obj["spec"]) ?? {};
  return { spec, status: asRecord(obj["status"]) ?? {}, template: asRecord(spec["template"]) ?? {} };
}

function containerCells(template: Record<string, unknown>): [string, string] {
  const { names, images } = layoutContainerCells(asRecord(template["spec"])?.["containers"]);
  return [names, images];
}

const n = (v: unknown): number => asNumber(v) ?? 0;

export const deploymentTable: TableConvertor = {
  columns: [
    nameColumn,
    col("Ready", "Number of the pod with ready state"),
    col("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
    col("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
    ageColumn,
    containersColumn,
    imagesColumn,
    col("Selector", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", 1),
  ],
  cells(obj, now) {
    const { spec, status, template } = parts(obj);
    const selector = selectorOf(spec["selector"]);
    return [
      obj.metadata.name ?? "",
      `${n(status["readyReplicas"])}/${n(spec["replicas"])}`,
      n(status["updatedReplicas"]),
      n(status["availableReplicas"]),
      age(obj, now),
      ...containerCells(template),
      selector ? selector.toString() : "<invalid>",
    ];
  },
};

export const replicaSetTable: TableConvertor = {
  columns: [
    nameColumn,
    col(
      "Desired",
      "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller",
      0,
      "integer",
    ),
    col(
      "Current",
      "Replicas is the most recently oberved number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller",
      0,
      "integer",
    ),
    col("Ready", "The number of ready replicas for this replica set.", 0, "integer"),
    ageColumn,
    containersColumn,
    imagesColumn,
    col(
      "Selector",
      "Selector is a label query over pods that should match the replica count. If the selector is empty, it is defaulted to the labels present on the pod template. Label keys and values that must match in order to be controlled by this replica set. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
      1,
    ),
  ],
  cells(obj, now) {
    const { spec, status, template } = parts(obj);
    return [
      obj.metadata.name ?? "",
      n(spec["replicas"]),
      n(status["replicas"]),
      n(status["readyReplicas"]),
      age(obj, now),
      ...containerCells(template),
      formatLabelSelector(spec["selector"]),
    ];
  },
};

export const statefulSetTable: TableConvertor = {
  columns: [nameColumn, col("Ready", "Number of the pod with ready state"), ageColumn, containersColumn, imagesColumn],
  cells(obj, now) {
    const { spec, status, template } = parts(obj);
    return [obj.metadata.name ?? "", `${n(status["readyReplicas"])}/${n(spec["replicas"])}`, age(obj, now), ...containerCells(template)];
  },
};

export const daemonSetTable: TableConvertor = {
  columns: [
    nameColumn,
    col(
      "Desired",
      "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/",
      0,
      "integer",
    ),
    col(
      "Current",
      "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/",
      0,
      "integer",
    ),
    col("Ready", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.", 0, "integer"),
    col("Up-to-date", "The total number of nodes that are running updated daemon pod", 0, "integer"),
    col(
      "Available",
      "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)",
      0,
      "integer",
    ),
    col(
      "Node Selector",
      "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
    ),
    ageColumn,
    containersColumn,
    imagesColumn,
    col(
      "Selector",
      "A label query over pods that are managed by the daemon set. Must match in order to be controlled. If empty, defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
      1,
    ),
  ],
  cells(obj, now) {
    const { spec, status, template } = parts(obj);
    return [
      obj.metadata.name ?? "",
      n(status["desiredNumberScheduled"]),
      n(status["currentNumberScheduled"]),
      n(status["numberReady"]),
      n(status["updatedNumberScheduled"]),
      n(status["numberAvailable"]),
      formatLabels(asRecord(template["spec"])?.["nodeSelector"]),
      age(obj, now),
      ...containerCells(template),
      formatLabelSelector(spec["selector"]),
    ];
  },
};

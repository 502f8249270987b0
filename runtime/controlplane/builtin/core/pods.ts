/**
 * core/v1 pods (pkg/registry/core/pod): defaulting, the admission effects every real cluster applies on create
 * (ServiceAccount, Priority, DefaultTolerationSeconds), status initialisation with the QoS class, the immutable
 * spec, graceful deletion, field selectors and the `kubectl get pods` table.
 */
import type { ResourceDefinition, Strategy } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { podPatchMeta } from "./patchmeta.js";
import { defaultPodOnly, defaultPodSpec } from "./podspec.defaults.js";
import { podTable } from "./pods.table.js";
import { validatePodCreate, validatePodUpdate } from "./pods.validation.js";
import { podQOSClass } from "./resources.js";
import { arrOf, asObj, ensureObj, numOf, objItems, objOf, strOf, type Obj } from "./util.js";

const systemPriorityClasses: Record<string, number> = {
  "system-node-critical": 2000001000,
  "system-cluster-critical": 2000000000,
};

/** v1 conversion: status.podIP/hostIP mirror the first of status.podIPs/hostIPs. */
function syncStatusIPs(status: Obj): void {
  for (const [single, plural] of [["podIP", "podIPs"], ["hostIP", "hostIPs"]] as const) {
    const list = objItems(status[plural]);
    const one = strOf(status[single]);
    if (list.length === 0 && one) status[plural] = [{ ip: one }];
    else if (list.length > 0) status[single] = strOf((list[0] as [number, Obj])[1].ip);
  }
}

/** The ServiceAccount, Priority and DefaultTolerationSeconds admission plugins' effect on a new pod. */
export function applyPodAdmissionDefaults(pod: KubeObject): void {
  const spec = ensureObj(pod, "spec");
  const mirror = pod.metadata.annotations?.["kubernetes.io/config.mirror"] !== undefined;
  if (!strOf(spec.serviceAccountName) && !mirror) spec.serviceAccountName = "default";
  if (strOf(spec.serviceAccountName)) spec.serviceAccount = spec.serviceAccountName;
  if (numOf(spec.priority) === undefined) {
    const cls = strOf(spec.priorityClassName);
    if (!cls) spec.priority = 0;
    else if (cls in systemPriorityClasses) spec.priority = systemPriorityClasses[cls];
  }
  if (spec.preemptionPolicy === undefined || spec.preemptionPolicy === null) spec.preemptionPolicy = "PreemptLowerPriority";
  let notReady = false;
  let unreachable = false;
  for (const [, t] of objItems(spec.tolerations)) {
    const key = strOf(t.key);
    const effect = strOf(t.effect);
    if ((key === "node.kubernetes.io/not-ready" || key === "") && (effect === "NoExecute" || effect === "")) notReady = true;
    if ((key === "node.kubernetes.io/unreachable" || key === "") && (effect === "NoExecute" || effect === "")) unreachable = true;
  }
  if (notReady && unreachable) return;
  const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  if (!notReady) tolerations.push({ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 });
  if (!unreachable) tolerations.push({ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 });
  spec.tolerations = tolerations;
}

const betaNodeLabels: Record<string, string> = {
  "beta.kubernetes.io/arch": "kubernetes.io/arch",
  "beta.kubernetes.io/os": "kubernetes.io/os",
  "failure-domain.beta.kubernetes.io/region": "topology.kubernetes.io/region",
  "failure-domain.beta.kubernetes.io/zone": "topology.kubernetes.io/zone",
  "beta.kubernetes.io/instance-type": "node.kubernetes.io/instance-type",
};

/** A few of upstream's GetWarningsForPod: deprecated node labels in the node selector. */
export function podSpecWarnings(specIn: unknown, prefix: string): string[] {
  const spec = objOf(specIn);
  const out: string[] = [];
  for (const key of Object.keys(objOf(spec.nodeSelector))) {
    const repl = betaNodeLabels[key];
    if (repl) out.push(`${prefix}.nodeSelector[${key}]: deprecated since v1.14; use "${repl}" instead`);
  }
  return out;
}

export const podStrategy: Strategy = {
  default(obj) {
    const spec = ensureObj(obj, "spec");
    defaultPodSpec(spec);
    defaultPodOnly(spec);
    const status = asObj(obj.status);
    if (status) syncStatusIPs(status);
  },
  prepareForCreate(obj) {
    applyPodAdmissionDefaults(obj);
    const spec = objOf(obj.spec);
    const status: Obj = { phase: "Pending", qosClass: podQOSClass(spec) };
    if (arrOf(spec.schedulingGates).length > 0) {
      status.conditions = [
        { type: "PodScheduled", status: "False", lastProbeTime: null, lastTransitionTime: null, reason: "SchedulingGated", message: "Scheduling is blocked due to non-empty scheduling gates" },
      ];
    }
    obj.status = status;
  },
  validate: validatePodCreate,
  validateUpdate: validatePodUpdate,
  warningsOnCreate: (obj) => podSpecWarnings(obj.spec, "spec"),
  gracePeriodSeconds(obj, requested) {
    const spec = objOf(obj.spec);
    const phase = objOf(obj.status).phase;
    let period = requested ?? numOf(spec.terminationGracePeriodSeconds) ?? 0;
    if (!strOf(spec.nodeName)) period = 0;
    if (phase === "Failed" || phase === "Succeeded") period = 0;
    if (period < 0) period = 1;
    return period;
  },
};

/** PodToSelectableFields. */
export function podSelectableFields(pod: KubeObject): Record<string, string> {
  const spec = objOf(pod.spec);
  const status = objOf(pod.status);
  const ips = objItems(status.podIPs);
  return {
    "spec.nodeName": strOf(spec.nodeName),
    "spec.restartPolicy": strOf(spec.restartPolicy),
    "spec.schedulerName": strOf(spec.schedulerName),
    "spec.serviceAccountName": strOf(spec.serviceAccountName),
    "spec.hostNetwork": String(spec.hostNetwork === true),
    "status.phase": strOf(status.phase),
    "status.podIP": ips.length > 0 ? strOf((ips[0] as [number, Obj])[1].ip) : strOf(status.podIP),
    "status.nominatedNodeName": strOf(status.nominatedNodeName),
  };
}

export const pods: ResourceDefinition = {
  group: "",
  version: "v1",
  names: { plural: "pods", singular: "pod", kind: "Pod", listKind: "PodList", shortNames: ["po"], categories: ["all"] },
  namespaced: true,
  statusSubresource: true,
  strategy: podStrategy,
  table: podTable,
  selectableFields: podSelectableFields,
  patchMeta: podPatchMeta,
  returnDeletedObject: true,
};

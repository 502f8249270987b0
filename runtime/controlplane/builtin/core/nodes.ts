/**
 * core/v1 nodes (pkg/registry/core/node): taints, podCIDRs (set once), providerID (set once), allocatable
 * defaulting to capacity, field selector spec.unschedulable, and `kubectl get nodes` (STATUS, ROLES, VERSION,
 * wide addresses and system info).
 */
import type { ResourceDefinition, Strategy } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { deepCopy } from "../../../core/object.js";
import { validateLabelName } from "../../../core/labels.js";
import { FieldPath, fieldErrors, isValidLabelValue, type FieldError } from "../../../core/validation.js";
import { age, ageColumn, col, nameColumn } from "../common/printers.js";
import { nodePatchMeta } from "./patchmeta.js";
import { validateTaintEffect } from "./podspec.validation.js";
import { quantityNano, quantityRegexMessage } from "./resources.js";
import { asObj, ensureObj, isCIDR, isIPv4, objItems, objOf, strListOf, strOf, type Obj } from "./util.js";

/** validateNodeTaints (reported under metadata.taints, as upstream does). */
export function validateNodeTaints(taints: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const [i, t] of objItems(taints)) {
    const ip = path.index(i);
    const key = strOf(t.key);
    errs.push(...validateLabelName(key, ip.child("key")));
    const value = strOf(t.value);
    const msgs = isValidLabelValue(value);
    if (msgs.length) errs.push(fieldErrors.invalid(ip.child("value"), value, msgs.join(";")));
    errs.push(...validateTaintEffect(t.effect, false, ip.child("effect")));
    const pair = `${strOf(t.effect)}\u0000${key}`;
    if (seen.has(pair)) {
      errs.push({ ...fieldErrors.duplicate(ip, t), detail: "taints must be unique by key and effect pair" });
      continue;
    }
    seen.add(pair);
  }
  return errs;
}

function validateNodeResources(node: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const status = objOf(node.status);
  for (const field of ["capacity", "allocatable"]) {
    for (const [name, q] of Object.entries(objOf(status[field]))) {
      const p = FieldPath.of("status", field).key(name);
      const v = quantityNano(q);
      if (v === undefined) errs.push(fieldErrors.invalid(p, q, quantityRegexMessage));
      else if (v < 0n) errs.push(fieldErrors.invalid(p, q, "must be greater than or equal to 0"));
    }
  }
  return errs;
}

function validatePodCIDRs(node: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const cidrs = strListOf(objOf(node.spec).podCIDRs);
  const path = FieldPath.of("spec", "podCIDRs");
  cidrs.forEach((c, i) => {
    if (!isCIDR(c)) errs.push(fieldErrors.invalid(path.index(i), c, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
  });
  if (cidrs.length > 1) {
    const v4 = cidrs.filter((c) => isIPv4(c.split("/")[0] ?? "")).length;
    if (cidrs.length > 2 || v4 !== 1) errs.push(fieldErrors.invalid(path, cidrs, "may specify no more than one CIDR for each IP family"));
  }
  return errs;
}

/** ValidateNode (beyond metadata). */
export function validateNode(node: KubeObject): FieldError[] {
  return [...validateNodeTaints(objOf(node.spec).taints, FieldPath.of("metadata", "taints")), ...validateNodeResources(node), ...validatePodCIDRs(node)];
}

/** ValidateNodeUpdate (beyond metadata). */
export function validateNodeUpdate(node: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateNodeResources(node);
  const seen = new Set<string>();
  for (const [i, a] of objItems(objOf(node.status).addresses)) {
    const key = `${strOf(a.type)}\u0000${strOf(a.address)}`;
    if (seen.has(key)) errs.push(fieldErrors.duplicate(FieldPath.of("status", "addresses").index(i), a));
    seen.add(key);
  }
  const ns = objOf(node.spec);
  const os = objOf(old.spec);
  const oldCIDRs = strListOf(os.podCIDRs);
  const newCIDRs = strListOf(ns.podCIDRs);
  const cidrMsg = 'node updates may not change podCIDR except from "" to valid';
  if (oldCIDRs.length > 0) {
    if (oldCIDRs.length !== newCIDRs.length) errs.push(fieldErrors.forbidden(FieldPath.of("spec", "podCIDRs"), cidrMsg));
    else oldCIDRs.forEach((c, i) => {
      if (c !== newCIDRs[i]) errs.push(fieldErrors.forbidden(FieldPath.of("spec", "podCIDRs"), cidrMsg));
    });
  } else {
    errs.push(...validatePodCIDRs(node));
  }
  const oldProvider = strOf(os.providerID);
  if (oldProvider && oldProvider !== strOf(ns.providerID)) {
    errs.push(fieldErrors.forbidden(FieldPath.of("spec", "providerID"), 'node updates may not change providerID except from "" to valid'));
  }
  errs.push(...validateNodeTaints(ns.taints, FieldPath.of("metadata", "taints")));
  if (strOf(ns.externalID) !== strOf(os.externalID)) errs.push(fieldErrors.forbidden(FieldPath.of("spec", "externalID"), "may not be updated"));
  return errs;
}

export const nodeStrategy: Strategy = {
  default(obj) {
    const spec = ensureObj(obj, "spec");
    const cidrs = strListOf(spec.podCIDRs);
    const cidr = strOf(spec.podCIDR);
    if (cidr && cidrs.length === 0) spec.podCIDRs = [cidr];
    else if (cidrs.length > 0) spec.podCIDR = cidrs[0];
    const status = asObj(obj.status);
    if (status && asObj(status.capacity) && !asObj(status.allocatable)) status.allocatable = deepCopy(status.capacity);
  },
  prepareForCreate(obj) {
    const spec = objOf(obj.spec);
    delete spec.configSource;
    const status = asObj(obj.status);
    if (status) delete status.config;
  },
  prepareForUpdate(obj, old) {
    const spec = ensureObj(obj, "spec");
    const oldSource = objOf(old.spec).configSource;
    if (oldSource === undefined) delete spec.configSource;
  },
  validate: validateNode,
  validateUpdate: validateNodeUpdate,
};

/** printNode's STATUS: Ready / NotReady / Unknown, plus SchedulingDisabled. */
export function nodeStatus(node: KubeObject): string {
  const status: string[] = [];
  const ready = objItems(objOf(node.status).conditions).filter(([, c]) => c.type === "Ready").pop();
  if (ready) status.push(ready[1].status === "True" ? "Ready" : "NotReady");
  if (status.length === 0) status.push("Unknown");
  if (objOf(node.spec).unschedulable === true) status.push("SchedulingDisabled");
  return status.join(",");
}

/** findNodeRoles: node-role.kubernetes.io/<role> labels and the kubernetes.io/role label, sorted. */
export function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith("node-role.kubernetes.io/")) {
      const role = k.slice("node-role.kubernetes.io/".length);
      if (role) roles.add(role);
    } else if (k === "kubernetes.io/role" && v) {
      roles.add(v);
    }
  }
  const list = [...roles].sort();
  return list.length > 0 ? list.join(",") : "<none>";
}

function nodeAddress(node: KubeObject, type: string): string {
  const found = objItems(objOf(node.status).addresses).find(([, a]) => a.type === type);
  return found ? strOf(found[1].address) : "<none>";
}

function nodeCells(node: KubeObject, now: Date): unknown[] {
  const info: Obj = objOf(objOf(node.status).nodeInfo);
  const orUnknown = (v: unknown): string => strOf(v) || "<unknown>";
  return [
    node.metadata.name ?? "",
    nodeStatus(node),
    nodeRoles(node),
    age(node, now),
    strOf(info.kubeletVersion),
    nodeAddress(node, "InternalIP"),
    nodeAddress(node, "ExternalIP"),
    orUnknown(info.osImage),
    orUnknown(info.kernelVersion),
    orUnknown(info.containerRuntimeVersion),
  ];
}

export const nodes: ResourceDefinition = {
  group: "",
  version: "v1",
  names: { plural: "nodes", singular: "node", kind: "Node", listKind: "NodeList", shortNames: ["no"] },
  namespaced: false,
  statusSubresource: true,
  strategy: nodeStrategy,
  table: {
    columns: [
      nameColumn,
      col("Status", "The status of the node"),
      col("Roles", "The roles of the node"),
      ageColumn,
      col("Version", "Kubelet Version reported by the node."),
      col("Internal-IP", "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).", 1),
      col("External-IP", "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).", 1),
      col("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", 1),
      col("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
      col("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", 1),
    ],
    cells: nodeCells,
  },
  selectableFields: (obj) => ({ "spec.unschedulable": String(objOf(obj.spec).unschedulable === true) }),
  patchMeta: nodePatchMeta,
};

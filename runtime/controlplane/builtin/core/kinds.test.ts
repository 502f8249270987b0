import { describe, expect, it } from "vitest";
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { fieldErrorString } from "../../../core/validation.js";
import { endpoints, formatEndpoints } from "./endpoints.js";
import { events } from "./events.js";
import { coreResources } from "./index.js";
import { namespaces } from "./namespaces.js";
import { nodes } from "./nodes.js";
import { persistentvolumeclaims } from "./persistentvolumeclaims.js";
import { persistentvolumes } from "./persistentvolumes.js";

const now = new Date("2024-05-01T12:00:00Z");

function o(kind: string, name: string, fields: Record<string, unknown>, namespace?: string): KubeObject {
  const metadata: KubeObject["metadata"] = { name, creationTimestamp: "2024-04-30T12:00:00Z" };
  if (namespace) metadata.namespace = namespace;
  return { apiVersion: "v1", kind, metadata, ...fields };
}

function create(def: ResourceDefinition, obj: KubeObject): string[] {
  const s = def.strategy ?? {};
  s.default?.(obj);
  s.prepareForCreate?.(obj);
  const errs = (s.validate?.(obj) ?? []).map(fieldErrorString);
  if (errs.length === 0) s.canonicalize?.(obj);
  return errs;
}

function update(def: ResourceDefinition, obj: KubeObject, old: KubeObject): string[] {
  const s = def.strategy ?? {};
  s.default?.(obj);
  s.prepareForUpdate?.(obj, old);
  const errs = (s.validateUpdate?.(obj, old) ?? []).map(fieldErrorString);
  if (errs.length === 0) s.canonicalize?.(obj);
  return errs;
}

describe("core resources", () => {
  it("lists every core/v1 kind with upstream names, scope and flags", () => {
    const summary = coreResources.map((r) => [r.names.plural, r.names.singular, r.names.shortNames ?? [], r.namespaced, !!r.statusSubresource, !!r.returnDeletedObject]);
    expect(summary).toEqual([
      ["pods", "pod", ["po"], true, true, true],
      ["services", "service", ["svc"], true, true, true],
      ["endpoints", "endpoints", ["ep"], true, false, false],
      ["namespaces", "namespace", ["ns"], false, true, true],
      ["nodes", "node", ["no"], false, true, false],
      ["configmaps", "configmap", ["cm"], true, false, false],
      ["secrets", "secret", [], true, false, false],
      ["serviceaccounts", "serviceaccount", ["sa"], true, false, true],
      ["events", "event", ["ev"], true, false, false],
      ["persistentvolumeclaims", "persistentvolumeclaim", ["pvc"], true, true, true],
      ["persistentvolumes", "persistentvolume", ["pv"], false, true, true],
    ]);
    for (const r of coreResources) {
      expect(r.group).toBe("");
      expect(r.version).toBe("v1");
      expect(r.patchMeta).toBeDefined();
      expect(r.table?.columns.some((c) => c.name === "Name" && c.format === "name")).toBe(true);
    }
  });
});

describe("namespaces", () => {
  it("adds the name label, the kubernetes finalizer and phase Active", () => {
    const ns = o("Namespace", "team-a", { spec: { finalizers: ["example.com/cleanup"] }, status: { phase: "Terminating" } });
    expect(create(namespaces, ns)).toEqual([]);
    expect(ns.metadata.labels).toEqual({ "kubernetes.io/metadata.name": "team-a" });
    expect(ns.spec).toEqual({ finalizers: ["example.com/cleanup", "kubernetes"] });
    expect(ns.status).toEqual({ phase: "Active" });
  });

  it("keeps spec.finalizers and the name label on update", () => {
    const old = o("Namespace", "team-a", { spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } });
    old.metadata.labels = { "kubernetes.io/metadata.name": "team-a" };
    const next = o("Namespace", "team-a", { spec: { finalizers: [] }, status: { phase: "Active" } });
    next.metadata.labels = { env: "dev" };
    expect(update(namespaces, next, old)).toEqual([]);
    expect(next.spec).toEqual({ finalizers: ["kubernetes"] });
    expect(next.metadata.labels).toEqual({ env: "dev", "kubernetes.io/metadata.name": "team-a" });
  });

  it("validates names as DNS labels and finalizer names", () => {
    expect(namespaces.nameValidator?.("a.b", false)).not.toEqual([]);
    expect(create(namespaces, o("Namespace", "x", { spec: { finalizers: ["foo"] } }))).toEqual([
      'spec.finalizers: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified',
    ]);
  });

  it("prints NAME STATUS AGE and selects on status.phase", () => {
    const ns = o("Namespace", "default", { status: { phase: "Active" } });
    expect(namespaces.table?.cells(ns, now)).toEqual(["default", "Active", "24h"]);
    expect(namespaces.selectableFields?.(ns)).toEqual({ "status.phase": "Active" });
  });
});

describe("nodes", () => {
  const node = (fields: Record<string, unknown>): KubeObject => o("Node", "node-1", fields);

  it("validates taints and keeps podCIDR once set", () => {
    expect(create(nodes, node({ spec: { taints: [{ key: "a", effect: "Sometimes" }, { key: "b" }] } }))).toEqual([
      'metadata.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      "metadata.taints[1].effect: Required value",
    ]);
    const old = node({ spec: { podCIDR: "10.244.0.0/24" } });
    create(nodes, old);
    expect(old.spec).toEqual({ podCIDR: "10.244.0.0/24", podCIDRs: ["10.244.0.0/24"] });
    const next = node({ spec: { podCIDR: "10.244.1.0/24", podCIDRs: ["10.244.1.0/24"] } });
    expect(update(nodes, next, old)).toEqual(['spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid']);
    const unschedulable = node({ spec: { podCIDR: "10.244.0.0/24", unschedulable: true } });
    expect(update(nodes, unschedulable, old)).toEqual([]);
  });

  it("defaults allocatable to capacity", () => {
    const n = node({ status: { capacity: { cpu: "4", memory: "8Gi" } } });
    create(nodes, n);
    expect(n.status).toEqual({ capacity: { cpu: "4", memory: "8Gi" }, allocatable: { cpu: "4", memory: "8Gi" } });
  });

  it("prints status, roles, version and the wide columns", () => {
    const n = node({
      spec: { unschedulable: true },
      status: {
        conditions: [{ type: "MemoryPressure", status: "False" }, { type: "Ready", status: "True" }],
        addresses: [{ type: "InternalIP", address: "172.18.0.2" }, { type: "Hostname", address: "node-1" }],
        nodeInfo: { kubeletVersion: "v1.30.0", osImage: "Debian GNU/Linux 12 (bookworm)", kernelVersion: "6.1.0", containerRuntimeVersion: "containerd://1.7.1" },
      },
    });
    n.metadata.labels = { "node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/worker": "", "kubernetes.io/role": "edge" };
    expect(nodes.table?.cells(n, now)).toEqual([
      "node-1",
      "Ready,SchedulingDisabled",
      "control-plane,edge,worker",
      "24h",
      "v1.30.0",
      "172.18.0.2",
      "<none>",
      "Debian GNU/Linux 12 (bookworm)",
      "6.1.0",
      "containerd://1.7.1",
    ]);
    const bare = node({});
    expect(nodes.table?.cells(bare, now)).toEqual(["node-1", "Unknown", "<none>", "24h", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"]);
    const notReady = node({ status: { conditions: [{ type: "Ready", status: "Unknown" }] } });
    expect(nodes.table?.cells(notReady, now)[1]).toBe("NotReady");
    expect(nodes.selectableFields?.(n)).toEqual({ "spec.unschedulable": "true" });
  });
});

describe("endpoints", () => {
  it("validates subsets (loopback allowed: the local control plane's servers run on this machine)", () => {
    const ep = o(
      "Endpoints",
      "web",
      { subsets: [{ addresses: [{ ip: "127.0.0.1" }, { ip: "nope" }, { ip: "169.254.1.1" }], ports: [{ port: 80 }, { name: "b", port: 0, protocol: "TCP" }] }, {}] },
      "default",
    );
    expect(create(endpoints, ep)).toEqual([
      'subsets[0].addresses[1].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      'subsets[0].addresses[1].ip: Invalid value: "nope": must be a valid IP address',
      'subsets[0].addresses[2].ip: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
      "subsets[0].ports[0].name: Required value",
      "subsets[0].ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
      "subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`",
    ]);
  });

  it("formats endpoints as kubectl shows them", () => {
    const ep = (subsets: unknown[]): KubeObject => o("Endpoints", "web", { subsets }, "default");
    expect(formatEndpoints(ep([]))).toBe("<none>");
    expect(formatEndpoints(ep([{ addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }], ports: [{ port: 8080 }] }]))).toBe("10.0.0.1:8080,10.0.0.2:8080");
    expect(formatEndpoints(ep([{ addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }], ports: [{ port: 80 }, { port: 443 }] }]))).toBe(
      "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...",
    );
    expect(formatEndpoints(ep([{ addresses: [{ ip: "fd00::1" }], ports: [{ port: 80 }] }]))).toBe("[fd00::1]:80");
    expect(formatEndpoints(ep([{ addresses: [{ ip: "10.0.0.1" }] }]))).toBe("10.0.0.1");
    expect(endpoints.table?.cells(ep([]), now)).toEqual(["web", "<none>", "24h"]);
  });
});

describe("events", () => {
  const ev = (fields: Record<string, unknown>, ns = "default"): KubeObject => o("Event", "web.17", fields, ns);

  it("requires the involved object's namespace to match", () => {
    expect(create(events, ev({ involvedObject: { kind: "Pod", name: "web", namespace: "default" } }))).toEqual([]);
    expect(create(events, ev({ involvedObject: { kind: "Pod", name: "web", namespace: "other" } }))).toEqual([
      'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
    ]);
    expect(create(events, ev({ involvedObject: { kind: "Node", name: "n1" } }))).toEqual([]);
  });

  it("checks new-style events", () => {
    const errs = create(events, ev({ eventTime: "2024-05-01T11:59:00.000000Z", involvedObject: { kind: "Pod", name: "web", namespace: "default" } }));
    // like upstream, the empty reporting component also fails the qualified-name check
    expect(errs.filter((e) => !e.startsWith("reportingComponent: Invalid value"))).toEqual([
      "reportingComponent: Required value",
      "reportingInstance: Required value",
      "action: Required value",
      "reason: Required value",
    ]);
  });

  it("prints LAST SEEN TYPE REASON OBJECT MESSAGE and the wide columns", () => {
    expect(events.table?.columns.map((c) => [c.name, c.priority])).toEqual([
      ["Last Seen", 0],
      ["Type", 0],
      ["Reason", 0],
      ["Object", 0],
      ["Subobject", 1],
      ["Source", 1],
      ["Message", 0],
      ["First Seen", 1],
      ["Count", 1],
      ["Name", 1],
    ]);
    const e = ev({
      involvedObject: { kind: "Pod", name: "web", namespace: "default", fieldPath: "spec.containers{web}" },
      type: "Normal",
      reason: "Pulled",
      message: " Container image already present \n",
      source: { component: "kubelet", host: "node-1" },
      firstTimestamp: "2024-05-01T11:00:00Z",
      lastTimestamp: "2024-05-01T11:58:00Z",
      count: 3,
    });
    expect(events.table?.cells(e, now)).toEqual(["2m", "Normal", "Pulled", "pod/web", "spec.containers{web}", "kubelet, node-1", "Container image already present", "60m", 3, "web.17"]);
    const fresh = ev({ involvedObject: { kind: "Deployment", name: "web" }, eventTime: "2024-05-01T11:59:30.000000Z", reportingComponent: "deployment-controller", reason: "ScalingReplicaSet" });
    expect(events.table?.cells(fresh, now)).toEqual(["30s", "", "ScalingReplicaSet", "deployment/web", "", "deployment-controller", "", "30s", 1, "web.17"]);
  });

  it("selects on the involved object, reason, source and type", () => {
    const e = ev({ involvedObject: { kind: "Pod", name: "web", namespace: "default", uid: "u" }, reason: "Killing", type: "Normal", reportingComponent: "kubelet" });
    expect(events.selectableFields?.(e)).toMatchObject({ "involvedObject.kind": "Pod", "involvedObject.name": "web", "involvedObject.uid": "u", reason: "Killing", type: "Normal", source: "kubelet", reportingComponent: "kubelet" });
  });
});

describe("persistent volumes and claims", () => {
  it("defaults and validates claims", () => {
    const pvc = o("PersistentVolumeClaim", "data", { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }, "default");
    expect(create(persistentvolumeclaims, pvc)).toEqual([]);
    expect(pvc.spec).toMatchObject({ volumeMode: "Filesystem" });
    expect(pvc.status).toEqual({ phase: "Pending" });
    expect(create(persistentvolumeclaims, o("PersistentVolumeClaim", "x", { spec: {} }, "default"))).toEqual([
      "spec.accessModes: Required value: at least 1 access mode is required",
      "spec.resources[storage]: Required value",
    ]);
    expect(create(persistentvolumeclaims, o("PersistentVolumeClaim", "x", { spec: { accessModes: ["ReadWriteOncePod", "ReadOnlyMany"], resources: { requests: { storage: "0" } } } }, "default"))).toEqual([
      "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes",
      'spec.resources[storage]: Invalid value: "0": must be greater than zero',
    ]);
  });

  it("keeps claim specs immutable except a bound claim's storage request and a first volumeName", () => {
    const old = o("PersistentVolumeClaim", "data", { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }, "default");
    create(persistentvolumeclaims, old);
    const bind = structuredClone(old);
    (bind.spec as Record<string, unknown>).volumeName = "pv-1";
    expect(update(persistentvolumeclaims, bind, old)).toEqual([]);
    const grow = structuredClone(old);
    (grow.spec as { resources: { requests: Record<string, string> } }).resources.requests.storage = "2Gi";
    expect(update(persistentvolumeclaims, grow, old)[0]).toMatch(/^spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims/);
    const bound = structuredClone(bind);
    (bound.status as Record<string, unknown>) = { phase: "Bound", capacity: { storage: "1Gi" } };
    const boundGrow = structuredClone(bound);
    (boundGrow.spec as { resources: { requests: Record<string, string> } }).resources.requests.storage = "2Gi";
    expect(update(persistentvolumeclaims, boundGrow, bound)).toEqual([]);
  });

  it("prints claims", () => {
    const pvc = o("PersistentVolumeClaim", "data", { spec: { volumeName: "pv-1", storageClassName: "standard", volumeMode: "Filesystem" }, status: { phase: "Bound", capacity: { storage: "1024Mi" }, accessModes: ["ReadWriteOnce", "ReadOnlyMany"] } }, "default");
    expect(persistentvolumeclaims.table?.cells(pvc, now)).toEqual(["data", "Bound", "pv-1", "1Gi", "RWO,ROX", "standard", "<unset>", "24h", "Filesystem"]);
    const pending = o("PersistentVolumeClaim", "p", { spec: {}, status: { phase: "Pending" } }, "default");
    expect(persistentvolumeclaims.table?.cells(pending, now)).toEqual(["p", "Pending", "", "", "", "", "<unset>", "24h", "<unset>"]);
  });

  it("defaults and validates volumes", () => {
    const pv = o("PersistentVolume", "pv-1", { spec: { capacity: { storage: "5Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/data" } } });
    expect(create(persistentvolumes, pv)).toEqual([]);
    expect(pv.spec).toMatchObject({ persistentVolumeReclaimPolicy: "Retain", volumeMode: "Filesystem", hostPath: { path: "/data", type: "" } });
    expect(pv.status).toMatchObject({ phase: "Pending" });
    expect(create(persistentvolumes, o("PersistentVolume", "pv-2", { spec: {} }))).toEqual([
      "spec.accessModes: Required value",
      "spec.capacity: Required value",
      "spec.capacity: Unsupported value: {}: supported values: \"storage\"",
      "spec: Required value: must specify a volume type",
    ]);
    const two = o("PersistentVolume", "pv-3", { spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/a" }, nfs: { server: "s", path: "/b" } } });
    expect(create(persistentvolumes, two)).toEqual(["spec.nfs: Forbidden: may not specify more than 1 volume type"]);
    const moved = structuredClone(pv);
    (moved.spec as { hostPath: { path: string } }).hostPath.path = "/other";
    expect(update(persistentvolumes, moved, pv)).toEqual(["spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation"]);
  });

  it("prints volumes", () => {
    const pv = o("PersistentVolume", "pv-1", {
      spec: { capacity: { storage: "5Gi" }, accessModes: ["ReadWriteMany"], persistentVolumeReclaimPolicy: "Delete", claimRef: { namespace: "default", name: "data" }, storageClassName: "fast" },
      status: { phase: "Bound" },
    });
    expect(persistentvolumes.table?.cells(pv, now)).toEqual(["pv-1", "5Gi", "RWX", "Delete", "Bound", "default/data", "fast", "<unset>", "", "24h", "<unset>"]);
    pv.metadata.deletionTimestamp = "2024-05-01T11:00:00Z";
    expect(persistentvolumes.table?.cells(pv, now)[4]).toBe("Terminating");
    expect(persistentvolumes.selectableFields?.(pv)).toEqual({ name: "pv-1" });
  });
});

/**
 * core/v1 services (pkg/registry/core/service): defaulting, ClusterIP / NodePort allocation and release, the
 * fields that follow a type change, and `kubectl get services` (NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE).
 *
 * Allocation happens in `canonicalize` (after validation) so that a rejected request allocates nothing; each
 * allocation is owned by the Service's uid, which makes re-running it for a stored Service a no-op.
 */
import type { ResourceDefinition, Strategy } from "../../../apiserver/resource.js";
import { newInvalid } from "../../../core/errors.js";
import type { KubeObject } from "../../../core/object.js";
import { deepEqual, deepCopy, objectKey } from "../../../core/object.js";
import { FieldPath, fieldErrors, nameIsDNS1035Label } from "../../../core/validation.js";
import { age, ageColumn, col, formatLabels, nameColumn } from "../common/printers.js";
import { servicePatchMeta } from "./patchmeta.js";
import { AllocationError, ServiceAllocator } from "./services.alloc.js";
import { externallyAccessible, validateService, validateServiceUpdate } from "./services.validation.js";
import { asObj, ensureObj, numOf, objItems, objOf, strListOf, strOf, type Obj } from "./util.js";

const gk = { group: "", kind: "Service" };

function needsClusterIP(s: Obj): boolean {
  return s.type !== "ExternalName";
}

function needsNodePort(s: Obj): boolean {
  return s.type === "NodePort" || (s.type === "LoadBalancer" && s.allocateLoadBalancerNodePorts !== false);
}

function needsHealthCheckNodePort(s: Obj): boolean {
  return s.type === "LoadBalancer" && s.externalTrafficPolicy === "Local";
}

/** SetDefaults_Service plus the v1 ClusterIP / ClusterIPs normalisation. */
export function defaultService(svc: KubeObject): void {
  const s = ensureObj(svc, "spec");
  if (!strOf(s.sessionAffinity)) s.sessionAffinity = "None";
  if (s.sessionAffinity === "None") delete s.sessionAffinityConfig;
  if (s.sessionAffinity === "ClientIP") {
    const cfg = asObj(s.sessionAffinityConfig);
    const client = asObj(cfg?.clientIP);
    if (numOf(client?.timeoutSeconds) === undefined) s.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  if (!strOf(s.type)) s.type = "ClusterIP";
  for (const [, p] of objItems(s.ports)) {
    if (!strOf(p.protocol)) p.protocol = "TCP";
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === "") p.targetPort = p.port;
  }
  if (externallyAccessible(s) && !strOf(s.externalTrafficPolicy)) s.externalTrafficPolicy = "Cluster";
  if ((s.internalTrafficPolicy === undefined || s.internalTrafficPolicy === null) && (s.type === "NodePort" || s.type === "LoadBalancer" || s.type === "ClusterIP")) {
    s.internalTrafficPolicy = "Cluster";
  }
  if (s.type === "LoadBalancer" && (s.allocateLoadBalancerNodePorts === undefined || s.allocateLoadBalancerNodePorts === null)) {
    s.allocateLoadBalancerNodePorts = true;
  }
  const ips = strListOf(s.clusterIPs);
  const ip = strOf(s.clusterIP);
  if (ip && ips.length === 0) s.clusterIPs = [ip];
  else if (!ip && ips.length > 0) s.clusterIP = ips[0];
  const status = ensureObj(svc, "status");
  const lb = ensureObj(status, "loadBalancer");
  if (s.type === "LoadBalancer") {
    for (const [, ing] of objItems(lb.ingress)) if (strOf(ing.ip) && !ing.ipMode) ing.ipMode = "VIP";
  }
}

function initIPFamilies(s: Obj): void {
  if (!needsClusterIP(s)) return;
  if (strListOf(s.ipFamilies).length === 0) s.ipFamilies = ["IPv4"];
  if (s.ipFamilyPolicy === undefined || s.ipFamilyPolicy === null) s.ipFamilyPolicy = "SingleStack";
}

/** patchAllocatedValues: values a client omitted on update are carried over from the stored Service. */
function patchAllocatedValues(s: Obj, o: Obj): void {
  if (needsClusterIP(o) && needsClusterIP(s)) {
    if (!strOf(s.clusterIP) && strOf(o.clusterIP)) s.clusterIP = o.clusterIP;
    if (strListOf(s.clusterIPs).length === 0 && strListOf(o.clusterIPs).length > 0) s.clusterIPs = deepCopy(o.clusterIPs);
  }
  if (needsNodePort(o) && needsNodePort(s)) {
    const used = (x: Obj): Set<number> => new Set(objItems(x.ports).map(([, p]) => numOf(p.nodePort) ?? 0).filter((n) => n !== 0));
    const oldUsed = used(o);
    const both = new Set([...used(s)].filter((n) => oldUsed.has(n)));
    const byName = new Map(objItems(o.ports).map(([, p]) => [strOf(p.name), numOf(p.nodePort) ?? 0] as const));
    for (const [, p] of objItems(s.ports)) {
      if (numOf(p.nodePort)) continue;
      const prev = byName.get(strOf(p.name)) ?? 0;
      if (prev !== 0 && !both.has(prev)) p.nodePort = prev;
    }
  }
  if (needsHealthCheckNodePort(o) && needsHealthCheckNodePort(s) && !numOf(s.healthCheckNodePort) && numOf(o.healthCheckNodePort)) {
    s.healthCheckNodePort = o.healthCheckNodePort;
  }
}

/** dropTypeDependentFields: wipe what the new type no longer uses, when the client left it unchanged. */
function dropTypeDependentFields(svc: KubeObject, old: KubeObject): void {
  const s = objOf(svc.spec);
  const o = objOf(old.spec);
  if (needsClusterIP(o) && !needsClusterIP(s)) {
    if (s.clusterIP === o.clusterIP && deepEqual(s.clusterIPs, o.clusterIPs)) {
      delete s.clusterIP;
      delete s.clusterIPs;
    }
    if (deepEqual(s.ipFamilies, o.ipFamilies)) delete s.ipFamilies;
    if (s.ipFamilyPolicy === o.ipFamilyPolicy) delete s.ipFamilyPolicy;
  }
  const nodePorts = (x: Obj): unknown[] => objItems(x.ports).map(([, p]) => p.nodePort ?? 0);
  if (needsNodePort(o) && !needsNodePort(s) && deepEqual(nodePorts(s), nodePorts(o))) {
    for (const [, p] of objItems(s.ports)) delete p.nodePort;
  }
  if (needsHealthCheckNodePort(o) && !needsHealthCheckNodePort(s) && s.healthCheckNodePort === o.healthCheckNodePort) delete s.healthCheckNodePort;
  if (o.type === "LoadBalancer" && s.type !== "LoadBalancer") {
    if (s.allocateLoadBalancerNodePorts === o.allocateLoadBalancerNodePorts) delete s.allocateLoadBalancerNodePorts;
    if (s.loadBalancerClass === o.loadBalancerClass) delete s.loadBalancerClass;
  }
  if (externallyAccessible(o) && !externallyAccessible(s) && s.externalTrafficPolicy === o.externalTrafficPolicy) delete s.externalTrafficPolicy;
  if (s.type !== "LoadBalancer") ensureObj(svc, "status").loadBalancer = {};
}

/** The owner key of a Service's allocations. */
function ownerOf(svc: KubeObject): string {
  return svc.metadata.uid ?? objectKey(svc);
}

interface Held {
  ips: string[];
  ports: Array<[number, string]>;
}

function held(s: Obj): Held {
  const ips = strListOf(s.clusterIPs).filter((ip) => ip !== "None");
  const clusterIP = strOf(s.clusterIP);
  if (ips.length === 0 && clusterIP && clusterIP !== "None") ips.push(clusterIP);
  const ports: Array<[number, string]> = [];
  for (const [, p] of objItems(s.ports)) {
    const np = numOf(p.nodePort);
    if (np) ports.push([np, strOf(p.protocol) || "TCP"]);
  }
  const hc = numOf(s.healthCheckNodePort);
  if (hc) ports.push([hc, "TCP"]);
  return { ips, ports };
}

/** Allocates what the Service needs (and releases what `old` held that it no longer does). */
function allocate(alloc: ServiceAllocator, svc: KubeObject, old: KubeObject | undefined): void {
  const s = ensureObj(svc, "spec");
  const owner = ownerOf(svc);
  const name = svc.metadata.name ?? "";
  const took: Held = { ips: [], ports: [] };
  const fail = (path: FieldPath, value: unknown, err: unknown): never => {
    for (const ip of took.ips) alloc.releaseIP(ip, owner);
    for (const [port, proto] of took.ports) alloc.releasePort(port, proto, owner);
    if (err instanceof AllocationError) throw newInvalid(gk, name, [fieldErrors.invalid(path, value, err.message)]);
    throw err;
  };
  const before = held(objOf(old?.spec));
  if (needsClusterIP(s) && s.clusterIP !== "None") {
    const requested = strOf(s.clusterIP);
    try {
      const ip = alloc.allocateIP(owner, requested || undefined);
      if (!before.ips.includes(ip)) took.ips.push(ip);
      s.clusterIP = ip;
      s.clusterIPs = [ip];
    } catch (err) {
      fail(FieldPath.of("spec", "clusterIPs"), [requested], err);
    }
  }
  if (needsNodePort(s) || objItems(s.ports).some(([, p]) => numOf(p.nodePort))) {
    const byPort = new Map<number, number>();
    for (const [i, p] of objItems(s.ports)) {
      const requested = numOf(p.nodePort) ?? 0;
      if (!requested && !needsNodePort(s)) continue;
      const proto = strOf(p.protocol) || "TCP";
      const port = numOf(p.port) ?? 0;
      const reuse = requested || byPort.get(port) || 0;
      try {
        const np = alloc.allocatePort(owner, proto, reuse || undefined);
        if (!before.ports.some(([bp]) => bp === np)) took.ports.push([np, proto]);
        p.nodePort = np;
        byPort.set(port, np);
      } catch (err) {
        fail(FieldPath.of("spec", "ports").index(i).child("nodePort"), requested, err);
      }
    }
  }
  if (needsHealthCheckNodePort(s)) {
    const requested = numOf(s.healthCheckNodePort) ?? 0;
    try {
      const np = alloc.allocatePort(owner, "TCP", requested || undefined);
      if (!before.ports.some(([bp]) => bp === np)) took.ports.push([np, "TCP"]);
      s.healthCheckNodePort = np;
    } catch (err) {
      fail(FieldPath.of("spec", "healthCheckNodePort"), requested, err);
    }
  }
  if (old) {
    const now = held(s);
    for (const ip of before.ips) if (!now.ips.includes(ip)) alloc.releaseIP(ip, ownerOf(old));
    for (const [port, proto] of before.ports) if (!now.ports.some(([p]) => p === port)) alloc.releasePort(port, proto, ownerOf(old));
  }
}

/** Releases everything the Service holds. */
function release(alloc: ServiceAllocator, svc: KubeObject): void {
  const h = held(objOf(svc.spec));
  const owner = ownerOf(svc);
  for (const ip of h.ips) alloc.releaseIP(ip, owner);
  for (const [port, proto] of h.ports) alloc.releasePort(port, proto, owner);
}

/** Rebuilds the allocator's tables from the stored Services (startup, or a periodic repair). */
export function repairServiceAllocations(alloc: ServiceAllocator, services: readonly KubeObject[]): void {
  alloc.clear();
  for (const svc of services) {
    const h = held(objOf(svc.spec));
    const owner = ownerOf(svc);
    for (const ip of h.ips) {
      try {
        alloc.allocateIP(owner, ip);
      } catch {
        // outside the range or held twice: leave it to the Services themselves
      }
    }
    for (const [port, proto] of h.ports) {
      try {
        alloc.allocatePort(owner, proto, port);
      } catch {
        // as above
      }
    }
  }
}

/** The strategy of a Services resource allocating from `alloc`. */
export function serviceStrategy(alloc: ServiceAllocator): Strategy {
  const pendingOld = new WeakMap<KubeObject, KubeObject>();
  return {
    default: defaultService,
    prepareForCreate(obj) {
      obj.status = { loadBalancer: {} };
      initIPFamilies(objOf(obj.spec));
    },
    prepareForUpdate(obj, old) {
      const s = ensureObj(obj, "spec");
      patchAllocatedValues(s, objOf(old.spec));
      dropTypeDependentFields(obj, old);
      initIPFamilies(s);
      pendingOld.set(obj, old);
    },
    validate: validateService,
    validateUpdate: validateServiceUpdate,
    canonicalize(obj) {
      const old = pendingOld.get(obj);
      pendingOld.delete(obj);
      allocate(alloc, obj, old);
    },
    afterDelete(obj) {
      release(alloc, obj);
    },
  };
}

/** getServiceExternalIP (wide form, as the server prints it). */
export function serviceExternalIP(svc: KubeObject): string {
  const s = objOf(svc.spec);
  const externalIPs = strListOf(s.externalIPs);
  switch (s.type) {
    case "ClusterIP":
    case "NodePort":
      return externalIPs.length > 0 ? externalIPs.join(",") : "<none>";
    case "LoadBalancer": {
      const set = new Set<string>();
      for (const [, ing] of objItems(objOf(objOf(svc.status).loadBalancer).ingress)) {
        const v = strOf(ing.ip) || strOf(ing.hostname);
        if (v) set.add(v);
      }
      const lb = [...set].sort();
      if (externalIPs.length > 0) return [...lb, ...externalIPs].join(",");
      return lb.length > 0 ? lb.join(",") : "<pending>";
    }
    case "ExternalName":
      return strOf(s.externalName);
    default:
      return "<unknown>";
  }
}

/** makePortString: "80/TCP", "80:30080/TCP", comma-separated. */
export function servicePorts(svc: KubeObject): string {
  const pieces = objItems(objOf(svc.spec).ports).map(([, p]) => {
    const np = numOf(p.nodePort) ?? 0;
    const proto = strOf(p.protocol);
    const port = numOf(p.port) ?? 0;
    return np > 0 ? `${port}:${np}/${proto}` : `${port}/${proto}`;
  });
  return pieces.length > 0 ? pieces.join(",") : "<none>";
}

/** A Services resource definition allocating from `alloc`. */
export function createServicesResource(alloc: ServiceAllocator): ResourceDefinition {
  return {
    group: "",
    version: "v1",
    names: { plural: "services", singular: "service", kind: "Service", listKind: "ServiceList", shortNames: ["svc"], categories: ["all"] },
    namespaced: true,
    nameValidator: nameIsDNS1035Label,
    statusSubresource: true,
    strategy: serviceStrategy(alloc),
    table: {
      columns: [
        nameColumn,
        col("Type", "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. \"ClusterIP\" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is \"None\", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. \"NodePort\" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. \"LoadBalancer\" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. \"ExternalName\" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types"),
        col("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are \"None\", empty string (\"\"), or a valid IP address. Setting this to \"None\" makes a \"headless service\" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
        col("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system."),
        col("Port(s)", "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
        ageColumn,
        col("Selector", "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/", 1),
      ],
      cells: (obj, now) => {
        const s = objOf(obj.spec);
        const ips = strListOf(s.clusterIPs);
        return [obj.metadata.name ?? "", strOf(s.type), ips[0] ?? "<none>", serviceExternalIP(obj), servicePorts(obj), age(obj, now), formatLabels(s.selector)];
      },
    },
    selectableFields: (obj) => {
      const s = objOf(obj.spec);
      return { "spec.clusterIP": strOf(s.clusterIP), "spec.type": strOf(s.type) };
    },
    patchMeta: servicePatchMeta,
    returnDeletedObject: true,
  };
}

/** The process-wide allocator behind `services` (tests and control planes may build their own). */
export const defaultServiceAllocator = new ServiceAllocator();

export const services: ResourceDefinition = createServicesResource(defaultServiceAllocator);

import { describe, expect, it } from "vitest";
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import { StatusError } from "../../../core/errors.js";
import type { KubeObject } from "../../../core/object.js";
import { fieldErrorString } from "../../../core/validation.js";
import { createCoreResources } from "./index.js";
import { AllocationError, ServiceAllocator } from "./services.alloc.js";
import { createServicesResource, repairServiceAllocations } from "./services.js";

const now = new Date("2024-05-01T12:00:00Z");
let uid = 0;

function svc(name: string, spec: Record<string, unknown>): KubeObject {
  uid++;
  return { apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default", uid: `uid-${uid}`, creationTimestamp: "2024-05-01T10:00:00Z" }, spec };
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

function fresh(): { alloc: ServiceAllocator; def: ResourceDefinition } {
  let seed = 1;
  const alloc = new ServiceAllocator({ random: () => ((seed = (seed * 16807) % 2147483647) / 2147483647) });
  return { alloc, def: createServicesResource(alloc) };
}

type Spec = Record<string, unknown> & { ports: Array<Record<string, unknown>>; clusterIP: string; clusterIPs: string[] };

describe("services: defaults and allocation", () => {
  it("is served as upstream names it, with short name svc and the all category", () => {
    const { def } = fresh();
    expect(def.names).toEqual({ plural: "services", singular: "service", kind: "Service", listKind: "ServiceList", shortNames: ["svc"], categories: ["all"] });
    expect(def.statusSubresource).toBe(true);
    expect(def.returnDeletedObject).toBe(true);
    expect(def.nameValidator?.("1abc", false)).not.toEqual([]);
  });

  it("defaults a ClusterIP service and allocates an address from 10.96.0.0/12", () => {
    const { alloc, def } = fresh();
    const s = svc("web", { selector: { app: "web" }, ports: [{ port: 80 }] });
    expect(create(def, s)).toEqual([]);
    const spec = s.spec as Spec;
    expect(spec).toMatchObject({
      type: "ClusterIP",
      sessionAffinity: "None",
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      internalTrafficPolicy: "Cluster",
      ports: [{ port: 80, protocol: "TCP", targetPort: 80 }],
    });
    expect(spec.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    expect(spec.clusterIPs).toEqual([spec.clusterIP]);
    expect(spec.externalTrafficPolicy).toBeUndefined();
    expect(s.status).toEqual({ loadBalancer: {} });
    expect(alloc.hasIP(spec.clusterIP)).toBe(true);
  });

  it("honours a requested address and rejects one already in use or out of range", () => {
    const { def } = fresh();
    const a = svc("dns", { clusterIP: "10.96.0.10", ports: [{ port: 53, protocol: "UDP" }] });
    expect(create(def, a)).toEqual([]);
    expect((a.spec as Spec).clusterIPs).toEqual(["10.96.0.10"]);
    const b = svc("dns2", { clusterIP: "10.96.0.10", ports: [{ port: 53 }] });
    const err = (() => {
      try {
        create(def, b);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).status.message).toBe(
      'Service "dns2" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.10"]: failed to allocate IP 10.96.0.10: provided IP is already allocated',
    );
    expect(() => create(def, svc("far", { clusterIP: "192.168.0.1", ports: [{ port: 80 }] }))).toThrow(
      "the provided IP (192.168.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12",
    );
  });

  it("keeps headless services headless and gives ExternalName services no address", () => {
    const { def } = fresh();
    const h = svc("db", { clusterIP: "None", selector: { app: "db" } });
    expect(create(def, h)).toEqual([]);
    expect(h.spec).toMatchObject({ clusterIP: "None", clusterIPs: ["None"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack" });
    const e = svc("ext", { type: "ExternalName", externalName: "example.com" });
    expect(create(def, e)).toEqual([]);
    expect((e.spec as Spec).clusterIP).toBeUndefined();
    expect((e.spec as Spec).ipFamilies).toBeUndefined();
  });

  it("allocates node ports for NodePort and LoadBalancer services and rejects taken ones", () => {
    const { alloc, def } = fresh();
    const np = svc("np", { type: "NodePort", ports: [{ port: 80, targetPort: 8080 }, { name: "x", port: 81, nodePort: 30081 }].map((p, i) => ({ name: `p${i}`, ...p })) });
    expect(create(def, np)).toEqual([]);
    const ports = (np.spec as Spec).ports;
    expect(ports[0]?.nodePort).toBeGreaterThanOrEqual(30000);
    expect(ports[0]?.nodePort).toBeLessThanOrEqual(32767);
    expect(ports[1]?.nodePort).toBe(30081);
    expect(np.spec).toMatchObject({ externalTrafficPolicy: "Cluster" });
    expect(alloc.hasPort(30081)).toBe(true);
    const lb = svc("lb", { type: "LoadBalancer", ports: [{ port: 443 }] });
    expect(create(def, lb)).toEqual([]);
    expect(lb.spec).toMatchObject({ allocateLoadBalancerNodePorts: true, externalTrafficPolicy: "Cluster" });
    expect(() => create(def, svc("clash", { type: "NodePort", ports: [{ port: 80, nodePort: 30081 }] }))).toThrow(
      "spec.ports[0].nodePort: Invalid value: 30081: provided port is already allocated",
    );
    expect(() => create(def, svc("low", { type: "NodePort", ports: [{ port: 80, nodePort: 80 }] }))).toThrow(
      "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767",
    );
  });

  it("releases addresses and ports on delete and when the type no longer needs them", () => {
    const { alloc, def } = fresh();
    const s = svc("np", { type: "NodePort", ports: [{ port: 80 }] });
    create(def, s);
    const ip = (s.spec as Spec).clusterIP;
    const port = (s.spec as Spec).ports[0]?.nodePort as number;
    const next = structuredClone(s);
    (next.spec as Spec).type = "ClusterIP";
    expect(update(def, next, s)).toEqual([]);
    expect((next.spec as Spec).ports[0]?.nodePort).toBeUndefined();
    expect((next.spec as Spec).externalTrafficPolicy).toBeUndefined();
    expect(alloc.hasPort(port)).toBe(false);
    expect(alloc.hasIP(ip)).toBe(true);
    def.strategy?.afterDelete?.(next);
    expect(alloc.hasIP(ip)).toBe(false);
  });

  it("carries allocated values a client omits on update and forbids changing the address", () => {
    const { def } = fresh();
    const s = svc("np", { type: "NodePort", ports: [{ name: "http", port: 80 }] });
    create(def, s);
    const replace = svc("np", { type: "NodePort", ports: [{ name: "http", port: 80 }] });
    replace.metadata.uid = s.metadata.uid;
    expect(update(def, replace, s)).toEqual([]);
    expect((replace.spec as Spec).clusterIP).toBe((s.spec as Spec).clusterIP);
    expect((replace.spec as Spec).ports[0]?.nodePort).toBe((s.spec as Spec).ports[0]?.nodePort);
    const moved = structuredClone(s);
    (moved.spec as Spec).clusterIP = "10.96.0.99";
    (moved.spec as Spec).clusterIPs = ["10.96.0.99"];
    expect(update(def, moved, s)).toEqual(['spec.clusterIPs[0]: Invalid value: ["10.96.0.99"]: may not change once set']);
  });

  it("rebuilds its tables from stored services", () => {
    const { alloc, def } = fresh();
    const s = svc("a", { clusterIP: "10.96.0.20", type: "NodePort", ports: [{ port: 80, nodePort: 30500 }] });
    create(def, s);
    alloc.clear();
    expect(alloc.hasIP("10.96.0.20")).toBe(false);
    repairServiceAllocations(alloc, [s]);
    expect(alloc.hasIP("10.96.0.20")).toBe(true);
    expect(alloc.hasPort(30500)).toBe(true);
  });

  it("each control plane may have its own allocator", () => {
    const a = createCoreResources(new ServiceAllocator({ serviceCIDR: "10.0.0.0/24" }));
    const services = a.find((r) => r.names.plural === "services");
    const s = svc("web", { ports: [{ port: 80 }] });
    expect(services && create(services, s)).toEqual([]);
    expect((s.spec as Spec).clusterIP).toMatch(/^10\.0\.0\.\d+$/);
  });

  it("reports a full range", () => {
    const alloc = new ServiceAllocator({ serviceCIDR: "10.0.0.0/30" });
    alloc.allocateIP("a");
    alloc.allocateIP("b");
    expect(() => alloc.allocateIP("c")).toThrow(AllocationError);
  });
});

describe("services: validation", () => {
  it("reports upstream messages", () => {
    const { def } = fresh();
    expect(create(def, svc("a", { selector: { app: "a" } }))).toEqual(["spec.ports: Required value"]);
    expect(create(def, svc("b", { ports: [{ port: 80 }, { port: 81 }] }))).toEqual(["spec.ports[0].name: Required value", "spec.ports[1].name: Required value"]);
    expect(create(def, svc("c", { type: "Fancy", ports: [{ port: 0, protocol: "HTTP" }] }))).toEqual([
      "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
      'spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
      'spec.type: Unsupported value: "Fancy": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ]);
    expect(create(def, svc("d", { ports: [{ port: 80, nodePort: 30080 }] }))).toEqual(["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
    expect(create(def, svc("e", { type: "ExternalName" }))).toEqual(["spec.externalName: Required value"]);
    expect(create(def, svc("f", { clusterIP: "abc", ports: [{ port: 80 }] }))).toEqual([
      'spec.clusterIPs[0]: Invalid value: "abc": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ]);
    expect(create(def, svc("g", { externalTrafficPolicy: "Local", ports: [{ port: 80 }] }))).toEqual([
      'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
    ]);
  });
});

describe("services: table", () => {
  it("has the upstream columns", () => {
    const { def } = fresh();
    expect(def.table?.columns.map((c) => [c.name, c.priority])).toEqual([
      ["Name", 0],
      ["Type", 0],
      ["Cluster-IP", 0],
      ["External-IP", 0],
      ["Port(s)", 0],
      ["Age", 0],
      ["Selector", 1],
    ]);
  });

  it("prints ports, external IPs and selectors", () => {
    const { def } = fresh();
    const cells = (o: KubeObject): unknown[] => def.table?.cells(o, now) ?? [];
    const c: KubeObject = {
      metadata: { name: "web", creationTimestamp: "2024-05-01T10:00:00Z" },
      spec: { type: "ClusterIP", clusterIP: "10.96.1.2", clusterIPs: ["10.96.1.2"], ports: [{ port: 80, protocol: "TCP" }, { port: 53, protocol: "UDP" }], selector: { tier: "fe", app: "web" } },
    };
    expect(cells(c)).toEqual(["web", "ClusterIP", "10.96.1.2", "<none>", "80/TCP,53/UDP", "120m", "app=web,tier=fe"]);
    const np: KubeObject = { metadata: { name: "np" }, spec: { type: "NodePort", clusterIPs: ["10.96.0.5"], ports: [{ port: 80, nodePort: 30080, protocol: "TCP" }] } };
    expect(cells(np)).toEqual(["np", "NodePort", "10.96.0.5", "<none>", "80:30080/TCP", "<unknown>", "<none>"]);
    const lb: KubeObject = { metadata: { name: "lb" }, spec: { type: "LoadBalancer", clusterIPs: ["10.96.0.6"], ports: [] }, status: { loadBalancer: {} } };
    expect(cells(lb).slice(3, 5)).toEqual(["<pending>", "<none>"]);
    (lb.status as { loadBalancer: unknown }).loadBalancer = { ingress: [{ ip: "203.0.113.9" }, { hostname: "lb.example.com" }] };
    expect(cells(lb)[3]).toBe("203.0.113.9,lb.example.com");
    const headless: KubeObject = { metadata: { name: "h" }, spec: { type: "ClusterIP", clusterIP: "None", clusterIPs: ["None"] } };
    expect(cells(headless)[2]).toBe("None");
    const ext: KubeObject = { metadata: { name: "x" }, spec: { type: "ExternalName", externalName: "example.com" } };
    expect(cells(ext).slice(2, 4)).toEqual(["<none>", "example.com"]);
  });
});

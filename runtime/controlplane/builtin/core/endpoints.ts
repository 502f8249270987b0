/**
 * core/v1 endpoints (pkg/registry/core/endpoint): subset addresses and ports validation, port protocol TCP by
 * default, and `kubectl get endpoints` (NAME ENDPOINTS AGE, "<none>", "+ N more...").
 */
import type { ResourceDefinition, Strategy } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { FieldPath, fieldErrors, isQualifiedName, type FieldError } from "../../../core/validation.js";
import { age, ageColumn, col, nameColumn } from "../common/printers.js";
import { dns1123Label, dns1123Subdomain } from "./podspec.containers.js";
import { plainObjectPatchMeta } from "./patchmeta.js";
import { isIP, isIPv4, isValidIPMessages, isValidPortNum, numOf, objItems, strOf, supportedPortProtocols, type Obj } from "./util.js";

/**
 * ValidateNonSpecialIP: no unspecified, loopback or link-local addresses. `allowLoopback`: Endpoints of the
 * local control plane may name 127.0.0.1, because every server it reaches (webhooks, aggregated APIs) runs on
 * this machine — a deliberate difference from kube-apiserver, which refuses loopback endpoints.
 */
export function validateNonSpecialIP(ip: string, path: FieldPath, allowLoopback = false): FieldError[] {
  if (!isIP(ip)) return [fieldErrors.invalid(path, ip, "must be a valid IP address")];
  const errs: FieldError[] = [];
  const v4 = isIPv4(ip);
  const lower = ip.toLowerCase();
  const first = v4 ? Number(ip.split(".")[0]) : -1;
  const second = v4 ? Number(ip.split(".")[1]) : -1;
  if ((v4 && ip === "0.0.0.0") || (!v4 && /^[0:]+$/.test(lower))) errs.push(fieldErrors.invalid(path, ip, `may not be unspecified (${ip})`));
  if (!allowLoopback && ((v4 && first === 127) || (!v4 && /^(0{0,4}:){2,7}0{0,3}1$|^::1$/.test(lower)))) errs.push(fieldErrors.invalid(path, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
  if ((v4 && first === 169 && second === 254) || (!v4 && /^fe[89ab]/.test(lower))) errs.push(fieldErrors.invalid(path, ip, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
  if ((v4 && ip.startsWith("224.0.0.")) || (!v4 && /^ff02:/.test(lower))) errs.push(fieldErrors.invalid(path, ip, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
  return errs;
}

function validateAddress(a: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ip = strOf(a.ip);
  for (const m of isValidIPMessages(ip)) errs.push(fieldErrors.invalid(path.child("ip"), ip, m));
  const hostname = strOf(a.hostname);
  if (hostname) errs.push(...dns1123Label(hostname, path.child("hostname")));
  if (typeof a.nodeName === "string") errs.push(...dns1123Subdomain(a.nodeName, path.child("nodeName")));
  errs.push(...validateNonSpecialIP(ip, path.child("ip"), true));
  return errs;
}

function validatePort(p: Obj, requireName: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = strOf(p.name);
  if (requireName && !name) errs.push(fieldErrors.required(path.child("name")));
  else if (name) errs.push(...dns1123Label(name, path.child("name")));
  const port = numOf(p.port) ?? 0;
  for (const m of isValidPortNum(port)) errs.push(fieldErrors.invalid(path.child("port"), port, m));
  const proto = strOf(p.protocol);
  if (!proto) errs.push(fieldErrors.required(path.child("protocol")));
  else if (!(supportedPortProtocols as readonly string[]).includes(proto)) errs.push(fieldErrors.notSupported(path.child("protocol"), proto, supportedPortProtocols));
  if (typeof p.appProtocol === "string") {
    for (const m of isQualifiedName(p.appProtocol)) errs.push(fieldErrors.invalid(path.child("appProtocol"), p.appProtocol, m));
  }
  return errs;
}

/** validateEndpointSubsets. */
export function validateEndpoints(ep: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const base = FieldPath.of("subsets");
  for (const [i, ss] of objItems(ep.subsets)) {
    const ip = base.index(i);
    const addrs = objItems(ss.addresses);
    const notReady = objItems(ss.notReadyAddresses);
    if (addrs.length === 0 && notReady.length === 0) errs.push(fieldErrors.required(ip, "must specify `addresses` or `notReadyAddresses`"));
    for (const [j, a] of addrs) errs.push(...validateAddress(a, ip.child("addresses").index(j)));
    for (const [j, a] of notReady) errs.push(...validateAddress(a, ip.child("notReadyAddresses").index(j)));
    const ports = objItems(ss.ports);
    for (const [j, p] of ports) errs.push(...validatePort(p, ports.length > 1, ip.child("ports").index(j)));
  }
  return errs;
}

function joinHostPort(ip: string, port: number): string {
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** formatEndpoints: up to three ip:port pairs, "+ N more...", "<none>" without subsets. */
export function formatEndpoints(ep: KubeObject): string {
  const subsets = objItems(ep.subsets);
  if (subsets.length === 0) return "<none>";
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const [, ss] of subsets) {
    const addrs = objItems(ss.addresses);
    const ports = objItems(ss.ports);
    if (ports.length === 0) {
      count += addrs.length;
      for (const [, a] of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(strOf(a.ip));
      }
      continue;
    }
    for (const [, p] of ports) {
      count += addrs.length;
      for (const [, a] of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(strOf(a.ip), numOf(p.port) ?? 0));
      }
    }
  }
  const ret = list.join(",");
  return more ? `${ret} + ${count - max} more...` : ret;
}

export const endpointsStrategy: Strategy = {
  default(obj) {
    for (const [, ss] of objItems(obj.subsets)) for (const [, p] of objItems(ss.ports)) if (!p.protocol) p.protocol = "TCP";
  },
  validate: validateEndpoints,
  validateUpdate: (obj) => validateEndpoints(obj),
};

export const endpoints: ResourceDefinition = {
  group: "",
  version: "v1",
  names: { plural: "endpoints", singular: "endpoints", kind: "Endpoints", listKind: "EndpointsList", shortNames: ["ep"] },
  namespaced: true,
  strategy: endpointsStrategy,
  table: {
    columns: [
      nameColumn,
      col("Endpoints", "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service."),
      ageColumn,
    ],
    cells: (obj, now) => [obj.metadata.name ?? "", formatEndpoints(obj), age(obj, now)],
  },
  patchMeta: plainObjectPatchMeta,
};

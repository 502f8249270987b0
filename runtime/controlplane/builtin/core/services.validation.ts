/**
 * Service validation (ValidateService, ValidateServiceUpdate, ValidateServiceClusterIPsRelatedFields and the
 * traffic-policy checks) with upstream's messages. Runs before ClusterIPs / NodePorts are allocated, so empty
 * values are valid here.
 */
import type { KubeObject } from "../../../core/object.js";
import { FieldPath, fieldErrors, isQualifiedName, validateLabels, type FieldError } from "../../../core/validation.js";
import { validateNonSpecialIP } from "./endpoints.js";
import { dns1123Label, dns1123Subdomain, validatePortNumOrName } from "./podspec.containers.js";
import { isValidIPMessages, isValidPortNum, numOf, objItems, objOf, strListOf, strMapOf, strOf, supportedPortProtocols, type Obj } from "./util.js";

const spec = FieldPath.of("spec");

export function isHeadless(svcSpec: Obj): boolean {
  return svcSpec.clusterIP === "None";
}

/** apiservice.ExternallyAccessible. */
export function externallyAccessible(svcSpec: Obj): boolean {
  const t = svcSpec.type;
  return t === "LoadBalancer" || t === "NodePort" || (t === "ClusterIP" && strListOf(svcSpec.externalIPs).length > 0);
}

function validateServicePort(sp: Obj, requireName: boolean, names: Set<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = strOf(sp.name);
  if (requireName && !name) errs.push(fieldErrors.required(path.child("name")));
  else if (name) {
    errs.push(...dns1123Label(name, path.child("name")));
    if (names.has(name)) errs.push(fieldErrors.duplicate(path.child("name"), name));
    else names.add(name);
  }
  const port = numOf(sp.port) ?? 0;
  for (const m of isValidPortNum(port)) errs.push(fieldErrors.invalid(path.child("port"), port, m));
  const proto = strOf(sp.protocol);
  if (!proto) errs.push(fieldErrors.required(path.child("protocol")));
  else if (!(supportedPortProtocols as readonly string[]).includes(proto)) errs.push(fieldErrors.notSupported(path.child("protocol"), proto, supportedPortProtocols));
  errs.push(...validatePortNumOrName(sp.targetPort, path.child("targetPort")));
  if (typeof sp.appProtocol === "string") {
    for (const m of isQualifiedName(sp.appProtocol)) errs.push(fieldErrors.invalid(path.child("appProtocol"), sp.appProtocol, m));
  }
  return errs;
}

function validateClusterIPsRelatedFields(s: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const clusterIP = strOf(s.clusterIP);
  const clusterIPs = strListOf(s.clusterIPs);
  const ipsPath = spec.child("clusterIPs");
  if (clusterIP) {
    if (clusterIPs.length === 0) errs.push(fieldErrors.required(ipsPath));
    else if (clusterIPs[0] !== clusterIP) errs.push(fieldErrors.invalid(ipsPath, clusterIPs, "first value must match `clusterIP`"));
  } else if (clusterIPs.length !== 0) {
    errs.push(fieldErrors.invalid(ipsPath, clusterIPs, "must be empty when `clusterIP` is not specified"));
  }
  const seen = new Set<string>();
  strListOf(s.ipFamilies).forEach((f, i) => {
    if (f !== "IPv4" && f !== "IPv6") errs.push(fieldErrors.notSupported(spec.child("ipFamilies").index(i), f, ["IPv4", "IPv6"]));
    else if (f === "IPv6") errs.push(fieldErrors.invalid(spec.child("ipFamilies").index(i), f, "not configured on this cluster"));
    if (seen.has(f)) errs.push(fieldErrors.duplicate(spec.child("ipFamilies").index(i), f));
    seen.add(f);
  });
  const policy = s.ipFamilyPolicy;
  if (policy !== undefined && policy !== null) {
    if (policy !== "SingleStack" && policy !== "PreferDualStack" && policy !== "RequireDualStack") {
      errs.push(fieldErrors.notSupported(spec.child("ipFamilyPolicy"), policy, ["PreferDualStack", "RequireDualStack", "SingleStack"]));
    } else if (policy === "RequireDualStack") {
      errs.push(fieldErrors.invalid(spec.child("ipFamilyPolicy"), policy, "this cluster is not configured for dual-stack services"));
    }
  }
  clusterIPs.forEach((ip, i) => {
    if (i === 0 && ip === "None") {
      if (clusterIPs.length > 1) errs.push(fieldErrors.invalid(ipsPath, clusterIPs, "'None' must be the first and only value"));
      return;
    }
    for (const m of isValidIPMessages(ip)) errs.push(fieldErrors.invalid(ipsPath.index(i), ip, m));
  });
  if (clusterIPs.length > 1 && clusterIPs[0] !== "None") errs.push(fieldErrors.invalid(ipsPath, clusterIPs, "may specify no more than one IP for each IP family"));
  return errs;
}

/** ValidateService (beyond metadata). */
export function validateService(svc: KubeObject): FieldError[] {
  const s = objOf(svc.spec);
  const errs: FieldError[] = [];
  const type = strOf(s.type);
  const ports = objItems(s.ports);
  const headless = isHeadless(s);
  if (ports.length === 0 && !headless && type !== "ExternalName") errs.push(fieldErrors.required(spec.child("ports")));
  const clusterIPs = strListOf(s.clusterIPs);
  if ((type === "LoadBalancer" || type === "NodePort") && headless) {
    errs.push(fieldErrors.invalid(spec.child("clusterIPs").index(0), clusterIPs[0] ?? "None", `may not be set to 'None' for ${type} services`));
  } else if (type === "ExternalName") {
    if (clusterIPs.length > 0) errs.push(fieldErrors.forbidden(spec.child("clusterIPs"), "may not be set for ExternalName services"));
    if (strListOf(s.ipFamilies).length > 0) errs.push(fieldErrors.forbidden(spec.child("ipFamilies"), "may not be set for ExternalName services"));
    if (s.ipFamilyPolicy !== undefined && s.ipFamilyPolicy !== null) errs.push(fieldErrors.forbidden(spec.child("ipFamilyPolicy"), "may not be set for ExternalName services"));
    const cname = strOf(s.externalName).replace(/\.$/, "");
    if (cname) errs.push(...dns1123Subdomain(cname, spec.child("externalName")));
    else errs.push(fieldErrors.required(spec.child("externalName")));
  }
  const names = new Set<string>();
  for (const [i, p] of ports) errs.push(...validateServicePort(p, ports.length > 1, names, spec.child("ports").index(i)));
  if (s.selector !== undefined && s.selector !== null) errs.push(...validateLabels(strMapOf(s.selector), spec.child("selector")));

  const affinity = strOf(s.sessionAffinity);
  if (!affinity) errs.push(fieldErrors.required(spec.child("sessionAffinity")));
  else if (affinity !== "ClientIP" && affinity !== "None") errs.push(fieldErrors.notSupported(spec.child("sessionAffinity"), affinity, ["ClientIP", "None"]));
  if (affinity === "ClientIP") {
    const cfg = objOf(s.sessionAffinityConfig);
    const timeout = numOf(objOf(cfg.clientIP).timeoutSeconds);
    const tp = spec.child("sessionAffinityConfig", "clientIP", "timeoutSeconds");
    if (timeout === undefined) errs.push(fieldErrors.required(tp));
    else if (timeout <= 0 || timeout > 86400) errs.push(fieldErrors.invalid(tp, timeout, "must be greater than 0 and less than 86400"));
  } else if (affinity === "None" && s.sessionAffinityConfig !== undefined && s.sessionAffinityConfig !== null) {
    errs.push(fieldErrors.forbidden(spec.child("sessionAffinityConfig"), "must not be set when session affinity is None"));
  }

  errs.push(...validateClusterIPsRelatedFields(s));

  strListOf(s.externalIPs).forEach((ip, i) => {
    const p = spec.child("externalIPs").index(i);
    const msgs = isValidIPMessages(ip);
    if (msgs.length) for (const m of msgs) errs.push(fieldErrors.invalid(p, ip, m));
    else errs.push(...validateNonSpecialIP(ip, p));
  });

  const types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
  if (!type) errs.push(fieldErrors.required(spec.child("type")));
  else if (!types.includes(type)) errs.push(fieldErrors.notSupported(spec.child("type"), type, types));

  if (type === "ClusterIP") {
    for (const [i, p] of ports) {
      if (numOf(p.nodePort)) errs.push(fieldErrors.forbidden(spec.child("ports").index(i).child("nodePort"), "may not be used when `type` is 'ClusterIP'"));
    }
  }
  const nodePorts = new Set<string>();
  for (const [i, p] of ports) {
    const np = numOf(p.nodePort) ?? 0;
    if (np === 0) continue;
    const key = `${strOf(p.protocol)}/${np}`;
    if (nodePorts.has(key)) errs.push(fieldErrors.duplicate(spec.child("ports").index(i).child("nodePort"), np));
    nodePorts.add(key);
  }
  const seenPorts = new Set<string>();
  for (const [i, p] of ports) {
    const key = `${strOf(p.protocol)}/${numOf(p.port) ?? 0}`;
    if (seenPorts.has(key)) errs.push(fieldErrors.duplicate(spec.child("ports").index(i), { protocol: strOf(p.protocol), port: numOf(p.port) ?? 0 }));
    seenPorts.add(key);
  }
  strListOf(s.loadBalancerSourceRanges).forEach((r, i) => {
    if (!/^[0-9a-fA-F.:]+\/\d{1,3}$/.test(r.trim())) {
      errs.push(fieldErrors.invalid(spec.child("loadBalancerSourceRanges").index(i), r, "must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 "));
    }
  });

  const etp = strOf(s.externalTrafficPolicy);
  if (!externallyAccessible(s)) {
    if (etp) errs.push(fieldErrors.invalid(spec.child("externalTrafficPolicy"), etp, "may only be set for externally-accessible services"));
  } else if (!etp) {
    errs.push(fieldErrors.required(spec.child("externalTrafficPolicy")));
  } else if (etp !== "Cluster" && etp !== "Local") {
    errs.push(fieldErrors.notSupported(spec.child("externalTrafficPolicy"), etp, ["Cluster", "Local"]));
  }
  const hc = numOf(s.healthCheckNodePort) ?? 0;
  if (hc !== 0 && !(type === "LoadBalancer" && etp === "Local")) {
    errs.push(fieldErrors.invalid(spec.child("healthCheckNodePort"), hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  }
  const itp = s.internalTrafficPolicy;
  if (itp === undefined || itp === null) {
    if (type === "NodePort" || type === "LoadBalancer" || type === "ClusterIP") errs.push(fieldErrors.required(spec.child("internalTrafficPolicy")));
  } else if (itp !== "Cluster" && itp !== "Local") {
    errs.push(fieldErrors.notSupported(spec.child("internalTrafficPolicy"), itp, ["Cluster", "Local"]));
  }
  if (typeof s.loadBalancerClass === "string") {
    if (type !== "LoadBalancer") errs.push(fieldErrors.forbidden(spec.child("loadBalancerClass"), "may only be used when `type` is 'LoadBalancer'"));
    else for (const m of isQualifiedName(s.loadBalancerClass)) errs.push(fieldErrors.invalid(spec.child("loadBalancerClass"), s.loadBalancerClass, m));
  }
  return errs;
}

/** ValidateServiceUpdate: the primary ClusterIP may not change (except to / from ExternalName), then ValidateService. */
export function validateServiceUpdate(svc: KubeObject, old: KubeObject): FieldError[] {
  const s = objOf(svc.spec);
  const o = objOf(old.spec);
  const errs: FieldError[] = [];
  const ipsPath = spec.child("clusterIPs");
  if (s.type !== "ExternalName" && o.type !== "ExternalName" && !(isHeadless(s) && isHeadless(o))) {
    const oldIPs = strListOf(o.clusterIPs);
    const newIPs = strListOf(s.clusterIPs);
    if (oldIPs.length === newIPs.length) {
      oldIPs.forEach((ip, i) => {
        if (ip !== newIPs[i]) errs.push(fieldErrors.invalid(ipsPath.index(i), newIPs, "may not change once set"));
      });
    } else if (oldIPs.length > newIPs.length) {
      if (newIPs.length === 0) errs.push(fieldErrors.invalid(ipsPath.index(0), newIPs, "primary clusterIP can not be unset"));
      else if (newIPs[0] !== oldIPs[0]) errs.push(fieldErrors.invalid(ipsPath.index(0), newIPs, "may not change once set"));
    } else if (oldIPs.length > 0 && newIPs[0] !== oldIPs[0]) {
      errs.push(fieldErrors.invalid(ipsPath.index(0), newIPs, "may not change once set"));
    }
  }
  if (typeof o.loadBalancerClass === "string" && o.type === "LoadBalancer" && s.type === "LoadBalancer" && s.loadBalancerClass !== o.loadBalancerClass) {
    errs.push(fieldErrors.invalid(spec.child("loadBalancerClass"), s.loadBalancerClass ?? null, "may not change once set"));
  }
  errs.push(...validateService(svc));
  return errs;
}

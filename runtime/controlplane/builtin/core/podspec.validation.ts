/**
 * PodSpec validation (pkg/apis/core/validation: ValidatePodSpec, ValidateVolumes, validateContainers,
 * validateInitContainers, ValidateTolerations, ...), in upstream's order and wording.
 */
import { validateLabelName } from "../../../core/labels.js";
import { FieldPath, fieldErrors, isQualifiedName, validateLabels, isValidLabelValue, type FieldError } from "../../../core/validation.js";
import {
  dns1123Label,
  dns1123Subdomain,
  validateContainerCommon,
  validateContainerProbes,
  validateLocalDescendingPath,
  validatePodSecurityContext,
} from "./podspec.containers.js";
import { podVolumeSourceKeys } from "./podspec.defaults.js";
import { quantityNano, quantityRegexMessage } from "./resources.js";
import { arrOf, asObj, inclusiveRangeError, isValidIPMessages, numOf, objItems, objOf, strListOf, strMapOf, strOf, type Obj } from "./util.js";

export interface PodSpecValidationOptions {
  /** Pods (true) or pod templates (false): some rules only apply to pods. */
  isPod: boolean;
}

const maxInt32 = 2147483647;

function validateKeyToPaths(items: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, kp] of objItems(items)) {
    const ip = path.index(i);
    if (!strOf(kp.key)) errs.push(fieldErrors.required(ip.child("key")));
    const p = strOf(kp.path);
    if (!p) errs.push(fieldErrors.required(ip.child("path")));
    else errs.push(...validateLocalDescendingPath(p, ip.child("path")));
    errs.push(...validateMode(kp.mode, ip.child("mode")));
  }
  return errs;
}

function validateMode(mode: unknown, path: FieldPath): FieldError[] {
  const m = numOf(mode);
  if (m === undefined) return [];
  return m < 0 || m > 0o777 ? [fieldErrors.invalid(path, m, "must be a number between 0 and 0777 (octal), both inclusive")] : [];
}

const hostPathTypes = ["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"];

function validateVolumeSourceDetail(kind: string, src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  switch (kind) {
    case "hostPath": {
      const p = strOf(src.path);
      if (!p) errs.push(fieldErrors.required(path.child("path")));
      const t = src.type;
      if (t !== undefined && t !== null && !hostPathTypes.includes(strOf(t))) errs.push(fieldErrors.notSupported(path.child("type"), t, hostPathTypes));
      break;
    }
    case "emptyDir": {
      const medium = strOf(src.medium);
      if (medium !== "" && medium !== "Memory" && !medium.startsWith("HugePages")) {
        errs.push(fieldErrors.notSupported(path.child("medium"), medium, ["", "Memory", "HugePages"]));
      }
      if (src.sizeLimit !== undefined && src.sizeLimit !== null) {
        const v = quantityNano(src.sizeLimit);
        if (v === undefined) errs.push(fieldErrors.invalid(path.child("sizeLimit"), src.sizeLimit, quantityRegexMessage));
        else if (v < 0n) errs.push(fieldErrors.forbidden(path.child("sizeLimit"), "SizeLimit field must be a valid resource quantity"));
      }
      break;
    }
    case "secret": {
      const name = strOf(src.secretName);
      if (!name) errs.push(fieldErrors.required(path.child("secretName")));
      else errs.push(...dns1123Subdomain(name, path.child("secretName")));
      errs.push(...validateMode(src.defaultMode, path.child("defaultMode")));
      errs.push(...validateKeyToPaths(src.items, path.child("items")));
      break;
    }
    case "configMap": {
      const name = strOf(src.name);
      if (!name) errs.push(fieldErrors.required(path.child("name")));
      else errs.push(...dns1123Subdomain(name, path.child("name")));
      errs.push(...validateMode(src.defaultMode, path.child("defaultMode")));
      errs.push(...validateKeyToPaths(src.items, path.child("items")));
      break;
    }
    case "persistentVolumeClaim":
      if (!strOf(src.claimName)) errs.push(fieldErrors.required(path.child("claimName")));
      break;
    case "nfs": {
      if (!strOf(src.server)) errs.push(fieldErrors.required(path.child("server")));
      const p = strOf(src.path);
      if (!p) errs.push(fieldErrors.required(path.child("path")));
      else if (!p.startsWith("/")) errs.push(fieldErrors.invalid(path.child("path"), p, "must be an absolute path"));
      break;
    }
    case "downwardAPI": {
      errs.push(...validateMode(src.defaultMode, path.child("defaultMode")));
      for (const [i, item] of objItems(src.items)) {
        const p = strOf(item.path);
        if (!p) errs.push(fieldErrors.required(path.child("items").index(i).child("path")));
        else errs.push(...validateLocalDescendingPath(p, path.child("items").index(i).child("path")));
      }
      break;
    }
    case "projected": {
      errs.push(...validateMode(src.defaultMode, path.child("defaultMode")));
      for (const [i, s] of objItems(src.sources)) {
        const sp = path.child("sources").index(i);
        const kinds = ["secret", "downwardAPI", "configMap", "serviceAccountToken", "clusterTrustBundle"].filter((k) => asObj(s[k]));
        if (kinds.length === 0) errs.push(fieldErrors.required(sp, "must specify exactly one of: `secret`, `configMap`, `downwardAPI`, `serviceAccountToken` or `clusterTrustBundle`"));
        for (const k of kinds.slice(1)) errs.push(fieldErrors.forbidden(sp.child(k), "may not specify more than 1 volume type per source"));
        const sat = asObj(s.serviceAccountToken);
        if (sat) {
          const exp = numOf(sat.expirationSeconds);
          if (exp !== undefined && exp < 600) errs.push(fieldErrors.invalid(sp.child("serviceAccountToken", "expirationSeconds"), exp, "may not specify a duration less than 10 minutes"));
          if (!strOf(sat.path)) errs.push(fieldErrors.required(sp.child("serviceAccountToken", "path")));
        }
      }
      break;
    }
    case "csi":
      if (!strOf(src.driver)) errs.push(fieldErrors.required(path.child("driver")));
      break;
    case "ephemeral":
      if (!asObj(src.volumeClaimTemplate)) errs.push(fieldErrors.required(path.child("volumeClaimTemplate")));
      break;
    case "image":
      if (!strOf(src.reference)) errs.push(fieldErrors.required(path.child("reference")));
      break;
    default:
      break;
  }
  return errs;
}

/** validateVolumeSource: exactly one source, then the source's own rules. */
export function validateVolumeSource(v: Obj, path: FieldPath, sourceKeys: readonly string[] = podVolumeSourceKeys): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const k of sourceKeys) {
    const src = v[k];
    if (src === undefined || src === null) continue;
    if (n > 0) {
      errs.push(fieldErrors.forbidden(path.child(k), "may not specify more than 1 volume type"));
      continue;
    }
    n++;
    errs.push(...validateVolumeSourceDetail(k, objOf(src), path.child(k)));
  }
  if (n === 0) errs.push(fieldErrors.required(path, "must specify a volume type"));
  return errs;
}

/** ValidateVolumes: returns the volume names and the errors. */
export function validateVolumes(volumes: unknown, path: FieldPath): { names: Set<string>; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const [i, v] of objItems(volumes)) {
    const ip = path.index(i);
    errs.push(...validateVolumeSource(v, ip));
    const name = strOf(v.name);
    if (!name) errs.push(fieldErrors.required(ip.child("name")));
    else errs.push(...dns1123Label(name, ip.child("name")));
    if (names.has(name)) errs.push(fieldErrors.duplicate(ip.child("name"), name));
    else names.add(name);
  }
  return { names, errs };
}

function checkHostPortConflicts(lists: Array<[unknown, FieldPath]>): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const [containers, path] of lists) {
    for (const [ci, c] of objItems(containers)) {
      for (const [pi, p] of objItems(c.ports)) {
        const hp = numOf(p.hostPort) ?? 0;
        if (hp === 0) continue;
        const key = `${strOf(p.hostIP)}/${strOf(p.protocol)}/${hp}`;
        if (seen.has(key)) errs.push(fieldErrors.duplicate(path.index(ci).child("ports").index(pi).child("hostPort"), key));
        else seen.add(key);
      }
    }
  }
  return errs;
}

function validateContainers(containers: unknown, volumes: ReadonlySet<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const list = objItems(containers);
  if (list.length === 0) errs.push(fieldErrors.required(path));
  const names = new Set<string>();
  for (const [i, c] of list) {
    const ip = path.index(i);
    errs.push(...validateContainerCommon(c, volumes, ip));
    const name = strOf(c.name);
    if (names.has(name)) errs.push(fieldErrors.duplicate(ip.child("name"), name));
    else names.add(name);
    errs.push(...validateContainerProbes(c, ip));
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) {
      errs.push(fieldErrors.forbidden(ip.child("restartPolicy"), "may not be set for non-init containers"));
    }
  }
  errs.push(...checkHostPortConflicts([[containers, path]]));
  return errs;
}

function validateInitContainers(inits: unknown, containers: unknown, volumes: ReadonlySet<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(objItems(containers).map(([, c]) => strOf(c.name)));
  for (const [i, c] of objItems(inits)) {
    const ip = path.index(i);
    errs.push(...validateContainerCommon(c, volumes, ip));
    const name = strOf(c.name);
    if (names.has(name)) errs.push(fieldErrors.duplicate(ip.child("name"), name));
    else if (name) names.add(name);
    const rp = c.restartPolicy;
    if (rp !== undefined && rp !== null && rp !== "Always") errs.push(fieldErrors.notSupported(ip.child("restartPolicy"), rp, ["Always"]));
    if (rp === "Always") {
      errs.push(...validateContainerProbes(c, ip));
    } else {
      for (const k of ["lifecycle", "livenessProbe", "readinessProbe", "startupProbe"]) {
        if (c[k] !== undefined && c[k] !== null) errs.push(fieldErrors.forbidden(ip.child(k), "may not be set for init containers without restartPolicy=Always"));
      }
    }
  }
  errs.push(...checkHostPortConflicts([[inits, path]]));
  return errs;
}

/** validateTaintEffect (allowEmpty for tolerations). */
export function validateTaintEffect(effect: unknown, allowEmpty: boolean, path: FieldPath): FieldError[] {
  const e = strOf(effect);
  if (!allowEmpty && e === "") return [fieldErrors.required(path)];
  if (e === "NoSchedule" || e === "PreferNoSchedule" || e === "NoExecute") return [];
  if (e === "" && allowEmpty) return [];
  return [fieldErrors.notSupported(path, effect, ["NoSchedule", "PreferNoSchedule", "NoExecute"])];
}

/** ValidateTolerations. */
export function validateTolerations(tolerations: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, t] of objItems(tolerations)) {
    const ip = path.index(i);
    const key = strOf(t.key);
    const op = strOf(t.operator);
    if (key) errs.push(...validateLabelName(key, ip.child("key")));
    if (!key && op !== "Exists") {
      errs.push(fieldErrors.invalid(ip.child("operator"), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== "NoExecute") {
      errs.push(fieldErrors.invalid(ip.child("effect"), strOf(t.effect), "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === "Equal" || op === "") {
      const msgs = isValidLabelValue(strOf(t.value));
      if (msgs.length) errs.push(fieldErrors.invalid(ip.child("operator"), strOf(t.value), msgs.join(";")));
    } else if (op === "Exists") {
      if (strOf(t.value)) errs.push(fieldErrors.invalid(ip.child("operator"), t, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(fieldErrors.notSupported(ip.child("operator"), op, ["Equal", "Exists"]));
    }
    if (strOf(t.effect)) errs.push(...validateTaintEffect(t.effect, true, ip.child("effect")));
  }
  return errs;
}

function validateDNSConfig(spec: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const policy = strOf(spec.dnsPolicy);
  const cfg = asObj(spec.dnsConfig);
  if (policy === "None" && !cfg) return [fieldErrors.required(path, "must provide `dnsConfig` when `dnsPolicy` is None")];
  if (!cfg) return errs;
  const ns = strListOf(cfg.nameservers);
  if (policy === "None" && ns.length === 0) errs.push(fieldErrors.required(path.child("nameservers"), "must provide at least one DNS nameserver when `dnsPolicy` is None"));
  if (ns.length > 3) errs.push(fieldErrors.invalid(path.child("nameservers"), ns, "must not have more than 3 nameservers"));
  ns.forEach((ip, i) => {
    for (const m of isValidIPMessages(ip)) errs.push(fieldErrors.invalid(path.child("nameservers").index(i), ip, m));
  });
  const searches = strListOf(cfg.searches);
  if (searches.length > 32) errs.push(fieldErrors.invalid(path.child("searches"), searches, "must not have more than 32 search paths"));
  searches.forEach((s, i) => {
    const name = s.endsWith(".") ? s.slice(0, -1) : s;
    errs.push(...dns1123Subdomain(name, path.child("searches").index(i)));
  });
  for (const [i, o] of objItems(cfg.options)) {
    if (!strOf(o.name)) errs.push(fieldErrors.required(path.child("options").index(i), "Option.Name must not be empty"));
  }
  return errs;
}

function validateNodeSelectorTerms(terms: unknown, path: FieldPath): FieldError[] {
  const list = objItems(terms);
  if (list.length === 0) return [fieldErrors.required(path, "must have at least one node selector term")];
  const errs: FieldError[] = [];
  for (const [i, term] of list) {
    for (const [j, req] of objItems(term.matchExpressions)) {
      const rp = path.index(i).child("matchExpressions").index(j);
      errs.push(...validateNodeSelectorRequirement(req, rp));
    }
  }
  return errs;
}

function validateNodeSelectorRequirement(req: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const op = strOf(req.operator);
  const values = arrOf(req.values);
  switch (op) {
    case "In":
    case "NotIn":
      if (values.length === 0) errs.push(fieldErrors.required(path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case "Exists":
    case "DoesNotExist":
      if (values.length > 0) errs.push(fieldErrors.forbidden(path.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case "Gt":
    case "Lt":
      if (values.length !== 1) errs.push(fieldErrors.required(path.child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(fieldErrors.invalid(path.child("operator"), op, "not a valid selector operator"));
  }
  errs.push(...validateLabelName(strOf(req.key), path.child("key")));
  return errs;
}

function validateAffinity(affinity: unknown, path: FieldPath): FieldError[] {
  const a = asObj(affinity);
  if (!a) return [];
  const errs: FieldError[] = [];
  const na = asObj(a.nodeAffinity);
  const req = asObj(na?.requiredDuringSchedulingIgnoredDuringExecution);
  if (req) {
    errs.push(...validateNodeSelectorTerms(req.nodeSelectorTerms, path.child("nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")));
  }
  for (const [i, pref] of objItems(na?.preferredDuringSchedulingIgnoredDuringExecution)) {
    const pp = path.child("nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution").index(i);
    const w = numOf(pref.weight) ?? 0;
    if (w <= 0 || w > 100) errs.push(fieldErrors.invalid(pp.child("weight"), w, inclusiveRangeError(1, 100)));
  }
  for (const kind of ["podAffinity", "podAntiAffinity"]) {
    const pa = asObj(a[kind]);
    for (const [i, term] of objItems(pa?.requiredDuringSchedulingIgnoredDuringExecution)) {
      const tp = path.child(kind, "requiredDuringSchedulingIgnoredDuringExecution").index(i);
      if (!strOf(term.topologyKey)) errs.push(fieldErrors.required(tp.child("topologyKey"), "can not be empty"));
    }
    for (const [i, w] of objItems(pa?.preferredDuringSchedulingIgnoredDuringExecution)) {
      const wp = path.child(kind, "preferredDuringSchedulingIgnoredDuringExecution").index(i);
      const weight = numOf(w.weight) ?? 0;
      if (weight <= 0 || weight > 100) errs.push(fieldErrors.invalid(wp.child("weight"), weight, inclusiveRangeError(1, 100)));
      if (!strOf(objOf(w.podAffinityTerm).topologyKey)) errs.push(fieldErrors.required(wp.child("podAffinityTerm", "topologyKey"), "can not be empty"));
    }
  }
  return errs;
}

function validateTopologySpreadConstraints(tscs: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const [i, c] of objItems(tscs)) {
    const ip = path.index(i);
    const skew = numOf(c.maxSkew) ?? 0;
    if (skew <= 0) errs.push(fieldErrors.invalid(ip.child("maxSkew"), skew, "must be greater than zero"));
    const key = strOf(c.topologyKey);
    if (!key) errs.push(fieldErrors.required(ip.child("topologyKey"), "can not be empty"));
    else errs.push(...validateLabelName(key, ip.child("topologyKey")));
    const wu = strOf(c.whenUnsatisfiable);
    if (wu !== "DoNotSchedule" && wu !== "ScheduleAnyway") errs.push(fieldErrors.notSupported(ip.child("whenUnsatisfiable"), wu, ["DoNotSchedule", "ScheduleAnyway"]));
    const pair = `${key}/${wu}`;
    if (seen.has(pair)) errs.push(fieldErrors.duplicate(ip, `{${key}, ${wu}}`));
    seen.add(pair);
  }
  return errs;
}

/** ValidatePodSpec. */
export function validatePodSpec(specIn: unknown, path: FieldPath, opts: PodSpecValidationOptions): FieldError[] {
  const spec = objOf(specIn);
  const errs: FieldError[] = [];
  const vols = validateVolumes(spec.volumes, path.child("volumes"));
  errs.push(...vols.errs);
  errs.push(...validateContainers(spec.containers, vols.names, path.child("containers")));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, vols.names, path.child("initContainers")));

  const rp = strOf(spec.restartPolicy);
  if (!rp) errs.push(fieldErrors.required(path.child("restartPolicy")));
  else if (rp !== "Always" && rp !== "OnFailure" && rp !== "Never") {
    errs.push(fieldErrors.notSupported(path.child("restartPolicy"), rp, ["Always", "OnFailure", "Never"]));
  }
  const dp = strOf(spec.dnsPolicy);
  const dnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
  if (!dp) errs.push(fieldErrors.required(path.child("dnsPolicy")));
  else if (!dnsPolicies.includes(dp)) errs.push(fieldErrors.notSupported(path.child("dnsPolicy"), dp, dnsPolicies));
  errs.push(...validateLabels(strMapOf(spec.nodeSelector), path.child("nodeSelector")));
  errs.push(...validatePodSecurityContext(spec.securityContext, path.child("securityContext")));
  for (const [i, s] of objItems(spec.imagePullSecrets)) {
    const extra = Object.keys(s).filter((k) => k !== "name");
    if (extra.length) errs.push(fieldErrors.invalid(path.child("imagePullSecrets").index(i), s, "only name may be set"));
  }
  errs.push(...validateAffinity(spec.affinity, path.child("affinity")));
  errs.push(...validateDNSConfig(spec, path.child("dnsConfig")));
  for (const [i, g] of objItems(spec.readinessGates)) {
    const ct = strOf(g.conditionType);
    for (const m of isQualifiedName(ct)) errs.push(fieldErrors.invalid(path.child("readinessGates").index(i).child("conditionType"), ct, m));
  }
  const gates = new Set<string>();
  for (const [i, g] of objItems(spec.schedulingGates)) {
    const name = strOf(g.name);
    const gp = path.child("schedulingGates").index(i).child("name");
    for (const m of isQualifiedName(name)) errs.push(fieldErrors.invalid(gp, name, m));
    if (gates.has(name)) errs.push(fieldErrors.duplicate(gp, name));
    gates.add(name);
  }
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, path.child("topologySpreadConstraints")));
  const sa = strOf(spec.serviceAccountName);
  if (sa) errs.push(...dns1123Subdomain(sa, path.child("serviceAccountName")));
  const nodeName = strOf(spec.nodeName);
  if (nodeName) errs.push(...dns1123Subdomain(nodeName, path.child("nodeName")));
  const ads = numOf(spec.activeDeadlineSeconds);
  if (ads !== undefined && (ads < 1 || ads > maxInt32)) {
    errs.push(fieldErrors.invalid(path.child("activeDeadlineSeconds"), ads, inclusiveRangeError(1, maxInt32)));
  }
  const hostname = strOf(spec.hostname);
  if (hostname) errs.push(...dns1123Label(hostname, path.child("hostname")));
  const subdomain = strOf(spec.subdomain);
  if (subdomain) errs.push(...dns1123Label(subdomain, path.child("subdomain")));
  errs.push(...validateTolerations(spec.tolerations, path.child("tolerations")));
  for (const [i, ha] of objItems(spec.hostAliases)) {
    const hp = path.child("hostAliases").index(i);
    const ip = strOf(ha.ip);
    for (const m of isValidIPMessages(ip)) errs.push(fieldErrors.invalid(hp.child("ip"), ip, m));
    strListOf(ha.hostnames).forEach((h, j) => errs.push(...dns1123Subdomain(h, hp.child("hostnames").index(j))));
  }
  const pcn = strOf(spec.priorityClassName);
  if (pcn) errs.push(...dns1123Subdomain(pcn, path.child("priorityClassName")));
  const rcn = spec.runtimeClassName;
  if (typeof rcn === "string") errs.push(...dns1123Subdomain(rcn, path.child("runtimeClassName")));
  const pp = spec.preemptionPolicy;
  if (pp !== undefined && pp !== null && pp !== "PreemptLowerPriority" && pp !== "Never") {
    errs.push(fieldErrors.notSupported(path.child("preemptionPolicy"), pp, ["PreemptLowerPriority", "Never"]));
  }
  const os = asObj(spec.os);
  if (os) {
    const name = strOf(os.name);
    if (!name) errs.push(fieldErrors.required(path.child("os", "name")));
    else if (name !== "linux" && name !== "windows") errs.push(fieldErrors.notSupported(path.child("os", "name"), name, ["linux", "windows"]));
  }

  if (opts.isPod) {
    // validateContainersOnlyForPod: images may not carry surrounding whitespace (templates may, as a token)
    for (const list of ["containers", "initContainers"]) {
      for (const [i, c] of objItems(spec[list])) {
        const image = strOf(c.image);
        if (image.length !== image.trim().length) {
          errs.push(fieldErrors.invalid(path.child(list).index(i).child("image"), image, "must not have leading or trailing whitespace"));
        }
      }
    }
  }
  return errs;
}

/**
 * Container validation (pkg/apis/core/validation: validateContainerCommon and its helpers): names, images,
 * ports, env, envFrom, volume mounts, pull policy, resources, probes, lifecycle, security context.
 */
import { FieldPath, fieldErrors, isDNS1123Label, isDNS1123Subdomain, type FieldError } from "../../../core/validation.js";
import { validateResourceRequirements } from "./resources.js";
import {
  asObj,
  inclusiveRangeError,
  isConfigMapKey,
  isValidPortName,
  isValidPortNum,
  numOf,
  objItems,
  strOf,
  supportedPortProtocols,
  type Obj,
} from "./util.js";

/** ValidateDNS1123Label at a path. */
export function dns1123Label(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Label(value).map((m) => fieldErrors.invalid(path, value, m));
}

/** ValidateDNS1123Subdomain at a path. */
export function dns1123Subdomain(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => fieldErrors.invalid(path, value, m));
}

/** ValidateNonnegativeField. */
export function nonNegative(v: unknown, path: FieldPath): FieldError[] {
  const n = numOf(v);
  return n !== undefined && n < 0 ? [fieldErrors.invalid(path, n, "must be greater than or equal to 0")] : [];
}

/** ValidatePortNumOrName for an int-or-string port. */
export function validatePortNumOrName(port: unknown, path: FieldPath): FieldError[] {
  if (typeof port === "number") return isValidPortNum(port).map((m) => fieldErrors.invalid(path, port, m));
  if (typeof port === "string") return isValidPortName(port).map((m) => fieldErrors.invalid(path, port, m));
  return [fieldErrors.internal(path, new Error(`unknown type: ${typeof port}`))];
}

function validateContainerPorts(ports: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const [i, p] of objItems(ports)) {
    const ip = path.index(i);
    const name = strOf(p.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) for (const m of msgs) errs.push(fieldErrors.invalid(ip.child("name"), name, m));
      else if (names.has(name)) errs.push(fieldErrors.duplicate(ip.child("name"), name));
      else names.add(name);
    }
    const cp = numOf(p.containerPort) ?? 0;
    if (cp === 0) errs.push(fieldErrors.required(ip.child("containerPort")));
    else for (const m of isValidPortNum(cp)) errs.push(fieldErrors.invalid(ip.child("containerPort"), cp, m));
    const hp = numOf(p.hostPort) ?? 0;
    if (hp !== 0) for (const m of isValidPortNum(hp)) errs.push(fieldErrors.invalid(ip.child("hostPort"), hp, m));
    const proto = strOf(p.protocol);
    if (!proto) errs.push(fieldErrors.required(ip.child("protocol")));
    else if (!(supportedPortProtocols as readonly string[]).includes(proto)) errs.push(fieldErrors.notSupported(ip.child("protocol"), proto, supportedPortProtocols));
  }
  return errs;
}

/** IsRelaxedEnvVarName: printable ASCII other than '='. */
export function envVarNameMessages(name: string): string[] {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 32 || c > 126 || c === 61) return ["a valid environment variable name must consist only of printable ASCII characters other than '='"];
  }
  return [];
}

const envFieldPaths = [
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
  "spec.nodeName",
  "spec.serviceAccountName",
  "status.hostIP",
  "status.hostIPs",
  "status.podIP",
  "status.podIPs",
];

function validateObjectFieldSelector(fr: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = strOf(fr.apiVersion);
  const fieldPath = strOf(fr.fieldPath);
  if (!apiVersion) {
    errs.push(fieldErrors.required(path.child("apiVersion")));
    return errs;
  }
  if (!fieldPath) {
    errs.push(fieldErrors.required(path.child("fieldPath")));
    return errs;
  }
  const sub = /^metadata\.(labels|annotations)\['([^']*)'\]$/.exec(fieldPath);
  if (!sub && !envFieldPaths.includes(fieldPath)) {
    errs.push(fieldErrors.notSupported(path.child("fieldPath"), fieldPath, [...envFieldPaths].sort()));
  }
  return errs;
}

function validateKeySelector(sel: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = strOf(sel.name);
  if (!name) errs.push(fieldErrors.required(path.child("name")));
  else errs.push(...dns1123Subdomain(name, path.child("name")));
  const key = strOf(sel.key);
  if (!key) errs.push(fieldErrors.required(path.child("key")));
  else for (const m of isConfigMapKey(key)) errs.push(fieldErrors.invalid(path.child("key"), key, m));
  return errs;
}

const resourceFieldRefs = ["limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"];

function validateEnvVarValueFrom(ev: Obj, path: FieldPath): FieldError[] {
  const vf = asObj(ev.valueFrom);
  if (!vf) return [];
  const errs: FieldError[] = [];
  let n = 0;
  const fr = asObj(vf.fieldRef);
  if (fr) {
    n++;
    errs.push(...validateObjectFieldSelector(fr, path.child("fieldRef")));
  }
  const rfr = asObj(vf.resourceFieldRef);
  if (rfr) {
    n++;
    const res = strOf(rfr.resource);
    if (!res) errs.push(fieldErrors.required(path.child("resourceFieldRef", "resource")));
    else if (!resourceFieldRefs.includes(res) && !/^(limits|requests)\.hugepages-/.test(res)) {
      errs.push(fieldErrors.notSupported(path.child("resourceFieldRef", "resource"), res, resourceFieldRefs));
    }
  }
  const cm = asObj(vf.configMapKeyRef);
  if (cm) {
    n++;
    errs.push(...validateKeySelector(cm, path.child("configMapKeyRef")));
  }
  const sec = asObj(vf.secretKeyRef);
  if (sec) {
    n++;
    errs.push(...validateKeySelector(sec, path.child("secretKeyRef")));
  }
  if (n === 0) errs.push(fieldErrors.invalid(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
  else if (strOf(ev.value) !== "") errs.push(fieldErrors.invalid(path, "", "may not be specified when `value` is not empty"));
  else if (n > 1) errs.push(fieldErrors.invalid(path, "", "may not have more than one field specified at a time"));
  return errs;
}

/** ValidateEnv. */
export function validateEnv(env: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, ev] of objItems(env)) {
    const ip = path.index(i);
    const name = strOf(ev.name);
    if (!name) errs.push(fieldErrors.required(ip.child("name")));
    else for (const m of envVarNameMessages(name)) errs.push(fieldErrors.invalid(ip.child("name"), name, m));
    errs.push(...validateEnvVarValueFrom(ev, ip.child("valueFrom")));
  }
  return errs;
}

function validateEnvFrom(envFrom: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, ef] of objItems(envFrom)) {
    const ip = path.index(i);
    const prefix = strOf(ef.prefix);
    if (prefix) for (const m of envVarNameMessages(prefix)) errs.push(fieldErrors.invalid(ip.child("prefix"), prefix, m));
    let n = 0;
    for (const key of ["configMapRef", "secretRef"]) {
      const ref = asObj(ef[key]);
      if (!ref) continue;
      n++;
      const name = strOf(ref.name);
      if (!name) errs.push(fieldErrors.required(ip.child(key, "name")));
      else errs.push(...dns1123Subdomain(name, ip.child(key, "name")));
    }
    if (n === 0) errs.push(fieldErrors.invalid(ip, "", "must specify one of: `configMapRef` or `secretRef`"));
    else if (n > 1) errs.push(fieldErrors.invalid(ip, "", "may not have more than one field specified at a time"));
  }
  return errs;
}

/** validateLocalDescendingPath: relative, no "..". */
export function validateLocalDescendingPath(p: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith("/")) errs.push(fieldErrors.invalid(path, p, "must be a relative path"));
  if (p.split("/").includes("..")) errs.push(fieldErrors.invalid(path, p, "must not contain '..'"));
  return errs;
}

const mountPropagationModes = ["None", "HostToContainer", "Bidirectional"];

function validateVolumeMounts(mounts: unknown, volumes: ReadonlySet<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  for (const [i, m] of objItems(mounts)) {
    const ip = path.index(i);
    const name = strOf(m.name);
    const mountPath = strOf(m.mountPath);
    if (!name) errs.push(fieldErrors.required(ip.child("name")));
    if (!volumes.has(name)) errs.push(fieldErrors.notFound(ip.child("name"), name));
    if (!mountPath) errs.push(fieldErrors.required(ip.child("mountPath")));
    if (mountPoints.has(mountPath)) errs.push(fieldErrors.invalid(ip.child("mountPath"), mountPath, "must be unique"));
    mountPoints.add(mountPath);
    const subPath = strOf(m.subPath);
    if (subPath) errs.push(...validateLocalDescendingPath(subPath, ip.child("subPath")));
    const subPathExpr = strOf(m.subPathExpr);
    if (subPath && subPathExpr) errs.push(fieldErrors.invalid(ip.child("subPathExpr"), subPathExpr, "subPathExpr and subPath are mutually exclusive"));
    const prop = m.mountPropagation;
    if (prop !== undefined && prop !== null && !mountPropagationModes.includes(strOf(prop))) {
      errs.push(fieldErrors.notSupported(ip.child("mountPropagation"), prop, mountPropagationModes));
    }
  }
  return errs;
}

function validatePullPolicy(policy: unknown, path: FieldPath): FieldError[] {
  const p = strOf(policy);
  if (p === "Always" || p === "IfNotPresent" || p === "Never") return [];
  if (!p) return [fieldErrors.required(path)];
  return [fieldErrors.notSupported(path, policy, ["Always", "IfNotPresent", "Never"])];
}

const maxInt32 = 2147483647;

function idRange(v: unknown, path: FieldPath): FieldError[] {
  const n = numOf(v);
  if (n === undefined) return [];
  return n < 0 || n > maxInt32 ? [fieldErrors.invalid(path, n, inclusiveRangeError(0, maxInt32))] : [];
}

/** ValidateSecurityContext (container level, the parts operators touch). */
export function validateContainerSecurityContext(sc: unknown, path: FieldPath): FieldError[] {
  const s = asObj(sc);
  if (!s) return [];
  const errs: FieldError[] = [];
  errs.push(...idRange(s.runAsUser, path.child("runAsUser")));
  errs.push(...idRange(s.runAsGroup, path.child("runAsGroup")));
  if (s.allowPrivilegeEscalation === false && s.privileged === true) {
    errs.push(fieldErrors.invalid(path, s, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
  }
  if (s.allowPrivilegeEscalation === false && (asObj(s.capabilities)?.add as unknown[] | undefined)?.includes("CAP_SYS_ADMIN")) {
    errs.push(fieldErrors.invalid(path, s, "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"));
  }
  const procMount = s.procMount;
  if (procMount !== undefined && procMount !== null && procMount !== "Default" && procMount !== "Unmasked") {
    errs.push(fieldErrors.notSupported(path.child("procMount"), procMount, ["Default", "Unmasked"]));
  }
  return errs;
}

/** validatePodSecurityContext (the id ranges). */
export function validatePodSecurityContext(sc: unknown, path: FieldPath): FieldError[] {
  const s = asObj(sc);
  if (!s) return [];
  const errs: FieldError[] = [];
  errs.push(...idRange(s.runAsUser, path.child("runAsUser")));
  errs.push(...idRange(s.runAsGroup, path.child("runAsGroup")));
  errs.push(...idRange(s.fsGroup, path.child("fsGroup")));
  const groups = Array.isArray(s.supplementalGroups) ? s.supplementalGroups : [];
  groups.forEach((g, i) => errs.push(...idRange(g, path.child("supplementalGroups").index(i))));
  const policy = s.fsGroupChangePolicy;
  if (policy !== undefined && policy !== null && policy !== "OnRootMismatch" && policy !== "Always") {
    errs.push(fieldErrors.notSupported(path.child("fsGroupChangePolicy"), policy, ["OnRootMismatch", "Always"]));
  }
  return errs;
}

/** validateHandler: exactly one of exec / httpGet / tcpSocket / grpc (and sleep for lifecycle hooks). */
export function validateHandler(h: Obj, path: FieldPath, lifecycle: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const kinds = lifecycle ? ["exec", "httpGet", "tcpSocket", "sleep"] : ["exec", "httpGet", "tcpSocket", "grpc"];
  let n = 0;
  for (const k of kinds) {
    const v = asObj(h[k]);
    if (!v) continue;
    if (n > 0) {
      errs.push(fieldErrors.forbidden(path.child(k), "may not specify more than 1 handler type"));
      continue;
    }
    n++;
    const p = path.child(k);
    if (k === "exec") {
      if (!Array.isArray(v.command) || v.command.length === 0) errs.push(fieldErrors.required(p.child("command")));
    } else if (k === "httpGet") {
      if (!strOf(v.path)) errs.push(fieldErrors.required(p.child("path")));
      errs.push(...validatePortNumOrName(v.port, p.child("port")));
      const scheme = strOf(v.scheme);
      if (scheme !== "HTTP" && scheme !== "HTTPS") errs.push(fieldErrors.notSupported(p.child("scheme"), v.scheme, ["HTTP", "HTTPS"]));
    } else if (k === "tcpSocket") {
      errs.push(...validatePortNumOrName(v.port, p.child("port")));
    } else if (k === "grpc") {
      const port = numOf(v.port) ?? 0;
      for (const m of isValidPortNum(port)) errs.push(fieldErrors.invalid(p.child("port"), port, m));
    } else if (k === "sleep") {
      const s = numOf(v.seconds) ?? 0;
      if (s < 0) errs.push(fieldErrors.invalid(p.child("seconds"), s, "must be non-negative"));
    }
  }
  if (n === 0) errs.push(fieldErrors.required(path, "must specify a handler type"));
  return errs;
}

function validateProbe(probe: unknown, path: FieldPath, mustSucceedOnce: boolean): FieldError[] {
  const p = asObj(probe);
  if (!p) return [];
  const errs = validateHandler(p, path, false);
  for (const k of ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"]) {
    errs.push(...nonNegative(p[k], path.child(k)));
  }
  if (mustSucceedOnce && numOf(p.successThreshold) !== undefined && numOf(p.successThreshold) !== 1) {
    errs.push(fieldErrors.invalid(path.child("successThreshold"), p.successThreshold, "must be 1"));
  }
  return errs;
}

function validateLifecycle(lc: unknown, path: FieldPath): FieldError[] {
  const l = asObj(lc);
  if (!l) return [];
  const errs: FieldError[] = [];
  for (const k of ["postStart", "preStop"]) {
    const h = asObj(l[k]);
    if (h) errs.push(...validateHandler(h, path.child(k), true));
  }
  return errs;
}

/** validateContainerCommon. */
export function validateContainerCommon(c: Obj, volumes: ReadonlySet<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = strOf(c.name);
  if (!name) errs.push(fieldErrors.required(path.child("name")));
  else errs.push(...dns1123Label(name, path.child("name")));
  if (!strOf(c.image)) errs.push(fieldErrors.required(path.child("image")));
  const tmp = strOf(c.terminationMessagePolicy);
  if (!tmp) errs.push(fieldErrors.required(path.child("terminationMessagePolicy")));
  else if (tmp !== "File" && tmp !== "FallbackToLogsOnError") {
    errs.push(fieldErrors.notSupported(path.child("terminationMessagePolicy"), tmp, ["File", "FallbackToLogsOnError"]));
  }
  errs.push(...validateContainerPorts(c.ports, path.child("ports")));
  errs.push(...validateEnv(c.env, path.child("env")));
  errs.push(...validateEnvFrom(c.envFrom, path.child("envFrom")));
  errs.push(...validateVolumeMounts(c.volumeMounts, volumes, path.child("volumeMounts")));
  errs.push(...validatePullPolicy(c.imagePullPolicy, path.child("imagePullPolicy")));
  errs.push(...validateResourceRequirements(c.resources, path.child("resources")));
  errs.push(...validateContainerSecurityContext(c.securityContext, path.child("securityContext")));
  return errs;
}

/** Lifecycle hooks and probes of a regular container (or a sidecar init container). */
export function validateContainerProbes(c: Obj, path: FieldPath): FieldError[] {
  return [
    ...validateLifecycle(c.lifecycle, path.child("lifecycle")),
    ...validateProbe(c.livenessProbe, path.child("livenessProbe"), true),
    ...validateProbe(c.readinessProbe, path.child("readinessProbe"), false),
    ...validateProbe(c.startupProbe, path.child("startupProbe"), true),
  ];
}

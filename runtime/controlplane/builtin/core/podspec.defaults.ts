/**
 * Scheme defaulting for PodSpec and its parts (pkg/apis/core/v1/defaults.go): applied to pods and to every pod
 * template (Deployments, ReplicaSets, ...). Pod-only defaults (requests from limits, enableServiceLinks) live
 * in `defaultPodOnly`.
 */
import { asObj, ensureObj, objItems, setDefault, strOf, type Obj } from "./util.js";

const volumeSourceKeys = [
  "emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs", "iscsi", "glusterfs",
  "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile",
  "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume", "projected", "scaleIO", "configMap",
  "storageos", "csi", "ephemeral", "image",
] as const;

/** The VolumeSource member names of core/v1 Volume, in the order upstream validates them. */
export const podVolumeSourceKeys: readonly string[] = volumeSourceKeys;

/** The image's tag as upstream's parsers.ParseImageName reads it ("latest" when neither tag nor digest is given). */
export function imageTag(image: string): string {
  let ref = image;
  let digest = "";
  const at = ref.indexOf("@");
  if (at >= 0) {
    digest = ref.slice(at + 1);
    ref = ref.slice(0, at);
  }
  const slash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  if (colon > slash) return ref.slice(colon + 1);
  return digest ? "" : "latest";
}

function defaultProbe(p: unknown): void {
  const probe = asObj(p);
  if (!probe) return;
  setDefault(probe, "timeoutSeconds", 1);
  setDefault(probe, "periodSeconds", 10);
  setDefault(probe, "successThreshold", 1);
  setDefault(probe, "failureThreshold", 3);
  const http = asObj(probe.httpGet);
  if (http) {
    setDefault(http, "path", "/");
    setDefault(http, "scheme", "HTTP");
  }
}

function defaultLifecycleHandler(h: unknown): void {
  const http = asObj(asObj(h)?.httpGet);
  if (http) {
    setDefault(http, "path", "/");
    setDefault(http, "scheme", "HTTP");
  }
}

function defaultFieldRef(fieldRef: unknown): void {
  const fr = asObj(fieldRef);
  if (fr) setDefault(fr, "apiVersion", "v1");
}

/** SetDefaults_Container (also used for init and ephemeral containers). */
export function defaultContainer(c: Obj): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(strOf(c.image)) === "latest" ? "Always" : "IfNotPresent";
  if (!c.terminationMessagePath) c.terminationMessagePath = "/dev/termination-log";
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = "File";
  setDefault(c, "resources", {});
  for (const [, p] of objItems(c.ports)) if (!p.protocol) p.protocol = "TCP";
  for (const [, e] of objItems(c.env)) defaultFieldRef(asObj(e.valueFrom)?.fieldRef);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  const lc = asObj(c.lifecycle);
  if (lc) {
    defaultLifecycleHandler(lc.postStart);
    defaultLifecycleHandler(lc.preStop);
  }
}

/** SetDefaults_Volume and the defaults of its sources. */
export function defaultVolume(v: Obj): void {
  if (!volumeSourceKeys.some((k) => v[k] !== undefined && v[k] !== null)) v.emptyDir = {};
  const withMode = (src: unknown): void => {
    const s = asObj(src);
    if (s) setDefault(s, "defaultMode", 420);
  };
  withMode(v.secret);
  withMode(v.configMap);
  withMode(v.projected);
  const dapi = asObj(v.downwardAPI);
  if (dapi) {
    setDefault(dapi, "defaultMode", 420);
    for (const [, item] of objItems(dapi.items)) defaultFieldRef(item.fieldRef);
  }
  const hp = asObj(v.hostPath);
  if (hp) setDefault(hp, "type", "");
  const iscsi = asObj(v.iscsi);
  if (iscsi) setDefault(iscsi, "iscsiInterface", "default");
  const rbd = asObj(v.rbd);
  if (rbd) {
    setDefault(rbd, "pool", "rbd");
    setDefault(rbd, "user", "admin");
    setDefault(rbd, "keyring", "/etc/ceph/keyring");
  }
  const az = asObj(v.azureDisk);
  if (az) {
    setDefault(az, "cachingMode", "ReadWrite");
    setDefault(az, "fsType", "ext4");
    setDefault(az, "readOnly", false);
    setDefault(az, "kind", "Shared");
  }
  const proj = asObj(v.projected);
  if (proj) {
    for (const [, src] of objItems(proj.sources)) {
      const sat = asObj(src.serviceAccountToken);
      if (sat) setDefault(sat, "expirationSeconds", 3600);
      for (const [, item] of objItems(asObj(src.downwardAPI)?.items)) defaultFieldRef(item.fieldRef);
    }
  }
}

function defaultHostNetworkPorts(containers: unknown): void {
  for (const [, c] of objItems(containers)) {
    for (const [, p] of objItems(c.ports)) {
      if (!p.hostPort && p.containerPort !== undefined) p.hostPort = p.containerPort;
    }
  }
}

/** SetDefaults_PodSpec plus the defaults of its containers and volumes (pods and pod templates alike). */
export function defaultPodSpec(spec: Obj): void {
  if (!spec.dnsPolicy) spec.dnsPolicy = "ClusterFirst";
  if (!spec.restartPolicy) spec.restartPolicy = "Always";
  setDefault(spec, "securityContext", {});
  setDefault(spec, "terminationGracePeriodSeconds", 30);
  if (!spec.schedulerName) spec.schedulerName = "default-scheduler";
  for (const key of ["containers", "initContainers", "ephemeralContainers"]) {
    for (const [, c] of objItems(spec[key])) defaultContainer(c);
  }
  for (const [, v] of objItems(spec.volumes)) defaultVolume(v);
  if (spec.hostNetwork === true) {
    defaultHostNetworkPorts(spec.containers);
    defaultHostNetworkPorts(spec.initContainers);
  }
  // v1 conversion keeps the deprecated serviceAccount in step with serviceAccountName
  if (!spec.serviceAccountName && typeof spec.serviceAccount === "string" && spec.serviceAccount) {
    spec.serviceAccountName = spec.serviceAccount;
  }
  if (typeof spec.serviceAccountName === "string" && spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
}

/** SetDefaults_Pod: what applies to Pods but not to templates (requests default to limits, enableServiceLinks). */
export function defaultPodOnly(spec: Obj): void {
  for (const key of ["containers", "initContainers"]) {
    for (const [, c] of objItems(spec[key])) {
      const res = asObj(c.resources);
      const limits = asObj(res?.limits);
      if (!res || !limits) continue;
      const requests = ensureObj(res, "requests");
      for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
    }
  }
  setDefault(spec, "enableServiceLinks", true);
  if (spec.hostNetwork === true) {
    defaultHostNetworkPorts(spec.containers);
    defaultHostNetworkPorts(spec.initContainers);
  }
}

/** The containers, init containers and ephemeral containers of a spec, with their list names. */
export function allContainers(spec: Obj): Array<{ list: string; index: number; container: Obj }> {
  const out: Array<{ list: string; index: number; container: Obj }> = [];
  for (const list of ["initContainers", "containers", "ephemeralContainers"]) {
    for (const [index, container] of objItems(spec[list])) out.push({ list, index, container });
  }
  return out;
}

/** True when the init container is a sidecar (restartPolicy Always). */
export function isRestartableInitContainer(c: Obj | undefined): boolean {
  return c?.restartPolicy === "Always";
}


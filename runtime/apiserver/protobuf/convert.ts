/**
 * Turns a decoded Kubernetes protobuf message (protobufjs reflection) into the JSON a JSON client
 * would have sent for the same Go object.
 *
 * How the two encodings differ, and what this module does about it:
 * - Field names: go-to-protobuf names proto fields after the JSON names, so they are used as they are,
 *   except for embedded Go structs (`json:",inline"`), whose fields are merged into the parent (`inlineFields`).
 * - Presence: gogo-protobuf writes every non-pointer scalar, even "" / 0 / false, while Go's JSON encoder drops
 *   them (omitempty). So such zero scalars are dropped, except on the fields of `keepZeroFields`: Go pointers
 *   (`*int32`, `*bool`, `*string`, `*IntOrString`, ...), where a zero on the wire was set on purpose, and a few
 *   fields whose zero this server must see. Nested messages present on the wire are kept even when empty:
 *   gogo writes them exactly when Go's JSON encoder does (non-pointer structs always, pointers when set), and
 *   an empty one can mean something (`emptyDir: {}`, `namespaceSelector: {}`). Lists and maps are kept when
 *   not empty, with their elements as they are (an "" entry of a list or map is data).
 * - Special types: metav1.Time / MicroTime → RFC 3339 strings (the zero time is dropped), metav1.Duration → Go
 *   duration string, resource.Quantity → its string, intstr.IntOrString → number or string, RawExtension and
 *   FieldsV1 → the JSON they hold, bytes → base64, int64 → number.
 */
import type { Field, Message, Type } from "protobufjs";
import { intstrPkg, metaPkg, resourcePkg, runtimePkg } from "./root.js";

export class ConversionError extends Error {}

const core = "k8s.io.api.core.v1";

/**
 * Fields whose zero value is kept when present on the wire: Go pointer fields (gogo writes them only when
 * non-nil) of the served kinds, from k8s.io/api types.go, plus ScaleSpec.replicas, Scale status replicas,
 * SleepAction.seconds and Ulimit hard/soft (no omitempty; a zero there is data this server needs).
 */
const keepZeroFields: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  [metaPkg]: {
    ObjectMeta: ["deletionGracePeriodSeconds"],
    OwnerReference: ["controller", "blockOwnerDeletion"],
    DeleteOptions: ["gracePeriodSeconds", "orphanDependents", "propagationPolicy", "ignoreStoreReadErrorWithClusterBreakingPotential"],
    Preconditions: ["uid", "resourceVersion"],
  },
  [core]: {
    ConfigMap: ["immutable"],
    Secret: ["immutable"],
    ConfigMapEnvSource: ["optional"],
    SecretEnvSource: ["optional"],
    ConfigMapKeySelector: ["optional"],
    SecretKeySelector: ["optional"],
    FileKeySelector: ["optional"],
    ConfigMapVolumeSource: ["defaultMode", "optional"],
    SecretVolumeSource: ["defaultMode", "optional"],
    ConfigMapProjection: ["optional"],
    SecretProjection: ["optional"],
    ProjectedVolumeSource: ["defaultMode"],
    DownwardAPIVolumeSource: ["defaultMode"],
    DownwardAPIVolumeFile: ["mode"],
    KeyToPath: ["mode"],
    ClusterTrustBundleProjection: ["name", "signerName", "optional"],
    ServiceAccountTokenProjection: ["expirationSeconds"],
    PodCertificateProjection: ["maxExpirationSeconds"],
    CSIVolumeSource: ["readOnly", "fsType"],
    AzureDiskVolumeSource: ["cachingMode", "fsType", "readOnly", "kind"],
    HostPathVolumeSource: ["type"],
    ISCSIVolumeSource: ["initiatorName"],
    ISCSIPersistentVolumeSource: ["initiatorName"],
    PersistentVolumeClaimSpec: ["storageClassName", "volumeMode", "volumeAttributesClassName"],
    PersistentVolumeClaimStatus: ["currentVolumeAttributesClassName"],
    PersistentVolumeSpec: ["volumeMode", "volumeAttributesClassName"],
    VolumeMount: ["mountPropagation", "recursiveReadOnly"],
    VolumeMountStatus: ["recursiveReadOnly"],
    Container: ["restartPolicy"],
    EphemeralContainerCommon: ["restartPolicy"],
    ContainerStatus: ["started", "stopSignal"],
    Lifecycle: ["stopSignal"],
    Probe: ["terminationGracePeriodSeconds"],
    GRPCAction: ["service"],
    SleepAction: ["seconds"],
    Ulimit: ["hard", "soft"],
    SecurityContext: ["privileged", "runAsUser", "runAsGroup", "runAsNonRoot", "readOnlyRootFilesystem", "allowPrivilegeEscalation", "procMount"],
    PodSecurityContext: ["runAsUser", "runAsGroup", "runAsNonRoot", "fsGroup", "fsGroupChangePolicy", "supplementalGroupsPolicy", "seLinuxChangePolicy"],
    WindowsSecurityContextOptions: ["gmsaCredentialSpecName", "gmsaCredentialSpec", "runAsUserName", "hostProcess"],
    SeccompProfile: ["localhostProfile"],
    AppArmorProfile: ["localhostProfile"],
    PodSpec: [
      "terminationGracePeriodSeconds",
      "activeDeadlineSeconds",
      "automountServiceAccountToken",
      "priority",
      "runtimeClassName",
      "enableServiceLinks",
      "preemptionPolicy",
      "setHostnameAsFQDN",
      "hostUsers",
      "hostnameOverride",
    ],
    Toleration: ["tolerationSeconds"],
    TopologySpreadConstraint: ["minDomains", "nodeAffinityPolicy", "nodeTaintsPolicy"],
    PodDNSConfigOption: ["value"],
    PodResourceClaim: ["resourceClaimName", "resourceClaimTemplateName"],
    PodResourceClaimStatus: ["resourceClaimName"],
    ResourceHealth: ["message"],
    ServiceAccount: ["automountServiceAccountToken"],
    ServiceSpec: ["ipFamilyPolicy", "allocateLoadBalancerNodePorts", "loadBalancerClass", "internalTrafficPolicy", "trafficDistribution"],
    ServicePort: ["appProtocol"],
    ClientIPConfig: ["timeoutSeconds"],
    LoadBalancerIngress: ["ipMode"],
    PortStatus: ["error"],
    EndpointPort: ["appProtocol"],
    EndpointAddress: ["nodeName"],
    ReplicationControllerSpec: ["replicas"],
    NodeFeatures: ["supplementalGroupsPolicy", "containerUlimits"],
    NodeRuntimeHandlerFeatures: ["recursiveReadOnlyMounts", "userNamespaces"],
    NodeSwapStatus: ["capacity"],
  },
  "k8s.io.api.apps.v1": {
    DeploymentSpec: ["replicas", "revisionHistoryLimit", "progressDeadlineSeconds", "podReplacementPolicy"],
    DeploymentStatus: ["terminatingReplicas", "collisionCount"],
    RollingUpdateDeployment: ["maxUnavailable", "maxSurge"],
    ReplicaSetSpec: ["replicas"],
    ReplicaSetStatus: ["terminatingReplicas"],
    StatefulSetSpec: ["replicas", "revisionHistoryLimit"],
    StatefulSetStatus: ["collisionCount"],
    RollingUpdateStatefulSetStrategy: ["partition", "maxUnavailable"],
    DaemonSetSpec: ["revisionHistoryLimit"],
    DaemonSetStatus: ["collisionCount"],
    RollingUpdateDaemonSet: ["maxUnavailable", "maxSurge"],
  },
  "k8s.io.api.authentication.v1": {
    TokenRequestSpec: ["expirationSeconds"],
  },
  "k8s.io.api.autoscaling.v1": {
    ScaleSpec: ["replicas"],
    ScaleStatus: ["replicas"],
  },
  "k8s.io.api.coordination.v1": {
    LeaseSpec: ["holderIdentity", "leaseDurationSeconds", "leaseTransitions", "strategy", "preferredHolder"],
  },
};

/** Embedded Go structs (`json:",inline"`): their fields belong to the parent object in JSON. */
const inlineFields: Readonly<Record<string, readonly string[]>> = {
  [`${core}.ConfigMapEnvSource`]: ["localObjectReference"],
  [`${core}.ConfigMapKeySelector`]: ["localObjectReference"],
  [`${core}.ConfigMapProjection`]: ["localObjectReference"],
  [`${core}.ConfigMapVolumeSource`]: ["localObjectReference"],
  [`${core}.SecretEnvSource`]: ["localObjectReference"],
  [`${core}.SecretKeySelector`]: ["localObjectReference"],
  [`${core}.SecretProjection`]: ["localObjectReference"],
  [`${core}.EphemeralContainer`]: ["ephemeralContainerCommon"],
  [`${core}.Volume`]: ["volumeSource"],
  [`${core}.PersistentVolumeSpec`]: ["persistentVolumeSource"],
  [`${core}.Probe`]: ["handler"],
};

type Special = "time" | "microTime" | "duration" | "quantity" | "intOrString" | "rawExtension" | "fieldsV1" | "stringList";

const specialTypes: Readonly<Record<string, Special>> = {
  [`${metaPkg}.Time`]: "time",
  [`${metaPkg}.MicroTime`]: "microTime",
  [`${metaPkg}.Duration`]: "duration",
  [`${metaPkg}.FieldsV1`]: "fieldsV1",
  [`${resourcePkg}.Quantity`]: "quantity",
  [`${intstrPkg}.IntOrString`]: "intOrString",
  [`${runtimePkg}.RawExtension`]: "rawExtension",
  // ExtraValue masks a []string (user extras of the authentication and authorization kinds)
  "k8s.io.api.authentication.v1.ExtraValue": "stringList",
  "k8s.io.api.authentication.v1beta1.ExtraValue": "stringList",
  "k8s.io.api.authorization.v1.ExtraValue": "stringList",
};

interface FieldPlan {
  field: Field;
  name: string;
  keepZero: boolean;
  inline: boolean;
  map: boolean;
  repeated: boolean;
  /** Message type of the value (map value / list element / single value); undefined for scalars. */
  message: Type | undefined;
  special: Special | undefined;
}

const plans = new WeakMap<Type, FieldPlan[]>();

/** Fully qualified name without the leading dot. */
function qualifiedName(type: Type): string {
  return type.fullName.replace(/^\./, "");
}

function planFor(type: Type): FieldPlan[] {
  let plan = plans.get(type);
  if (plan) return plan;
  const qualified = qualifiedName(type);
  const pkg = qualified.slice(0, qualified.lastIndexOf("."));
  const keep = new Set(keepZeroFields[pkg]?.[type.name] ?? []);
  const inline = new Set(inlineFields[qualified] ?? []);
  plan = type.fieldsArray.map((field) => {
    field.resolve();
    const resolved = field.resolvedType;
    const message = resolved && "fieldsArray" in resolved ? (resolved as Type) : undefined;
    return {
      field,
      name: field.name,
      keepZero: keep.has(field.name),
      inline: inline.has(field.name),
      map: field.map,
      repeated: field.repeated,
      message,
      special: message ? specialTypes[qualifiedName(message)] : undefined,
    };
  });
  plans.set(type, plan);
  return plan;
}

/** Hooks the converter needs from the decoder: nested `k8s\0` bodies inside a RawExtension. */
export interface ConvertContext {
  decodeNested(raw: Buffer): Record<string, unknown>;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Converts a decoded message of `type` into its JSON form. */
export function messageToJson(type: Type, msg: Message, ctx: ConvertContext): Record<string, unknown> {
  const record = msg as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const p of planFor(type)) {
    if (!hasOwn(record, p.name)) continue;
    const value = record[p.name];
    if (value === undefined || value === null) continue;
    if (p.map) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0) continue;
      const obj: Record<string, unknown> = {};
      for (const [k, v] of entries) obj[k] = elementToJson(p, v, ctx);
      out[p.name] = obj;
      continue;
    }
    if (p.repeated) {
      if (!Array.isArray(value) || value.length === 0) continue;
      out[p.name] = value.map((v: unknown) => elementToJson(p, v, ctx));
      continue;
    }
    const converted = singleToJson(p, value, ctx);
    if (converted === undefined) continue;
    if (p.inline && isRecord(converted)) Object.assign(out, converted);
    else out[p.name] = converted;
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A map value or list element: converted, never dropped. */
function elementToJson(p: FieldPlan, v: unknown, ctx: ConvertContext): unknown {
  if (p.message) {
    if (p.special) return specialToJson(p.special, v as Message, true, ctx) ?? null;
    return messageToJson(p.message, v as Message, ctx);
  }
  return scalarToJson(p.field.type, v);
}

/** A singular field: undefined when it is to be left out. */
function singleToJson(p: FieldPlan, v: unknown, ctx: ConvertContext): unknown {
  if (p.message) {
    if (p.special) return specialToJson(p.special, v as Message, p.keepZero, ctx);
    return messageToJson(p.message, v as Message, ctx);
  }
  const json = scalarToJson(p.field.type, v);
  if (!p.keepZero && (json === "" || json === 0 || json === false)) return undefined;
  return json;
}

interface LongLike {
  toNumber(): number;
  toString(): string;
}

function isLong(v: unknown): v is LongLike {
  return typeof v === "object" && v !== null && typeof (v as { toNumber?: unknown }).toNumber === "function";
}

function toNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (isLong(v)) return v.toNumber();
  if (typeof v === "string") return Number(v);
  return 0;
}

function toBigInt(v: unknown): bigint {
  if (typeof v === "number") return BigInt(Math.trunc(v));
  if (isLong(v)) return BigInt(v.toString());
  return 0n;
}

function scalarToJson(type: string, v: unknown): unknown {
  switch (type) {
    case "string":
      return typeof v === "string" ? v : String(v);
    case "bool":
      return v === true;
    case "bytes":
      return Buffer.from(v as Uint8Array).toString("base64");
    case "double":
    case "float":
      return typeof v === "number" ? v : Number(v);
    default:
      // int32, int64, uint32, uint64, sint*, fixed*, sfixed*
      return toNumber(v);
  }
}

function fields(msg: Message): Record<string, unknown> {
  return msg as unknown as Record<string, unknown>;
}

function specialToJson(kind: Special, msg: Message, keepZero: boolean, ctx: ConvertContext): unknown {
  const m = fields(msg);
  switch (kind) {
    case "time":
    case "microTime": {
      // An empty message is Go's zero time (metav1.Time marshals the zero time as no bytes at all).
      if (!hasOwn(m, "seconds") && !hasOwn(m, "nanos")) return undefined;
      const seconds = toNumber(m.seconds);
      const nanos = hasOwn(m, "nanos") ? toNumber(m.nanos) : 0;
      if (seconds === zeroTimeSeconds && nanos === 0) return undefined;
      return kind === "time" ? formatTime(seconds) : formatMicroTime(seconds, nanos);
    }
    case "duration":
      return formatGoDuration(hasOwn(m, "duration") ? toBigInt(m.duration) : 0n);
    case "quantity": {
      const s = hasOwn(m, "string") ? String(m.string) : "";
      return s === "" ? "0" : s;
    }
    case "intOrString": {
      const type = hasOwn(m, "type") ? toNumber(m.type) : 0;
      if (type === 1) return hasOwn(m, "strVal") ? String(m.strVal) : "";
      const n = hasOwn(m, "intVal") ? toNumber(m.intVal) : 0;
      if (n === 0 && !keepZero) return undefined;
      return n;
    }
    case "rawExtension":
      return rawJson(m.raw, ctx, "RawExtension");
    case "fieldsV1":
      return rawJson(m.Raw, ctx, "FieldsV1");
    case "stringList":
      return Array.isArray(m.items) ? m.items.map(String) : [];
  }
}

const k8sPrefix = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

function rawJson(raw: unknown, ctx: ConvertContext, what: string): unknown {
  if (!(raw instanceof Uint8Array) || raw.length === 0) return undefined;
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.length);
  if (buf.length >= 4 && buf.subarray(0, 4).equals(k8sPrefix)) return ctx.decodeNested(buf);
  try {
    return JSON.parse(buf.toString("utf8")) as unknown;
  } catch (err) {
    throw new ConversionError(`${what} does not hold JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Unix seconds of Go's zero time.Time (0001-01-01T00:00:00Z). */
export const zeroTimeSeconds = -62135596800;

function isoSeconds(seconds: number): string {
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) throw new ConversionError(`timestamp out of range: ${seconds} seconds`);
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ for years 0..9999
  return iso.slice(0, 19);
}

/** metav1.Time in JSON: RFC 3339, UTC, whole seconds (Time drops the nanoseconds, as upstream does). */
export function formatTime(seconds: number): string {
  return `${isoSeconds(seconds)}Z`;
}

/** metav1.MicroTime in JSON: RFC 3339, UTC, six fraction digits. */
export function formatMicroTime(seconds: number, nanos: number): string {
  const micros = Math.floor(nanos / 1000);
  return `${isoSeconds(seconds)}.${String(micros).padStart(6, "0")}Z`;
}

/** Go's time.Duration.String(): "1h2m3.5s", "150ms", "0s". */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return "0s";
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  const sign = neg ? "-" : "";
  const frac = (v: bigint, prec: number): [string, bigint] => {
    const scale = 10n ** BigInt(prec);
    const digits = (v % scale).toString().padStart(prec, "0").replace(/0+$/, "");
    return [digits ? `.${digits}` : "", v / scale];
  };
  if (u < 1_000_000_000n) {
    if (u < 1000n) return `${sign}${u}ns`;
    const [f, whole] = u < 1_000_000n ? frac(u, 3) : frac(u, 6);
    return `${sign}${whole}${f}${u < 1_000_000n ? "µs" : "ms"}`;
  }
  const [f, secs] = frac(u, 9);
  u = secs;
  let out = `${u % 60n}${f}s`;
  u /= 60n;
  if (u > 0n) {
    out = `${u % 60n}m${out}`;
    u /= 60n;
    if (u > 0n) out = `${u}h${out}`;
  }
  return sign + out;
}

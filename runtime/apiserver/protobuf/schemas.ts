/**
 * Field numbers of the k8s.io/api and apimachinery generated.proto messages that kubectl's typed clients send
 * (create configmap / secret / namespace / serviceaccount / service / deployment / role / rolebinding /
 * clusterrole / clusterrolebinding, scale, delete options). Keys of `schemas` are "apiVersion/Kind" for top-level
 * kinds and message names for nested ones. `keep` marks pointer fields, whose zero values are meaningful.
 */

export type Scalar = "string" | "bool" | "int32" | "int64" | "bytes" | "double";
export type FieldType = Scalar | { msg: string } | { map: Scalar | { msg: string } };

export interface FieldDef {
  name: string;
  type: FieldType;
  repeated?: boolean;
  /** A pointer field in Go: present on the wire only when set, so a zero value is kept. */
  keep?: boolean;
  /** An embedded struct (`json:",inline"`): its fields belong to the parent object in JSON. */
  inline?: boolean;
}

export type MessageDef = Record<number, FieldDef>;

const s = (name: string, keep = false): FieldDef => ({ name, type: "string", ...(keep ? { keep } : {}) });
const b = (name: string, keep = false): FieldDef => ({ name, type: "bool", ...(keep ? { keep } : {}) });
const i32 = (name: string, keep = false): FieldDef => ({ name, type: "int32", ...(keep ? { keep } : {}) });
const i64 = (name: string, keep = false): FieldDef => ({ name, type: "int64", ...(keep ? { keep } : {}) });
const m = (name: string, msg: string, keep = false): FieldDef => ({ name, type: { msg }, ...(keep ? { keep } : {}) });
const rs = (name: string): FieldDef => ({ name, type: "string", repeated: true });
const rm = (name: string, msg: string): FieldDef => ({ name, type: { msg }, repeated: true });
const ms = (name: string): FieldDef => ({ name, type: { map: "string" } });
const mb = (name: string): FieldDef => ({ name, type: { map: "bytes" } });
const mq = (name: string): FieldDef => ({ name, type: { map: { msg: "Quantity" } } });
const inline = (msg: string): FieldDef => ({ name: msg, type: { msg }, inline: true });

/** metadata, spec, status */
const obj = (spec: string, status: string): MessageDef => ({ 1: m("metadata", "ObjectMeta"), 2: m("spec", spec), 3: m("status", status) });

export const schemas: Record<string, MessageDef> = {
  // ---- k8s.io/apimachinery/pkg/apis/meta/v1 ----
  ObjectMeta: {
    1: s("name"),
    2: s("generateName"),
    3: s("namespace"),
    4: s("selfLink"),
    5: s("uid"),
    6: s("resourceVersion"),
    7: i64("generation"),
    8: m("creationTimestamp", "Time"),
    9: m("deletionTimestamp", "Time"),
    10: i64("deletionGracePeriodSeconds", true),
    11: ms("labels"),
    12: ms("annotations"),
    13: rm("ownerReferences", "OwnerReference"),
    14: rs("finalizers"),
    17: rm("managedFields", "ManagedFieldsEntry"),
  },
  OwnerReference: { 1: s("kind"), 3: s("name"), 4: s("uid"), 5: s("apiVersion"), 6: b("controller", true), 7: b("blockOwnerDeletion", true) },
  ManagedFieldsEntry: { 1: s("manager"), 2: s("operation"), 3: s("apiVersion"), 4: m("time", "Time"), 6: s("fieldsType"), 7: m("fieldsV1", "FieldsV1"), 8: s("subresource") },
  LabelSelector: { 1: ms("matchLabels"), 2: rm("matchExpressions", "LabelSelectorRequirement") },
  LabelSelectorRequirement: { 1: s("key"), 2: s("operator"), 3: rs("values") },
  Preconditions: { 1: s("uid", true), 2: s("resourceVersion", true) },
  "meta/DeleteOptions": {
    1: i64("gracePeriodSeconds", true),
    2: m("preconditions", "Preconditions"),
    3: b("orphanDependents", true),
    4: s("propagationPolicy", true),
    5: rs("dryRun"),
    6: b("ignoreStoreReadErrorWithClusterBreakingPotential", true),
  },

  // ---- core/v1 ----
  "v1/ConfigMap": { 1: m("metadata", "ObjectMeta"), 2: ms("data"), 3: mb("binaryData"), 4: b("immutable", true) },
  "v1/Secret": { 1: m("metadata", "ObjectMeta"), 2: mb("data"), 3: s("type"), 4: ms("stringData"), 5: b("immutable", true) },
  "v1/Namespace": obj("NamespaceSpec", "NamespaceStatus"),
  NamespaceSpec: { 1: rs("finalizers") },
  NamespaceStatus: { 1: s("phase"), 2: rm("conditions", "NamespaceCondition") },
  NamespaceCondition: { 1: s("type"), 2: s("status"), 4: m("lastTransitionTime", "Time"), 5: s("reason"), 6: s("message") },
  "v1/ServiceAccount": { 1: m("metadata", "ObjectMeta"), 2: rm("secrets", "ObjectReference"), 3: rm("imagePullSecrets", "LocalObjectReference"), 4: b("automountServiceAccountToken", true) },
  ObjectReference: { 1: s("kind"), 2: s("namespace"), 3: s("name"), 4: s("uid"), 5: s("apiVersion"), 6: s("resourceVersion"), 7: s("fieldPath") },
  LocalObjectReference: { 1: s("name") },
  "v1/Service": obj("ServiceSpec", "ServiceStatus"),
  ServiceSpec: {
    1: rm("ports", "ServicePort"),
    2: ms("selector"),
    3: s("clusterIP"),
    4: s("type"),
    5: rs("externalIPs"),
    7: s("sessionAffinity"),
    8: s("loadBalancerIP"),
    9: rs("loadBalancerSourceRanges"),
    10: s("externalName"),
    11: s("externalTrafficPolicy"),
    12: i32("healthCheckNodePort"),
    13: b("publishNotReadyAddresses"),
    14: m("sessionAffinityConfig", "SessionAffinityConfig"),
    17: s("ipFamilyPolicy", true),
    18: rs("clusterIPs"),
    19: rs("ipFamilies"),
    20: b("allocateLoadBalancerNodePorts", true),
    21: s("loadBalancerClass", true),
    22: s("internalTrafficPolicy", true),
    23: s("trafficDistribution", true),
  },
  ServicePort: { 1: s("name"), 2: s("protocol"), 3: i32("port", true), 4: m("targetPort", "IntOrString"), 5: i32("nodePort"), 6: s("appProtocol", true) },
  SessionAffinityConfig: { 1: m("clientIP", "ClientIPConfig") },
  ClientIPConfig: { 1: i32("timeoutSeconds", true) },
  ServiceStatus: { 1: m("loadBalancer", "LoadBalancerStatus") },
  LoadBalancerStatus: {},
  PodTemplateSpec: { 1: m("metadata", "ObjectMeta"), 2: m("spec", "PodSpec") },
  PodSpec: {
    1: rm("volumes", "Volume"),
    2: rm("containers", "Container"),
    3: s("restartPolicy"),
    4: i64("terminationGracePeriodSeconds", true),
    5: i64("activeDeadlineSeconds", true),
    6: s("dnsPolicy"),
    7: ms("nodeSelector"),
    8: s("serviceAccountName"),
    9: s("serviceAccount"),
    10: s("nodeName"),
    11: b("hostNetwork"),
    12: b("hostPID"),
    13: b("hostIPC"),
    14: m("securityContext", "PodSecurityContext"),
    15: rm("imagePullSecrets", "LocalObjectReference"),
    16: s("hostname"),
    17: s("subdomain"),
    19: s("schedulerName"),
    20: rm("initContainers", "Container"),
    21: b("automountServiceAccountToken", true),
    22: rm("tolerations", "Toleration"),
    24: s("priorityClassName"),
    25: i32("priority", true),
    27: b("shareProcessNamespace", true),
    29: s("runtimeClassName", true),
    30: b("enableServiceLinks", true),
    31: s("preemptionPolicy", true),
    35: b("setHostnameAsFQDN", true),
    37: b("hostUsers", true),
  },
  PodSecurityContext: { 1: m("seLinuxOptions", "SELinuxOptions"), 2: i64("runAsUser", true), 3: b("runAsNonRoot", true), 4: { name: "supplementalGroups", type: "int64", repeated: true }, 5: i64("fsGroup", true), 6: i64("runAsGroup", true) },
  SELinuxOptions: { 1: s("user"), 2: s("role"), 3: s("type"), 4: s("level") },
  Volume: { 1: s("name"), 2: inline("VolumeSource") },
  VolumeSource: {},
  Container: {
    1: s("name"),
    2: s("image"),
    3: rs("command"),
    4: rs("args"),
    5: s("workingDir"),
    6: rm("ports", "ContainerPort"),
    7: rm("env", "EnvVar"),
    8: m("resources", "ResourceRequirements"),
    9: rm("volumeMounts", "VolumeMount"),
    13: s("terminationMessagePath"),
    14: s("imagePullPolicy"),
    16: b("stdin"),
    17: b("stdinOnce"),
    18: b("tty"),
    19: rm("envFrom", "EnvFromSource"),
    20: s("terminationMessagePolicy"),
    24: s("restartPolicy", true),
  },
  ContainerPort: { 1: s("name"), 2: i32("hostPort"), 3: i32("containerPort", true), 4: s("protocol"), 5: s("hostIP") },
  EnvVar: { 1: s("name"), 2: s("value"), 3: m("valueFrom", "EnvVarSource") },
  EnvVarSource: { 1: m("fieldRef", "ObjectFieldSelector"), 2: m("resourceFieldRef", "ResourceFieldSelector"), 3: m("configMapKeyRef", "ConfigMapKeySelector"), 4: m("secretKeyRef", "SecretKeySelector") },
  ObjectFieldSelector: { 1: s("apiVersion"), 2: s("fieldPath") },
  ResourceFieldSelector: { 1: s("containerName"), 2: s("resource"), 3: m("divisor", "Quantity") },
  ConfigMapKeySelector: { 1: inline("LocalObjectReference"), 2: s("key"), 3: b("optional", true) },
  SecretKeySelector: { 1: inline("LocalObjectReference"), 2: s("key"), 3: b("optional", true) },
  EnvFromSource: { 1: s("prefix"), 2: m("configMapRef", "ConfigMapEnvSource"), 3: m("secretRef", "SecretEnvSource") },
  ConfigMapEnvSource: { 1: inline("LocalObjectReference"), 2: b("optional", true) },
  SecretEnvSource: { 1: inline("LocalObjectReference"), 2: b("optional", true) },
  ResourceRequirements: { 1: mq("limits"), 2: mq("requests") },
  VolumeMount: { 1: s("name"), 2: b("readOnly"), 3: s("mountPath"), 4: s("subPath"), 5: s("mountPropagation", true), 6: s("subPathExpr") },
  Toleration: { 1: s("key"), 2: s("operator"), 3: s("value"), 4: s("effect"), 5: i64("tolerationSeconds", true) },

  // ---- apps/v1 ----
  "apps/v1/Deployment": obj("DeploymentSpec", "DeploymentStatus"),
  DeploymentSpec: {
    1: i32("replicas", true),
    2: m("selector", "LabelSelector"),
    3: m("template", "PodTemplateSpec"),
    4: m("strategy", "DeploymentStrategy"),
    5: i32("minReadySeconds"),
    6: i32("revisionHistoryLimit", true),
    7: b("paused"),
    9: i32("progressDeadlineSeconds", true),
  },
  DeploymentStrategy: { 1: s("type"), 2: m("rollingUpdate", "RollingUpdateDeployment") },
  RollingUpdateDeployment: { 1: m("maxUnavailable", "IntOrString", true), 2: m("maxSurge", "IntOrString", true) },
  DeploymentStatus: {
    1: i64("observedGeneration"),
    2: i32("replicas"),
    3: i32("updatedReplicas"),
    4: i32("availableReplicas"),
    5: i32("unavailableReplicas"),
    7: i32("readyReplicas"),
    8: i32("collisionCount", true),
    9: i32("terminatingReplicas", true),
  },

  // ---- autoscaling/v1 (the scale subresource) ----
  "autoscaling/v1/Scale": obj("ScaleSpec", "ScaleStatus"),
  ScaleSpec: { 1: i32("replicas") },
  ScaleStatus: { 1: i32("replicas", true), 2: s("selector") },

  // ---- rbac.authorization.k8s.io/v1 ----
  "rbac.authorization.k8s.io/v1/Role": { 1: m("metadata", "ObjectMeta"), 2: rm("rules", "PolicyRule") },
  "rbac.authorization.k8s.io/v1/ClusterRole": { 1: m("metadata", "ObjectMeta"), 2: rm("rules", "PolicyRule"), 3: m("aggregationRule", "AggregationRule") },
  "rbac.authorization.k8s.io/v1/RoleBinding": { 1: m("metadata", "ObjectMeta"), 2: rm("subjects", "Subject"), 3: m("roleRef", "RoleRef") },
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": { 1: m("metadata", "ObjectMeta"), 2: rm("subjects", "Subject"), 3: m("roleRef", "RoleRef") },
  PolicyRule: { 1: rs("verbs"), 2: rs("apiGroups"), 3: rs("resources"), 4: rs("resourceNames"), 5: rs("nonResourceURLs") },
  AggregationRule: { 1: rm("clusterRoleSelectors", "LabelSelector") },
  Subject: { 1: s("kind"), 2: s("apiGroup"), 3: s("name"), 4: s("namespace") },
  RoleRef: { 1: s("apiGroup"), 2: s("kind"), 3: s("name") },
};

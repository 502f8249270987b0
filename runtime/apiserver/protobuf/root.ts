/**
 * The protobuf schema registry behind decodeKubernetesProtobuf: protobufjs and the trimmed Kubernetes
 * schemas are loaded on first use only (loading protobufjs and parsing the schemas costs tens of
 * milliseconds, which a server that never sees a protobuf body should not pay at start-up).
 */
import { createRequire } from "node:module";
import type { Root, Type } from "protobufjs";
import { intstrProto, metaV1Proto, resourceProto, runtimeProto } from "./schema/apimachinery.js";
import { coreV1Proto } from "./schema/core.js";
import { authenticationV1Proto, authenticationV1beta1Proto, authorizationV1Proto } from "./schema/auth.js";
import { appsV1Proto, autoscalingV1Proto, coordinationV1Proto, eventsV1Proto, rbacV1Proto } from "./schema/groups.js";

export type ProtobufModule = typeof import("protobufjs");

const requireCjs = createRequire(import.meta.url);

export const metaPkg = "k8s.io.apimachinery.pkg.apis.meta.v1";
export const runtimePkg = "k8s.io.apimachinery.pkg.runtime";
export const intstrPkg = "k8s.io.apimachinery.pkg.util.intstr";
export const resourcePkg = "k8s.io.apimachinery.pkg.api.resource";

const core = "k8s.io.api.core.v1";
const apps = "k8s.io.api.apps.v1";

/** apiVersion → kind → protobuf message (fully qualified, no leading dot). */
const kindTable: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  v1: Object.fromEntries(
    [
      "Namespace",
      "Pod",
      "Service",
      "Endpoints",
      "ConfigMap",
      "Secret",
      "ServiceAccount",
      "Event",
      "Node",
      "PersistentVolumeClaim",
      "PersistentVolume",
      "Binding",
      "ResourceQuota",
      "LimitRange",
      "ReplicationController",
      "PodTemplate",
    ].map((k) => [k, `${core}.${k}`]),
  ),
  "apps/v1": Object.fromEntries(["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ControllerRevision"].map((k) => [k, `${apps}.${k}`])),
  "autoscaling/v1": { Scale: "k8s.io.api.autoscaling.v1.Scale" },
  "coordination.k8s.io/v1": { Lease: "k8s.io.api.coordination.v1.Lease" },
  "events.k8s.io/v1": { Event: "k8s.io.api.events.v1.Event" },
  "authentication.k8s.io/v1": Object.fromEntries(["TokenRequest", "TokenReview", "SelfSubjectReview"].map((k) => [k, `k8s.io.api.authentication.v1.${k}`])),
  "authentication.k8s.io/v1beta1": { SelfSubjectReview: "k8s.io.api.authentication.v1beta1.SelfSubjectReview" },
  "authorization.k8s.io/v1": Object.fromEntries(
    ["SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview"].map((k) => [k, `k8s.io.api.authorization.v1.${k}`]),
  ),
  "rbac.authorization.k8s.io/v1": Object.fromEntries(
    ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"].map((k) => [k, `k8s.io.api.rbac.v1.${k}`]),
  ),
};

/** Kinds registered in every group version (as upstream's AddToGroupVersion does), decoded whatever the apiVersion. */
const everyVersionKinds: Readonly<Record<string, string>> = { DeleteOptions: `${metaPkg}.DeleteOptions` };

export interface Schemas {
  protobuf: ProtobufModule;
  root: Root;
  unknown: Type;
}

let cached: Schemas | undefined;

/** Loads protobufjs and parses the schemas once; later calls return the cached registry. */
export function schemas(): Schemas {
  if (cached) return cached;
  const protobuf = requireCjs("protobufjs") as ProtobufModule;
  const root = new protobuf.Root();
  for (const source of [
    metaV1Proto,
    runtimeProto,
    intstrProto,
    resourceProto,
    coreV1Proto,
    appsV1Proto,
    autoscalingV1Proto,
    coordinationV1Proto,
    eventsV1Proto,
    rbacV1Proto,
    authenticationV1Proto,
    authenticationV1beta1Proto,
    authorizationV1Proto,
  ]) {
    protobuf.parse(source, root, { keepCase: true });
  }
  root.resolveAll();
  cached = { protobuf, root, unknown: root.lookupType(`${runtimePkg}.Unknown`) };
  return cached;
}

/** The message type of a kind, or undefined when kubeforge has no protobuf schema for it. */
export function messageTypeFor(apiVersion: string, kind: string): Type | undefined {
  const name = kindTable[apiVersion]?.[kind] ?? (apiVersion ? everyVersionKinds[kind] : undefined);
  return name ? schemas().root.lookupType(name) : undefined;
}

/** Every apiVersion/kind pair the decoder knows (DeleteOptions listed once, as meta.k8s.io/v1). */
export function protobufKinds(): Array<{ apiVersion: string; kind: string }> {
  const out: Array<{ apiVersion: string; kind: string }> = [];
  for (const [apiVersion, kinds] of Object.entries(kindTable)) for (const kind of Object.keys(kinds)) out.push({ apiVersion, kind });
  for (const kind of Object.keys(everyVersionKinds)) out.push({ apiVersion: "meta.k8s.io/v1", kind });
  return out;
}

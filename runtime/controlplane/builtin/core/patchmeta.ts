/**
 * Strategic-merge-patch metadata for core/v1 types, from the `patchStrategy` / `patchMergeKey` struct tags in
 * k8s.io/api/core/v1/types.go (and metav1.ObjectMeta). Fields not listed merge as objects / replace as lists.
 */
import type { PatchMeta } from "../../../apiserver/patch/meta.js";

const mergeBy = (mergeKey: string, items?: PatchMeta): PatchMeta => (items ? { strategy: "merge", mergeKey, items } : { strategy: "merge", mergeKey });

/** metav1.ObjectMeta: finalizers merge as a set, ownerReferences merge by uid. */
export const objectMetaPatchMeta: PatchMeta = {
  fields: {
    finalizers: { strategy: "merge" },
    ownerReferences: mergeBy("uid"),
  },
};

/** core/v1 Container (and EphemeralContainer): ports by containerPort, env by name, mounts by path. */
export const containerPatchMeta: PatchMeta = {
  fields: {
    ports: mergeBy("containerPort"),
    env: mergeBy("name"),
    volumeMounts: mergeBy("mountPath"),
    volumeDevices: mergeBy("devicePath"),
  },
};

/** core/v1 PodSpec. */
export const podSpecPatchMeta: PatchMeta = {
  fields: {
    volumes: { strategy: "merge,retainKeys", mergeKey: "name" },
    initContainers: mergeBy("name", containerPatchMeta),
    containers: mergeBy("name", containerPatchMeta),
    ephemeralContainers: mergeBy("name", containerPatchMeta),
    imagePullSecrets: mergeBy("name"),
    hostAliases: mergeBy("ip"),
    topologySpreadConstraints: mergeBy("topologyKey"),
    resourceClaims: { strategy: "merge,retainKeys", mergeKey: "name" },
    schedulingGates: mergeBy("name"),
  },
};

/** core/v1 PodTemplateSpec (metadata + spec): reused by the apps kinds. */
export const podTemplateSpecPatchMeta: PatchMeta = {
  fields: { metadata: objectMetaPatchMeta, spec: podSpecPatchMeta },
};

/** core/v1 PodStatus. */
export const podStatusPatchMeta: PatchMeta = {
  fields: {
    conditions: mergeBy("type"),
    podIPs: mergeBy("ip"),
    hostIPs: mergeBy("ip"),
    resourceClaimStatuses: { strategy: "merge,retainKeys", mergeKey: "name" },
  },
};

/** A top-level object with metadata plus the given fields. */
export function objectPatchMeta(fields: Record<string, PatchMeta> = {}): PatchMeta {
  return { fields: { metadata: objectMetaPatchMeta, ...fields } };
}

export const podPatchMeta: PatchMeta = objectPatchMeta({ spec: podSpecPatchMeta, status: podStatusPatchMeta });

export const podTemplatePatchMeta: PatchMeta = objectPatchMeta({ template: podTemplateSpecPatchMeta });

const conditionsByType: PatchMeta = { fields: { conditions: mergeBy("type") } };

export const servicePatchMeta: PatchMeta = objectPatchMeta({
  spec: { fields: { ports: mergeBy("port") } },
  status: conditionsByType,
});

export const nodePatchMeta: PatchMeta = objectPatchMeta({
  spec: { fields: { podCIDRs: { strategy: "merge" } } },
  status: { fields: { conditions: mergeBy("type"), addresses: mergeBy("type") } },
});

export const namespacePatchMeta: PatchMeta = objectPatchMeta({ status: conditionsByType });

export const serviceAccountPatchMeta: PatchMeta = objectPatchMeta({ secrets: mergeBy("name") });

export const persistentVolumeClaimPatchMeta: PatchMeta = objectPatchMeta({ status: conditionsByType });

/** Kinds without list merge keys beyond ObjectMeta's (ConfigMap, Secret, Endpoints, Event, PersistentVolume). */
export const plainObjectPatchMeta: PatchMeta = objectPatchMeta();

/**
 * Strategic-merge-patch metadata for apps/v1 (k8s.io/api/apps/v1 struct tags): pod templates as core/v1,
 * DeploymentSpec.strategy retainKeys, status conditions merged by type, StatefulSet volumeClaimTemplates replaced.
 */
import type { PatchMeta } from "../../../apiserver/patch/meta.js";
import { objectMetaPatchMeta, podTemplateSpecPatchMeta } from "../common/podtemplate.js";

const conditionsByType: PatchMeta = { strategy: "merge", mergeKey: "type" };
const statusPatchMeta: PatchMeta = { fields: { conditions: conditionsByType } };

function workloadPatchMeta(specFields: Record<string, PatchMeta> = {}): PatchMeta {
  return {
    fields: {
      metadata: objectMetaPatchMeta,
      spec: { fields: { template: podTemplateSpecPatchMeta, ...specFields } },
      status: statusPatchMeta,
    },
  };
}

export const deploymentPatchMeta: PatchMeta = workloadPatchMeta({ strategy: { strategy: "retainKeys" } });
export const replicaSetPatchMeta: PatchMeta = workloadPatchMeta();
export const statefulSetPatchMeta: PatchMeta = workloadPatchMeta({ volumeClaimTemplates: { strategy: "replace" } });
export const daemonSetPatchMeta: PatchMeta = workloadPatchMeta();

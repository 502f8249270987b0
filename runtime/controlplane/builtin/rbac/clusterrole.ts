/**
 * rbac.authorization.k8s.io/v1 ClusterRole (pkg/registry/rbac/clusterrole). The aggregationRule is stored as
 * given; filling `rules` from aggregated roles is the clusterrole-aggregation controller's job.
 */
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import { nameIsPathSegment } from "../../../core/validation.js";
import { rbacPatchMeta } from "./patchmeta.js";
import { defaultTable } from "./tables.js";
import { rbacGroupName, validateClusterRole } from "./validation.js";

export const clusterRoleResource: ResourceDefinition = {
  group: rbacGroupName,
  version: "v1",
  names: { plural: "clusterroles", singular: "clusterrole", kind: "ClusterRole", listKind: "ClusterRoleList" },
  namespaced: false,
  nameValidator: nameIsPathSegment,
  strategy: {
    validate: (obj) => validateClusterRole(obj),
    validateUpdate: (obj) => validateClusterRole(obj),
  },
  table: defaultTable,
  patchMeta: rbacPatchMeta,
};

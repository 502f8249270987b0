/** rbac.authorization.k8s.io/v1 ClusterRoleBinding (pkg/registry/rbac/clusterrolebinding). */
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import { nameIsPathSegment } from "../../../core/validation.js";
import { rbacPatchMeta } from "./patchmeta.js";
import { clusterRoleBindingTable } from "./tables.js";
import { defaultRoleRef, defaultSubjects, rbacGroupName, validateClusterRoleBinding, validateRoleRefUnchanged } from "./validation.js";

export const clusterRoleBindingResource: ResourceDefinition = {
  group: rbacGroupName,
  version: "v1",
  names: { plural: "clusterrolebindings", singular: "clusterrolebinding", kind: "ClusterRoleBinding", listKind: "ClusterRoleBindingList" },
  namespaced: false,
  nameValidator: nameIsPathSegment,
  strategy: {
    default(obj) {
      defaultRoleRef(obj);
      defaultSubjects(obj);
    },
    validate: (obj) => validateClusterRoleBinding(obj),
    validateUpdate: (obj, old) => [...validateClusterRoleBinding(obj), ...validateRoleRefUnchanged(obj, old)],
  },
  table: clusterRoleBindingTable,
  patchMeta: rbacPatchMeta,
};

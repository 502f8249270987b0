/** rbac.authorization.k8s.io/v1 RoleBinding (pkg/registry/rbac/rolebinding). */
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import { nameIsPathSegment } from "../../../core/validation.js";
import { rbacPatchMeta } from "./patchmeta.js";
import { roleBindingTable } from "./tables.js";
import { defaultRoleRef, defaultSubjects, rbacGroupName, validateRoleBinding, validateRoleRefUnchanged } from "./validation.js";

export const roleBindingResource: ResourceDefinition = {
  group: rbacGroupName,
  version: "v1",
  names: { plural: "rolebindings", singular: "rolebinding", kind: "RoleBinding", listKind: "RoleBindingList" },
  namespaced: true,
  nameValidator: nameIsPathSegment,
  strategy: {
    default(obj) {
      defaultRoleRef(obj);
      defaultSubjects(obj);
    },
    validate: (obj) => validateRoleBinding(obj),
    validateUpdate: (obj, old) => [...validateRoleBinding(obj), ...validateRoleRefUnchanged(obj, old)],
  },
  table: roleBindingTable,
  patchMeta: rbacPatchMeta,
};

/** rbac.authorization.k8s.io/v1 Role (pkg/registry/rbac/role). Escalation checks run as admission (controlplane/auth/rbac/escalation.ts). */
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import { nameIsPathSegment } from "../../../core/validation.js";
import { rbacPatchMeta } from "./patchmeta.js";
import { defaultTable } from "./tables.js";
import { rbacGroupName, validateRole } from "./validation.js";

export const roleResource: ResourceDefinition = {
  group: rbacGroupName,
  version: "v1",
  names: { plural: "roles", singular: "role", kind: "Role", listKind: "RoleList" },
  namespaced: true,
  nameValidator: nameIsPathSegment,
  strategy: {
    validate: (obj) => validateRole(obj),
    validateUpdate: (obj) => validateRole(obj),
  },
  table: defaultTable,
  patchMeta: rbacPatchMeta,
};

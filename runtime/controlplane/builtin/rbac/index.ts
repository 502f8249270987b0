/** rbac.authorization.k8s.io/v1 built-in resources. */
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import { clusterRoleResource } from "./clusterrole.js";
import { clusterRoleBindingResource } from "./clusterrolebinding.js";
import { roleResource } from "./role.js";
import { roleBindingResource } from "./rolebinding.js";

export { clusterRoleResource } from "./clusterrole.js";
export { clusterRoleBindingResource } from "./clusterrolebinding.js";
export { roleResource } from "./role.js";
export { roleBindingResource } from "./rolebinding.js";
export * from "./validation.js";
export { defaultTable as rbacDefaultTable, subjectsStrings } from "./tables.js";

export const rbacResources: readonly ResourceDefinition[] = [roleResource, clusterRoleResource, roleBindingResource, clusterRoleBindingResource];

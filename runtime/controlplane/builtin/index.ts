/** Every built-in resource the local control plane serves, in discovery order. */
import type { ResourceDefinition } from "../../apiserver/resource.js";
import { admissionRegistrationResources } from "./admissionregistration/index.js";
import { apiextensionsResources } from "./apiextensions/index.js";
import { apiRegistrationResources } from "./apiregistration/index.js";
import { appsResources } from "./apps/index.js";
import { coordinationResources } from "./coordination/index.js";
import { createCoreResources, ServiceAllocator } from "./core/index.js";
import { eventsResources } from "./events/index.js";
import { rbacResources } from "./rbac/index.js";

/** A fresh set per control plane (each has its own Service IP and port allocations). */
export function builtinResources(alloc: ServiceAllocator = new ServiceAllocator()): readonly ResourceDefinition[] {
  return [...createCoreResources(alloc), ...appsResources, ...eventsResources, ...rbacResources, ...coordinationResources, ...admissionRegistrationResources, ...apiextensionsResources, ...apiRegistrationResources];
}

export { ServiceAllocator };
/** The create-only review APIs; they need the control plane's authenticator and authorizer (wired by controlplane/auth). */
export { authenticationResources } from "./authentication/index.js";
export { authorizationResources } from "./authorization/index.js";

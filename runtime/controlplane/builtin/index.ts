/** Every built-in resource the local control plane serves, in discovery order. */
import type { ResourceDefinition } from "../../apiserver/resource.js";
import { apiextensionsResources } from "./apiextensions/index.js";
import { appsResources } from "./apps/index.js";
import { coordinationResources } from "./coordination/index.js";
import { createCoreResources, ServiceAllocator } from "./core/index.js";
import { eventsResources } from "./events/index.js";
import { rbacResources } from "./rbac/index.js";

/** A fresh set per control plane (each has its own Service IP and port allocations). */
export function builtinResources(alloc: ServiceAllocator = new ServiceAllocator()): readonly ResourceDefinition[] {
  return [...createCoreResources(alloc), ...appsResources, ...eventsResources, ...rbacResources, ...coordinationResources, ...apiextensionsResources];
}

export { ServiceAllocator };

/** The core/v1 ("" group) resources the local control plane serves. */
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import { configmaps } from "./configmaps.js";
import { endpoints } from "./endpoints.js";
import { events } from "./events.js";
import { namespaces } from "./namespaces.js";
import { nodes } from "./nodes.js";
import { persistentvolumeclaims } from "./persistentvolumeclaims.js";
import { persistentvolumes } from "./persistentvolumes.js";
import { pods } from "./pods.js";
import { secrets } from "./secrets.js";
import { serviceaccounts } from "./serviceaccounts.js";
import { createServicesResource, defaultServiceAllocator, repairServiceAllocations, services } from "./services.js";
import { ServiceAllocator, type ServiceAllocatorOptions } from "./services.alloc.js";

export { ServiceAllocator, defaultServiceAllocator, repairServiceAllocations };
export type { ServiceAllocatorOptions };

/** core/v1 resources sharing the process-wide Service allocator. */
export const coreResources: readonly ResourceDefinition[] = [
  pods,
  services,
  endpoints,
  namespaces,
  nodes,
  configmaps,
  secrets,
  serviceaccounts,
  events,
  persistentvolumeclaims,
  persistentvolumes,
];

/**
 * core/v1 resources with their own Service allocator (one per control plane), e.g.
 * `createCoreResources(new ServiceAllocator({ serviceCIDR: "10.0.0.0/16" }))`.
 */
export function createCoreResources(alloc: ServiceAllocator = new ServiceAllocator()): readonly ResourceDefinition[] {
  return coreResources.map((r) => (r === services ? createServicesResource(alloc) : r));
}

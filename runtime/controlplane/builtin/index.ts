/** Every built-in resource the local control plane serves, in discovery order. */
import type { ResourceDefinition } from "../../apiserver/resource.js";
import { appsResources } from "./apps/index.js";
import { coordinationResources } from "./coordination/index.js";
import { coreResources } from "./core/index.js";
import { eventsResources } from "./events/index.js";
import { rbacResources } from "./rbac/index.js";

export function builtinResources(): readonly ResourceDefinition[] {
  return [...coreResources, ...appsResources, ...eventsResources, ...rbacResources, ...coordinationResources];
}

/** coordination.k8s.io/v1 built-in resources. */
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import { leaseResource } from "./lease.js";

export { leaseResource, leaseTable, validateLeaseSpec } from "./lease.js";

export const coordinationResources: readonly ResourceDefinition[] = [leaseResource];

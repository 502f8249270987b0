/**
 * Discovery priorities of the group-versions kube-apiserver serves itself (the `apiVersionPriorities` table its
 * aggregator registers local APIServices with), of custom resource groups (1000 / 100, as the CRD registration
 * controller gives them) and of apiregistration.k8s.io, which the aggregator always lists first.
 */

export interface Priority {
  group: number;
  version: number;
}

/** Upstream's table (kube-apiserver's aggregator.go), for every built-in group-version it knows. */
const builtinPriorities: Record<string, Priority> = {
  "/v1": { group: 18000, version: 1 },
  "apps/v1": { group: 17800, version: 15 },
  "events.k8s.io/v1": { group: 17750, version: 15 },
  "events.k8s.io/v1beta1": { group: 17750, version: 5 },
  "authentication.k8s.io/v1": { group: 17700, version: 15 },
  "authentication.k8s.io/v1beta1": { group: 17700, version: 9 },
  "authentication.k8s.io/v1alpha1": { group: 17700, version: 1 },
  "authorization.k8s.io/v1": { group: 17600, version: 15 },
  "autoscaling/v1": { group: 17500, version: 15 },
  "autoscaling/v2": { group: 17500, version: 30 },
  "autoscaling/v2beta1": { group: 17500, version: 9 },
  "autoscaling/v2beta2": { group: 17500, version: 1 },
  "batch/v1": { group: 17400, version: 15 },
  "batch/v1beta1": { group: 17400, version: 9 },
  "certificates.k8s.io/v1": { group: 17300, version: 15 },
  "certificates.k8s.io/v1beta1": { group: 17300, version: 9 },
  "certificates.k8s.io/v1alpha1": { group: 17300, version: 1 },
  "networking.k8s.io/v1": { group: 17200, version: 15 },
  "networking.k8s.io/v1beta1": { group: 17200, version: 9 },
  "networking.k8s.io/v1alpha1": { group: 17200, version: 1 },
  "policy/v1": { group: 17100, version: 15 },
  "rbac.authorization.k8s.io/v1": { group: 17000, version: 15 },
  "storage.k8s.io/v1": { group: 16800, version: 15 },
  "storage.k8s.io/v1beta1": { group: 16800, version: 9 },
  "storage.k8s.io/v1alpha1": { group: 16800, version: 1 },
  "apiextensions.k8s.io/v1": { group: 16700, version: 15 },
  "admissionregistration.k8s.io/v1": { group: 16700, version: 15 },
  "admissionregistration.k8s.io/v1beta1": { group: 16700, version: 12 },
  "admissionregistration.k8s.io/v1alpha1": { group: 16700, version: 9 },
  "scheduling.k8s.io/v1": { group: 16600, version: 15 },
  "coordination.k8s.io/v1": { group: 16500, version: 15 },
  "coordination.k8s.io/v1beta1": { group: 16500, version: 13 },
  "coordination.k8s.io/v1alpha2": { group: 16500, version: 12 },
  "node.k8s.io/v1": { group: 16300, version: 15 },
  "discovery.k8s.io/v1": { group: 16200, version: 15 },
  "flowcontrol.apiserver.k8s.io/v1": { group: 16100, version: 21 },
  "flowcontrol.apiserver.k8s.io/v1beta3": { group: 16100, version: 18 },
  "internal.apiserver.k8s.io/v1alpha1": { group: 16000, version: 9 },
  "resource.k8s.io/v1beta1": { group: 15900, version: 9 },
  "storagemigration.k8s.io/v1alpha1": { group: 15800, version: 9 },
};

/** The aggregator's own group: above every APIService (whose maximum is 20000). */
export const apiRegistrationPriority: Priority = { group: 20001, version: 0 };

/** CRD groups: "relatively low priority"; versions then sort kube-aware. */
export const customResourcePriority: Priority = { group: 1000, version: 100 };

/** What the aggregated-discovery manager assumes for a group-version nobody gave a priority. */
export const defaultPriority: Priority = { group: 1000, version: 15 };

/** The table's priority of a built-in group-version; undefined when upstream registers no APIService for it. */
export function builtinPriority(group: string, version: string): Priority | undefined {
  return builtinPriorities[`${group}/${version}`];
}

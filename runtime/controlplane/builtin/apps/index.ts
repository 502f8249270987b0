/** apps/v1 built-in resources. */
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import { daemonSetResource } from "./daemonset.js";
import { deploymentResource } from "./deployment.js";
import { replicaSetResource } from "./replicaset.js";
import { statefulSetResource } from "./statefulset.js";

export { daemonSetResource, defaultDaemonSet, templateGenerationAnnotation, validateDaemonSetStatusUpdate } from "./daemonset.js";
export { defaultDeployment, deploymentResource, validateDeploymentStatusUpdate } from "./deployment.js";
export { defaultReplicaSet, replicaSetResource, validateReplicaSetStatusUpdate } from "./replicaset.js";
export { defaultStatefulSet, statefulSetResource, validateStatefulSetStatusUpdate } from "./statefulset.js";
export { daemonSetTable, deploymentTable, replicaSetTable, statefulSetTable } from "./tables.js";

export const appsResources: readonly ResourceDefinition[] = [deploymentResource, replicaSetResource, statefulSetResource, daemonSetResource];

/**
 * The kinds this project's aggregated API server serves (src/apiserver/main.ts and its tests read this list);
 * "kubeforge create api --aggregated" adds each new kind here.
 */
import type { ResourceDefinition } from "kubeforge/apiserver";
// +kubebuilder:scaffold:imports

export const resources: ResourceDefinition[] = [
  // +kubebuilder:scaffold:resources
];

import type { Int32 } from "../../../../../../runtime/api/types.js";

/** A TCP or UDP port. */
// +kubebuilder:validation:Minimum=1
// +kubebuilder:validation:Maximum=65535
export type Port = Int32;

/** How the frontend is exposed. */
export type ServiceType = "ClusterIP" | "NodePort" | "LoadBalancer";

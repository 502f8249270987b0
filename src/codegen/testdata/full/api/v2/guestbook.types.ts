import type { Int32, ObjectMeta } from "../../../../../../runtime/api/types.js";
import type { Source } from "./source.js";

export interface GuestbookSpec {
  /** +kubebuilder:validation:Minimum=0 */
  size: Int32;
  source?: Source;
}

/**
 * Guestbook (v2).
 * +kubebuilder:object:root=true
 * +kubebuilder:storageversion
 * +kubebuilder:subresource:status
 */
export interface Guestbook {
  apiVersion: "webapp.example.com/v2";
  kind: "Guestbook";
  metadata?: ObjectMeta;
  spec?: GuestbookSpec;
}

/**
 * Legacy is a cluster-scoped kind.
 * +kubebuilder:object:root=true
 * +kubebuilder:resource:scope=Cluster
 */
export interface Legacy {
  apiVersion: "webapp.example.com/v2";
  kind: "Legacy";
  metadata?: ObjectMeta;
  /** +kubebuilder:validation:Enum=1;2;3 */
  level?: Int32;
}

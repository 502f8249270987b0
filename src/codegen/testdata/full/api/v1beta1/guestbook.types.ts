import type { ObjectMeta } from "../../../../../../runtime/api/types.js";

/**
 * Guestbook (v1beta1): kept in the CRD for objects stored long ago, no longer served.
 * +kubebuilder:object:root=true
 * +kubebuilder:unservedversion
 */
export interface Guestbook {
  apiVersion: "webapp.example.com/v1beta1";
  kind: "Guestbook";
  metadata?: ObjectMeta;
  /** +kubebuilder:validation:MinLength=1 */
  message?: string;
}

// +groupName=bad.example.com
import type { ObjectMeta } from "../../../../../../runtime/api/types.js";

export interface BadSpec {
  // +kubebuilder:validation:Minimun=1
  a?: number;
  // +kubebuilder:validation:MaxLength=abc
  b?: string;
  // +kubebuilder:validation:Minimum=1
  c?: string;
  // +kubebuilder:subresource:status
  d?: string;
  e?: () => void;
  f?: unknown;
  g?: { x: string } | { y: number };
  // +kubebuilder:printcolum:name=x
  h?: Date;
  // +kubebuilder:validation:XValidation:message="no rule"
  i?: string;
  // +kubebuilder:validation:UniqueItems=true
  j?: string[];
  // +kubebuilder:validation:Schemaless
  k?: unknown;
  l?:
    | { kind: "a"; x?: string }
    | {
        kind: "b";
        /** +kubebuilder:default=1 */
        y?: number;
      };
}

/**
 * +kubebuilder:object:root=true
 * +optional
 */
export interface Bad {
  metadata?: ObjectMeta;
  spec?: BadSpec;
}

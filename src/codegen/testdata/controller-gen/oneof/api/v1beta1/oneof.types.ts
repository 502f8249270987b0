/** The TypeScript twin of controller-tools' pkg/crd/testdata/oneof/types.go (the oracle is ../../../upstream). */
import type { Int32, ObjectMeta } from "../../../../../../../runtime/api/types.js";

/**
 * +kubebuilder:validation:XValidation:message="only one of foo|bar may be set",rule="!(has(self.foo) && has(self.bar))"
 * +kubebuilder:validation:AtMostOneOf=foo;bar
 */
export interface TypeWithOneofs {
  foo?: string;
  bar?: string;
}

/**
 * +kubebuilder:validation:AtMostOneOf=a;b
 * +kubebuilder:validation:AtMostOneOf=c;d
 */
export interface TypeWithMultipleOneofs {
  a?: string;
  b?: string;
  c?: string;
  d?: string;
}

/** +kubebuilder:validation:ExactlyOneOf=foo;bar */
export interface TypeWithExactOneofs {
  foo?: string;
  bar?: string;
}

/**
 * +kubebuilder:validation:ExactlyOneOf=a;b
 * +kubebuilder:validation:ExactlyOneOf=c;d
 */
export interface TypeWithMultipleExactOneofs {
  a?: string;
  b?: string;
  c?: string;
  d?: string;
}

/**
 * +kubebuilder:validation:AtLeastOneOf=a;b
 * +kubebuilder:validation:AtLeastOneOf=c;d
 */
export interface TypeWithMultipleAtLeastOneofs {
  a?: string;
  b?: string;
  c?: string;
  d?: string;
}

/**
 * +kubebuilder:validation:AtMostOneOf=a;b
 * +kubebuilder:validation:ExactlyOneOf=c;d
 * +kubebuilder:validation:AtLeastOneOf=e;f
 */
export interface TypeWithAllOneofs {
  a?: string;
  b?: string;
  c?: string;
  d?: string;
  e?: string;
  f?: string;
}

/**
 * CustomTypeAlias is a custom alias
 * +kubebuilder:validation:XValidation:rule="self >= 100 && self <= 1000",message="invalid CustomTypeAlias value"
 */
export type CustomTypeAlias = Int32;

/** OneofSpec is the spec for the oneofs API. */
export interface OneofSpec {
  firstTypeWithOneof?: TypeWithOneofs;
  secondTypeWithOneof?: TypeWithMultipleOneofs;
  firstTypeWithExactOneof?: TypeWithExactOneofs;
  secondTypeWithExactOneof?: TypeWithMultipleExactOneofs;
  typeWithMultipleAtLeastOneOf?: TypeWithMultipleAtLeastOneofs;
  typeWithAllOneOf?: TypeWithAllOneofs;
  firstCustomTypeAlias?: CustomTypeAlias;
  /** This verifies if the custom type alias XValidation is not duplicated. */
  secondCustomTypeAlias?: CustomTypeAlias;
}

/**
 * Oneof is the Schema for the Oneof API
 * +kubebuilder:object:root=true
 * +kubebuilder:resource:singular=oneof
 */
export interface Oneof {
  apiVersion: "testdata.kubebuilder.io/v1beta1";
  kind: "Oneof";
  metadata?: ObjectMeta;
  spec: OneofSpec;
}

/** controller-tools' pkg/crd/testdata/unserved (version v1beta1 of the same CronJob, not served). */
import type { Int32, ObjectMeta } from "../../../../../../../runtime/api/types.js";

/** CronJobSpec defines the desired state of CronJob */
export interface CronJobSpec {
  /**
   * This tests that markers that are allowed on both fields and types are applied to fields
   * +kubebuilder:validation:MinLength=4
   */
  twoOfAKindPart0: string;

  /**
   * +kubebuilder:validation:Minimum=-2
   * +kubebuilder:validation:Maximum=2
   * +kubebuilder:validation:MultipleOf=2
   */
  int32WithValidations: Int32;
}

/**
 * CronJob is the Schema for the cronjobs API
 * +kubebuilder:object:root=true
 * +kubebuilder:subresource:status
 * +kubebuilder:resource:singular=mycronjob
 * +kubebuilder:unservedversion
 */
export interface CronJob {
  apiVersion: "testdata.kubebuilder.io/v1beta1";
  kind: "CronJob";
  metadata?: ObjectMeta;
  spec?: CronJobSpec;
}

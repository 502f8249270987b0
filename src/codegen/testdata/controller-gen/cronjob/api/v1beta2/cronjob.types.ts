/** controller-tools' pkg/crd/testdata/deprecated (version v1beta2 of the same CronJob, deprecated). */
import type { ObjectMeta } from "../../../../../../../runtime/api/types.js";

/**
 * CronJob is the Schema for the cronjobs API
 * +kubebuilder:object:root=true
 * +kubebuilder:subresource:status
 * +kubebuilder:resource:singular=mycronjob
 * +kubebuilder:deprecatedversion:warning="use v1 instead, this version causes your data center to catch fire when used on Tuesdays"
 */
export interface CronJob {
  apiVersion: "testdata.kubebuilder.io/v1beta2";
  kind: "CronJob";
  metadata?: ObjectMeta;
}

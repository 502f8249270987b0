/**
 * Protobuf schemas of k8s.io/apimachinery: meta/v1, runtime, intstr, resource.
 *
 * Derived from the Apache-2.0 licensed generated.proto files of the Kubernetes project
 * (k8s.io/api and k8s.io/apimachinery, Copyright The Kubernetes Authors, go-to-protobuf output).
 * Kept: syntax, package, and the message / field / map declarations that request bodies of the
 * kinds kubeforge serves need (names, types and field numbers unchanged). Removed: all comments,
 * options and imports, the *List types, and messages no served kind references. Field names are
 * the JSON names, except the embedded (inlined) Go structs listed in ../convert.ts.
 */

export const metaV1Proto = `syntax = "proto2";
package k8s.io.apimachinery.pkg.apis.meta.v1;
message Condition {
  optional string type = 1;
  optional string status = 2;
  optional int64 observedGeneration = 3;
  optional Time lastTransitionTime = 4;
  optional string reason = 5;
  optional string message = 6;
}
message DeleteOptions {
  optional int64 gracePeriodSeconds = 1;
  optional Preconditions preconditions = 2;
  optional bool orphanDependents = 3;
  optional string propagationPolicy = 4;
  repeated string dryRun = 5;
  optional bool ignoreStoreReadErrorWithClusterBreakingPotential = 6;
}
message Duration {
  optional int64 duration = 1;
}
message FieldsV1 {
  optional bytes Raw = 1;
}
message LabelSelector {
  map<string, string> matchLabels = 1;
  repeated LabelSelectorRequirement matchExpressions = 2;
}
message LabelSelectorRequirement {
  optional string key = 1;
  optional string operator = 2;
  repeated string values = 3;
}
message ManagedFieldsEntry {
  optional string manager = 1;
  optional string operation = 2;
  optional string apiVersion = 3;
  optional Time time = 4;
  optional string fieldsType = 6;
  optional FieldsV1 fieldsV1 = 7;
  optional string subresource = 8;
}
message MicroTime {
  optional int64 seconds = 1;
  optional int32 nanos = 2;
}
message ObjectMeta {
  optional string name = 1;
  optional string generateName = 2;
  optional string namespace = 3;
  optional string selfLink = 4;
  optional string uid = 5;
  optional string resourceVersion = 6;
  optional int64 generation = 7;
  optional Time creationTimestamp = 8;
  optional Time deletionTimestamp = 9;
  optional int64 deletionGracePeriodSeconds = 10;
  map<string, string> labels = 11;
  map<string, string> annotations = 12;
  repeated OwnerReference ownerReferences = 13;
  repeated string finalizers = 14;
  repeated ManagedFieldsEntry managedFields = 17;
}
message OwnerReference {
  optional string apiVersion = 5;
  optional string kind = 1;
  optional string name = 3;
  optional string uid = 4;
  optional bool controller = 6;
  optional bool blockOwnerDeletion = 7;
}
message Preconditions {
  optional string uid = 1;
  optional string resourceVersion = 2;
}
message Time {
  optional int64 seconds = 1;
  optional int32 nanos = 2;
}
`;

export const runtimeProto = `syntax = "proto2";
package k8s.io.apimachinery.pkg.runtime;
message RawExtension {
  optional bytes raw = 1;
}
message TypeMeta {
  optional string apiVersion = 1;
  optional string kind = 2;
}
message Unknown {
  optional TypeMeta typeMeta = 1;
  optional bytes raw = 2;
  optional string contentEncoding = 3;
  optional string contentType = 4;
}
`;

export const intstrProto = `syntax = "proto2";
package k8s.io.apimachinery.pkg.util.intstr;
message IntOrString {
  optional int64 type = 1;
  optional int32 intVal = 2;
  optional string strVal = 3;
}
`;

export const resourceProto = `syntax = "proto2";
package k8s.io.apimachinery.pkg.api.resource;
message Quantity {
  optional string string = 1;
}
`;

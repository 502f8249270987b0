/** The CRD's structural OpenAPI v3 schema (apiextensions.k8s.io/v1 JSONSchemaProps), as the generator writes it. */
import type { MarkerValue } from "./markers.js";

export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

export interface JSONSchemaProps {
  description?: string;
  title?: string;
  type?: string;
  format?: string;
  properties?: Record<string, JSONSchemaProps>;
  required?: string[];
  items?: JSONSchemaProps;
  additionalProperties?: JSONSchemaProps;
  anyOf?: JSONSchemaProps[];
  enum?: MarkerValue[];
  default?: MarkerValue;
  example?: MarkerValue;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  nullable?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  "x-kubernetes-list-type"?: string;
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: string;
  "x-kubernetes-validations"?: ValidationRule[];
}

const quantityPattern = "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

/** The schemas of the runtime's API type aliases (runtime/api/types.ts), as controller-gen emits them for the Go types. */
export function wellKnownSchema(name: string): JSONSchemaProps | undefined {
  switch (name) {
    case "Int32":
      return { type: "integer", format: "int32" };
    case "Int64":
      return { type: "integer", format: "int64" };
    case "Quantity":
      return { anyOf: [{ type: "integer" }, { type: "string" }], pattern: quantityPattern, "x-kubernetes-int-or-string": true };
    case "IntOrString":
      return { anyOf: [{ type: "integer" }, { type: "string" }], "x-kubernetes-int-or-string": true };
    case "Time":
    case "MicroTime":
      return { type: "string", format: "date-time" };
    case "Duration":
      return { type: "string" };
    case "ObjectMeta":
      return { type: "object" };
    case "Condition":
      return conditionSchema();
    default:
      return undefined;
  }
}

function conditionSchema(): JSONSchemaProps {
  return {
    description: "Condition contains details for one aspect of the current state of this API Resource.",
    type: "object",
    properties: {
      lastTransitionTime: { description: "lastTransitionTime is the last time the condition transitioned from one status to another.", type: "string", format: "date-time" },
      message: { description: "message is a human readable message indicating details about the transition.", type: "string", maxLength: 32768 },
      observedGeneration: { description: "observedGeneration represents the .metadata.generation that the condition was set based upon.", type: "integer", format: "int64", minimum: 0 },
      reason: { description: "reason contains a programmatic identifier indicating the reason for the condition's last transition.", type: "string", maxLength: 1024, minLength: 1, pattern: "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$" },
      status: { description: "status of the condition, one of True, False, Unknown.", type: "string", enum: ["True", "False", "Unknown"] },
      type: { description: "type of condition in CamelCase or in foo.example.com/CamelCase.", type: "string", maxLength: 316, pattern: "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$" },
    },
    required: ["lastTransitionTime", "message", "reason", "status", "type"],
  };
}

export const apiVersionDescription =
  "APIVersion defines the versioned schema of this representation of an object.\nServers should convert recognized schemas to the latest internal value, and\nmay reject unrecognized values.\nMore info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
export const kindDescription =
  "Kind is a string value representing the REST resource this object represents.\nServers may infer this from the endpoint the client submits requests to.\nCannot be updated.\nIn CamelCase.\nMore info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

/** Shortens every description to `max` characters plus "..." (controller-gen's maxDescLen); 0 removes them. */
export function truncateDescriptions(s: JSONSchemaProps, max: number): void {
  if (s.description !== undefined) {
    if (max === 0) delete s.description;
    else if (s.description.length > max) s.description = `${s.description.slice(0, max)}...`;
  }
  for (const p of Object.values(s.properties ?? {})) truncateDescriptions(p, max);
  if (s.items) truncateDescriptions(s.items, max);
  if (s.additionalProperties) truncateDescriptions(s.additionalProperties, max);
  for (const a of s.anyOf ?? []) truncateDescriptions(a, max);
}

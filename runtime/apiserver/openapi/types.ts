/** The subset of an OpenAPI (Swagger 2.0 / OpenAPI 3.0) schema object the API server publishes. */
export interface Schema {
  $ref?: string;
  allOf?: Schema[];
  description?: string;
  type?: string;
  format?: string;
  default?: unknown;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  required?: string[];
  maximum?: number;
  minimum?: number;
  maxLength?: number;
  minLength?: number;
  maxItems?: number;
  minItems?: number;
  pattern?: string;
  "x-kubernetes-group-version-kind"?: GVK[];
  "x-kubernetes-patch-strategy"?: string;
  "x-kubernetes-patch-merge-key"?: string;
  "x-kubernetes-list-type"?: string;
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: string;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
}

/** Definitions keyed by their upstream name ("io.k8s.api.core.v1.Pod"); `$ref`s are "#/definitions/<name>". */
export type Definitions = Record<string, Schema>;

export interface GVK {
  group: string;
  version: string;
  kind: string;
}

/** The "#/definitions/" prefix of v2 references (the generated definitions use it; v3 documents rewrite it). */
export const v2RefPrefix = "#/definitions/";
export const v3RefPrefix = "#/components/schemas/";

/** The definition a reference points to, or undefined for non-local references. */
export function refName(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  if (ref.startsWith(v2RefPrefix)) return ref.slice(v2RefPrefix.length);
  if (ref.startsWith(v3RefPrefix)) return ref.slice(v3RefPrefix.length);
  return undefined;
}

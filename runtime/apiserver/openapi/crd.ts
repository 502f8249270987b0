/**
 * OpenAPI definitions of a custom resource version, as upstream's apiextensions OpenAPI builder publishes them:
 * the version's structural schema with `apiVersion`, `kind` and `metadata` (a reference to ObjectMeta) set to
 * the standard fields, `x-kubernetes-group-version-kind`, and the matching List definition.
 */
import type { ResourceDefinition } from "../resource.js";
import { customResourceDefinitionName, listMetaName, objectMetaName } from "./names.js";
import type { Definitions, Schema } from "./types.js";

export const apiVersionDescription =
  "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
export const kindDescription =
  "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
const metadataDescription = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const listMetadataDescription = "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

const copied = ["description", "type", "format", "enum", "default", "required", "maximum", "minimum", "maxLength", "minLength", "maxItems", "minItems", "pattern"] as const;
const extensions = [
  "x-kubernetes-int-or-string",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
] as const;

/** A structural schema reduced to what OpenAPI publishes (no junctors, no CEL rules). */
export function publishedSchema(s: Schema): Schema {
  const out: Schema = {};
  const src = s as Record<string, unknown>;
  const dst = out as Record<string, unknown>;
  for (const k of copied) if (src[k] !== undefined) dst[k] = src[k];
  for (const k of extensions) if (src[k] !== undefined) dst[k] = src[k];
  if (s.items && typeof s.items === "object") out.items = publishedSchema(s.items);
  if (s.properties) out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, publishedSchema(v)]));
  if (typeof s.additionalProperties === "object") out.additionalProperties = publishedSchema(s.additionalProperties);
  else if (s.additionalProperties !== undefined) out.additionalProperties = s.additionalProperties;
  return out;
}

export interface CustomResourceSchemas {
  /** Kind (and list kind) → definition name. */
  names: Map<string, string>;
  definitions: Definitions;
}

const cache = new WeakMap<ResourceDefinition, CustomResourceSchemas>();

/** The definitions of a custom resource version (cached per ResourceDefinition: a CRD change builds new ones). */
export function customResourceDefinitions(def: ResourceDefinition): CustomResourceSchemas {
  const hit = cache.get(def);
  if (hit) return hit;
  const gvk = { group: def.group, version: def.version, kind: def.names.kind };
  const listGVK = { ...gvk, kind: def.names.listKind };
  const name = customResourceDefinitionName(gvk);
  const listName = customResourceDefinitionName(listGVK);
  const base = def.openAPISchema ? publishedSchema(def.openAPISchema) : { type: "object", "x-kubernetes-preserve-unknown-fields": true };
  const object: Schema = {
    ...base,
    type: "object",
    properties: {
      apiVersion: { description: apiVersionDescription, type: "string" },
      kind: { description: kindDescription, type: "string" },
      metadata: { description: metadataDescription, $ref: `#/definitions/${objectMetaName}` },
      ...Object.fromEntries(Object.entries(base.properties ?? {}).filter(([k]) => k !== "apiVersion" && k !== "kind" && k !== "metadata")),
    },
    "x-kubernetes-group-version-kind": [gvk],
  };
  const list: Schema = {
    description: `${def.names.kind}List is a list of ${def.names.kind}`,
    type: "object",
    required: ["items"],
    properties: {
      apiVersion: { description: apiVersionDescription, type: "string" },
      items: { description: `List of ${def.names.plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`, type: "array", items: { $ref: `#/definitions/${name}` } },
      kind: { description: kindDescription, type: "string" },
      metadata: { description: listMetadataDescription, $ref: `#/definitions/${listMetaName}` },
    },
    "x-kubernetes-group-version-kind": [listGVK],
  };
  const out: CustomResourceSchemas = {
    names: new Map([
      [def.names.kind, name],
      [def.names.listKind, listName],
    ]),
    definitions: { [name]: object, [listName]: list },
  };
  cache.set(def, out);
  return out;
}

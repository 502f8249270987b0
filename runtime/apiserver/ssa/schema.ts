/**
 * Field types for server-side apply: how each part of an object merges and is owned (structured-merge-diff's
 * schema). Objects are granular (field by field) unless `mapType` is "atomic"; lists are atomic (owned and
 * replaced whole) unless `listType` is "set" (scalars, owned per value) or "map" (objects, owned per `keys`).
 * Built-in kinds derive this from their strategic-merge-patch metadata, custom resources from their structural
 * schema; anything not described is "deduced" (granular objects, atomic lists).
 */
import type { PatchMeta } from "../patch/meta.js";

export interface FieldType {
  /** Types of an object's named fields. */
  fields?: Record<string, FieldType>;
  /** Type of every other value of an object (map[string]T). */
  values?: FieldType;
  /** Type of a list's elements. */
  items?: FieldType;
  listType?: "atomic" | "set" | "map";
  /** For listType "map": the fields identifying an element. */
  keys?: readonly string[];
  mapType?: "granular" | "atomic";
}

const deduced: FieldType = {};

/** The type of field `name` of an object of type `t`. */
export function fieldTypeOf(t: FieldType, name: string): FieldType {
  return t.fields?.[name] ?? t.values ?? deduced;
}

/** ObjectMeta as upstream declares it (labels/annotations granular, ownerReferences keyed by uid, finalizers a set). */
export const objectMetaType: FieldType = {
  fields: {
    labels: {},
    annotations: {},
    ownerReferences: { listType: "map", keys: ["uid"], items: {} },
    finalizers: { listType: "set" },
    managedFields: { listType: "atomic" },
  },
};

/** A kind's root type with ObjectMeta's type filled in. */
export function withObjectMeta(t: FieldType): FieldType {
  return { ...t, fields: { ...t.fields, metadata: objectMetaType } };
}

const fromPatchMetaCache = new WeakMap<PatchMeta, FieldType>();

/**
 * Field types from strategic-merge-patch metadata: a list with a merge key is a map keyed by it, a list with the
 * merge strategy and no key is a set, every other list is atomic.
 */
export function fieldTypeFromPatchMeta(meta: PatchMeta): FieldType {
  const cached = fromPatchMetaCache.get(meta);
  if (cached) return cached;
  const t: FieldType = {};
  fromPatchMetaCache.set(meta, t);
  if (meta.fields) {
    t.fields = {};
    for (const [k, v] of Object.entries(meta.fields)) t.fields[k] = fieldTypeFromPatchMeta(v);
  }
  if (meta.values) t.values = fieldTypeFromPatchMeta(meta.values);
  if (meta.items) t.items = fieldTypeFromPatchMeta(meta.items);
  const merges = meta.strategy === "merge" || meta.strategy === "merge,retainKeys";
  if (merges && meta.mergeKey) {
    t.listType = "map";
    t.keys = [meta.mergeKey];
  } else if (merges) {
    t.listType = "set";
  }
  return t;
}

/** The subset of a structural schema (apiextensions JSONSchemaProps) that decides merging. */
export interface StructuralSchema {
  type?: string;
  properties?: Record<string, StructuralSchema>;
  items?: StructuralSchema;
  additionalProperties?: StructuralSchema | boolean;
  "x-kubernetes-list-type"?: string;
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: string;
  "x-kubernetes-embedded-resource"?: boolean;
}

/** Field types from a CRD version's structural schema (x-kubernetes-list-type / list-map-keys / map-type). */
export function fieldTypeFromSchema(s: StructuralSchema | undefined): FieldType {
  if (!s) return deduced;
  const t: FieldType = {};
  if (s.properties) {
    t.fields = {};
    for (const [k, v] of Object.entries(s.properties)) t.fields[k] = fieldTypeFromSchema(v);
  }
  if (typeof s.additionalProperties === "object") t.values = fieldTypeFromSchema(s.additionalProperties);
  if (s.items) t.items = fieldTypeFromSchema(s.items);
  const lt = s["x-kubernetes-list-type"];
  if (lt === "set" || lt === "map" || lt === "atomic") t.listType = lt;
  const keys = s["x-kubernetes-list-map-keys"];
  if (lt === "map" && keys) t.keys = keys;
  if (s["x-kubernetes-map-type"] === "atomic") t.mapType = "atomic";
  if (s["x-kubernetes-embedded-resource"]) return withObjectMeta(t);
  return t;
}

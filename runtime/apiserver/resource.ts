/**
 * How one resource is served: its names, scope, strategy (defaulting, validation, update rules), table columns,
 * selectable fields, patch metadata and subresources. The generic registry (`registry/store.ts`) runs the one
 * pipeline around these hooks; a resource only describes what is particular to it.
 */
import type { FieldError } from "../core/validation.js";
import type { KubeObject } from "../core/object.js";
import type { NameValidator } from "../core/validation.js";
import type { PatchMeta } from "./patch/meta.js";
import type { FieldType } from "./ssa/schema.js";
import type { Schema } from "./openapi/types.js";

export interface ResourceNames {
  /** Lower-case plural: the URL segment ("deployments"). */
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  shortNames?: string[];
  categories?: string[];
}

/**
 * Per-resource hooks run by the registry's pipeline. All are optional; all mutate `obj` in place.
 *
 * Create: generic metadata preparation → default → prepareForCreate → generic metadata validation + validate →
 * canonicalize → store. Update: default → prepareForUpdate(obj, old) → validation + validateUpdate → canonicalize.
 * The registry itself handles name/generateName, uid, creationTimestamp, resourceVersion, immutability of
 * name/namespace/uid/creationTimestamp, labels/annotations/finalizers/ownerReferences validation, and, when the
 * resource declares `generation`, generation = 1 on create and +1 when anything outside metadata and status changes.
 */
export interface Strategy {
  /** Scheme defaulting (fills in omitted fields), applied to every incoming object (create, update, patch result). */
  default?(obj: KubeObject): void;
  /** Clears or initialises fields a client may not set on create (e.g. status phase). */
  prepareForCreate?(obj: KubeObject): void;
  /** Restores or derives fields a client may not change on update. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /** Field errors for a new object (besides the generic metadata checks). */
  validate?(obj: KubeObject): FieldError[];
  /** Field errors for an update, including immutable fields. */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** Field errors for a write through the status subresource (absent: validateUpdate). */
  validateStatusUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** Normalises the object before storing (e.g. sorting). */
  canonicalize?(obj: KubeObject): void;
  /** Warnings returned in `Warning` headers. */
  warningsOnCreate?(obj: KubeObject): string[];
  warningsOnUpdate?(obj: KubeObject, old: KubeObject): string[];
  /**
   * Graceful deletion: the grace period in seconds for deleting `obj` when the client asked for `requested`
   * (undefined = not specified). 0 deletes immediately. Absent hook = immediate deletion.
   */
  gracePeriodSeconds?(obj: KubeObject, requested: number | undefined): number;
  /**
   * Holds a deletion after the first delete call while true, even without metadata.finalizers
   * (namespaces: until spec.finalizers is empty).
   */
  deletionBlocked?(obj: KubeObject): boolean;
  /** Called when the object is first marked for deletion (namespaces: phase Terminating). */
  beginDeletion?(obj: KubeObject): void;
  /** Called once the object is gone from storage (releases allocations such as a Service's clusterIP). */
  afterDelete?(obj: KubeObject): void;
}

/** A column of `kubectl get`'s table (metav1.TableColumnDefinition). */
export interface TableColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  format?: string;
  description: string;
  /** 0: default output; 1: only with `-o wide`. */
  priority: 0 | 1;
}

export interface TableConvertor {
  columns: TableColumn[];
  /** One cell per column, in order; `now` is the time used for ages. */
  cells(obj: KubeObject, now: Date): unknown[];
}

/** autoscaling/v1 Scale mapping for the scale subresource (paths are dotted JSON paths such as ".spec.replicas"). */
export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  /** Path of a string selector in the object (CRDs) … */
  labelSelectorPath?: string;
  /** … or a function computing the selector string (built-in kinds with a metav1.LabelSelector). */
  selector?(obj: KubeObject): string;
}

/**
 * Conversion for a resource served in a version other than its storage's (events.k8s.io/v1 Event stored as
 * core/v1 Event; CRD versions, possibly through a conversion webhook). Both functions return new objects; either
 * may be asynchronous (a webhook call) and may throw a StatusError, which fails the request.
 */
export interface VersionConversion {
  toStorage(obj: KubeObject): KubeObject | Promise<KubeObject>;
  fromStorage(obj: KubeObject): KubeObject | Promise<KubeObject>;
  /** Converts stored objects in one go (one webhook call for a list page); same count and order. Absent: fromStorage each. */
  fromStorageList?(objs: readonly KubeObject[]): Promise<KubeObject[]>;
  /**
   * A synchronous view of a stored object for label and field selectors. Absent: fromStorage, which must then be
   * synchronous. Webhook conversions only rewrite apiVersion here, so selectors see the stored metadata and fields.
   */
  selectionView?(obj: KubeObject): KubeObject;
}

export interface ResourceDefinition {
  group: string;
  version: string;
  names: ResourceNames;
  namespaced: boolean;
  /** Verbs served (default: all of create, get, list, watch, update, patch, delete, deletecollection). */
  verbs?: readonly Verb[];
  /** Storage identity; resources sharing it share objects (default "<group>/<plural>"). */
  storageName?: string;
  /** Present when this version is not the storage's shape. */
  conversion?: VersionConversion;
  /** Validates metadata.name (default: DNS subdomain). */
  nameValidator?: NameValidator;
  /** Track metadata.generation (set to 1 on create, bumped on changes outside metadata and status). */
  generation?: boolean;
  /** Serve a status subresource: the main resource ignores status changes, the subresource changes only status. */
  statusSubresource?: boolean;
  scale?: ScaleSubresource;
  strategy?: Strategy;
  table?: TableConvertor;
  /**
   * Kind-specific field selector values (e.g. {"spec.nodeName": ..., "status.phase": ...}); metadata.name and
   * metadata.namespace are always selectable. A selector naming any other field is a 400.
   */
  selectableFields?(obj: KubeObject): Record<string, string>;
  /** Strategic-merge-patch metadata for the kind; absent = strategic merge patch not supported (415). */
  patchMeta?: PatchMeta;
  /**
   * Server-side apply field types of the whole object (list types, list-map keys, atomic maps); absent: derived
   * from `patchMeta` (built-in kinds), else deduced (granular objects, atomic lists).
   */
  fieldType?: FieldType;
  /** Delete returns the deleted object (true) or a Status Success (false, default) — as upstream per kind. */
  returnDeletedObject?: boolean;
  /** Unstructured objects (custom resources): list items keep their apiVersion and kind. */
  unstructured?: boolean;
  /** Shown in discovery (apps/v1 Deployment has "all" category, ...). */
  storageVersionHash?: string;
  /**
   * The OpenAPI (structural JSON) schema of the kind's objects, published in /openapi/v2 and /openapi/v3 as
   * upstream's apiextensions builder does (custom resources: the CRD version's `openAPIV3Schema`). Absent for
   * built-in kinds, whose schemas come from the generated definitions (`openapi/builtin.generated.ts`).
   */
  openAPISchema?: Schema;
  /**
   * Drops from an incoming object the fields its schema does not declare and returns their paths, for
   * fieldValidation (custom resources: pruning, in kube-apiserver's order). Absent: the built-in kinds' check
   * against their OpenAPI definitions.
   */
  pruneUnknownFields?(obj: KubeObject): string[];
}

export type Verb = "create" | "get" | "list" | "watch" | "update" | "patch" | "delete" | "deletecollection";
export const allVerbs: readonly Verb[] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

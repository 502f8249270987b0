/**
 * How one resource is served: its names, scope, strategy (defaulting, validation, update rules), table columns,
 * selectable fields, patch metadata and subresources. The generic registry (`registry/store.ts`) runs the one
 * pipeline around these hooks; a resource only describes what is particular to it.
 */
import type { FieldError } from "../core/validation.js";
import type { KubeObject } from "../core/object.js";
import type { NameValidator } from "../core/validation.js";
import type { PatchMeta } from "./patch/meta.js";

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
 * core/v1 Event; later, CRD versions). Both functions return new objects.
 */
export interface VersionConversion {
  toStorage(obj: KubeObject): KubeObject;
  fromStorage(obj: KubeObject): KubeObject;
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
  /** Delete returns the deleted object (true) or a Status Success (false, default) — as upstream per kind. */
  returnDeletedObject?: boolean;
  /** Unstructured objects (custom resources): list items keep their apiVersion and kind. */
  unstructured?: boolean;
  /** Shown in discovery (apps/v1 Deployment has "all" category, ...). */
  storageVersionHash?: string;
}

export type Verb = "create" | "get" | "list" | "watch" | "update" | "patch" | "delete" | "deletecollection";
export const allVerbs: readonly Verb[] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/**
 * meta.k8s.io Table responses (`kubectl get`'s server-side printing): columns from the resource's
 * TableConvertor, or upstream's default "Name / Created At" table for resources without one.
 */
import type { KubeObject, ListMeta } from "../core/object.js";
import type { ResourceDefinition, TableColumn, TableConvertor } from "./resource.js";

export type IncludeObject = "None" | "Metadata" | "Object";

export interface TableRow {
  cells: unknown[];
  object?: KubeObject;
}

export interface Table {
  kind: "Table";
  apiVersion: string;
  metadata: ListMeta;
  columnDefinitions: TableColumn[];
  rows: TableRow[];
}

const defaultConvertor: TableConvertor = {
  columns: [
    { name: "Name", type: "string", format: "name", description: "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names", priority: 0 },
    { name: "Created At", type: "date", description: "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata", priority: 0 },
  ],
  cells: (obj) => [obj.metadata.name ?? "", obj.metadata.creationTimestamp ?? ""],
};

export function partialObjectMetadata(obj: KubeObject, version: string): KubeObject {
  return { kind: "PartialObjectMetadata", apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

/** Converts objects to a Table; `includeObject` decides what each row carries (default Metadata). */
export function toTable(def: ResourceDefinition, objs: readonly KubeObject[], meta: ListMeta, version: string, includeObject: IncludeObject, now = new Date(), noHeaders = false): Table {
  const conv = def.table ?? defaultConvertor;
  const rows = objs.map((obj): TableRow => {
    const row: TableRow = { cells: conv.cells(obj, now) };
    if (includeObject === "Object") row.object = obj;
    else if (includeObject === "Metadata") row.object = partialObjectMetadata(obj, version);
    return row;
  });
  return { kind: "Table", apiVersion: `meta.k8s.io/${version}`, metadata: meta, columnDefinitions: noHeaders ? [] : conv.columns, rows };
}

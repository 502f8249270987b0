/**
 * Cell formatting shared by the built-in kinds' tables, as kube-apiserver's printers
 * (pkg/printers/internalversion/printers.go) produce them: ages, label maps, selectors, container lists,
 * "+ N more..." lists and the NAME / AGE column definitions every table starts or ends with.
 */
import type { TableColumn } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { translateTimestampSince } from "../../../core/duration.js";
import { labelSelectorAsString, type LabelSelector } from "../../../core/labels.js";

/** metav1.ObjectMeta swagger descriptions used by the NAME and AGE columns. */
export const objectMetaNameDescription =
  "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
export const objectMetaCreationTimestampDescription =
  "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

/** The NAME column (always first in upstream tables). */
export const nameColumn: TableColumn = { name: "Name", type: "string", format: "name", description: objectMetaNameDescription, priority: 0 };
/** The AGE column. */
export const ageColumn: TableColumn = { name: "Age", type: "string", description: objectMetaCreationTimestampDescription, priority: 0 };

/** A column definition in one line: `col("Status", "…")`, `col("IP", "…", 1)`. */
export function col(name: string, description: string, priority: 0 | 1 = 0, type: TableColumn["type"] = "string"): TableColumn {
  return { name, type, description, priority };
}

/** translateTimestampSince: "<unknown>" for a missing timestamp, else kubectl's human duration since it. */
export function since(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== "string" || timestamp === "") return "<unknown>";
  return translateTimestampSince(timestamp, now);
}

/** The AGE cell of an object. */
export function age(obj: KubeObject, now: Date): string {
  return since(obj.metadata.creationTimestamp, now);
}

/** labels.FormatLabels: "a=b,c=d" sorted by key, "<none>" when empty. */
export function formatLabels(labels: unknown): string {
  if (typeof labels !== "object" || labels === null || Array.isArray(labels)) return "<none>";
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return "<none>";
  const m = labels as Record<string, unknown>;
  return keys.map((k) => `${k}=${String(m[k] ?? "")}`).join(",");
}

/** metav1.FormatLabelSelector: the selector's string, "<none>" when it selects everything, "<error>" when invalid. */
export function formatLabelSelector(selector: unknown): string {
  if (selector === undefined || selector === null) return "<none>";
  let s: string;
  try {
    s = labelSelectorAsString(selector as LabelSelector);
  } catch {
    return "<error>";
  }
  return s === "" ? "<none>" : s;
}

/** listWithMoreString: "a,b,c + 2 more...", or "<unset>" for an empty list. */
export function listWithMoreString(list: readonly string[], more: boolean, count: number, max: number): string {
  const ret = list.join(",");
  if (more) return `${ret} + ${count - max} more...`;
  return ret === "" ? "<unset>" : ret;
}

/** layoutContainerCells: the containers' names and images, comma-separated. */
export function layoutContainerCells(containers: unknown): { names: string; images: string } {
  const list = Array.isArray(containers) ? containers : [];
  const names: string[] = [];
  const images: string[] = [];
  for (const c of list) {
    const o = typeof c === "object" && c !== null ? (c as Record<string, unknown>) : {};
    names.push(typeof o.name === "string" ? o.name : "");
    images.push(typeof o.image === "string" ? o.image : "");
  }
  return { names: names.join(","), images: images.join(",") };
}

/** helper.GetAccessModesAsString: "RWO,ROX,RWX,RWOP" in that order, duplicates removed. */
export function accessModesAsString(modes: unknown): string {
  const set = new Set(Array.isArray(modes) ? modes.filter((m): m is string => typeof m === "string") : []);
  const out: string[] = [];
  if (set.has("ReadWriteOnce")) out.push("RWO");
  if (set.has("ReadOnlyMany")) out.push("ROX");
  if (set.has("ReadWriteMany")) out.push("RWX");
  if (set.has("ReadWriteOncePod")) out.push("RWOP");
  return out.join(",");
}

/** The value, or "<none>" when it is empty. */
export function orNone(v: unknown): string {
  return typeof v === "string" && v !== "" ? v : "<none>";
}

/** The value, or "<unknown>" when it is empty. */
export function orUnknown(v: unknown): string {
  return typeof v === "string" && v !== "" ? v : "<unknown>";
}

/** A boolean pointer cell (printBoolPtr): "True"/"False", "<unset>" when absent. */
export function boolPtr(v: unknown): string {
  if (typeof v !== "boolean") return "<unset>";
  return v ? "True" : "False";
}

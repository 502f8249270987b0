/** Kinds (one per API version) → CustomResourceDefinition objects, with the kind-level markers of controller-gen. */
import type { MarkerAt } from "./comments.js";
import type { ErrorSink, SourcePos } from "./errors.js";
import type { JSONSchemaProps } from "./jsonschema.js";
// the default plural is flect's (controller-gen's): people, policies, ingresses, the scaffold's rules
import { pluralize } from "../scaffold/names.js";

/** One version of a kind, found in the API types. */
export interface KindVersion {
  group: string;
  version: string;
  kind: string;
  schema: JSONSchemaProps;
  markers: readonly MarkerAt[];
  pos: SourcePos;
}

export interface CustomResourceDefinition {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "CustomResourceDefinition";
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames?: string[]; categories?: string[] };
    scope: "Namespaced" | "Cluster";
    versions: Record<string, unknown>[];
  };
}

const find = (markers: readonly MarkerAt[], name: string): MarkerAt[] => markers.filter((m) => m.marker.def.name === name);

function keyValues(list: string[] | undefined, at: MarkerAt, errors: ErrorSink): Record<string, string> | undefined {
  if (!list) return undefined;
  const out: Record<string, string> = {};
  for (const item of list) {
    const i = item.indexOf("=");
    if (i <= 0) errors.add(at.pos, `marker "+${at.marker.text}": "${item}" is not key=value (expected form: ${at.marker.def.form})`);
    else out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

/** One CRD from all versions of one group/kind. */
export function buildCRD(versions: readonly KindVersion[], errors: ErrorSink): CustomResourceDefinition | undefined {
  const sorted = [...versions].sort((a, b) => (a.version < b.version ? -1 : 1));
  const first = sorted[0];
  if (!first) return undefined;
  const storage = sorted.length === 1 ? sorted : sorted.filter((v) => find(v.markers, "kubebuilder:storageversion").length > 0);
  if (storage.length !== 1) {
    errors.add(first.pos, `kind ${first.kind}.${first.group} has ${sorted.length} versions (${sorted.map((v) => v.version).join(", ")}) and ${storage.length === 0 ? "no" : storage.length} storage versions; mark exactly one with +kubebuilder:storageversion`);
    return undefined;
  }
  const main = storage[0] as KindVersion;
  const resourceAt = find(main.markers, "kubebuilder:resource")[0] ?? sorted.map((v) => find(v.markers, "kubebuilder:resource")[0]).find((x) => x !== undefined);
  const res = (resourceAt?.marker.args ?? {}) as Record<string, string | string[] | undefined>;
  const lower = main.kind.toLowerCase();
  const plural = (res.path as string | undefined) ?? pluralize(lower);
  const scope = (res.scope as string | undefined) ?? "Namespaced";
  if (scope !== "Namespaced" && scope !== "Cluster" && resourceAt) errors.add(resourceAt.pos, `marker "+${resourceAt.marker.text}": scope must be Namespaced or Cluster (expected form: ${resourceAt.marker.def.form})`);
  const names: CustomResourceDefinition["spec"]["names"] = { kind: main.kind, listKind: `${main.kind}List`, plural, singular: (res.singular as string | undefined) ?? lower };
  if (res.shortName) names.shortNames = res.shortName as string[];
  if (res.categories) names.categories = res.categories as string[];
  const metadata: CustomResourceDefinition["metadata"] = { name: `${plural}.${main.group}` };
  for (const at of sorted.flatMap((v) => find(v.markers, "kubebuilder:metadata"))) {
    const a = at.marker.args as Record<string, string[] | undefined>;
    const ann = keyValues(a.annotations, at, errors);
    const lab = keyValues(a.labels, at, errors);
    if (ann) metadata.annotations = { ...metadata.annotations, ...ann };
    if (lab) metadata.labels = { ...metadata.labels, ...lab };
  }
  const out: Record<string, unknown>[] = [];
  for (const v of sorted) {
    if (find(v.markers, "kubebuilder:skipversion").length > 0) continue;
    const ver: Record<string, unknown> = { name: v.version, schema: { openAPIV3Schema: v.schema }, served: find(v.markers, "kubebuilder:unservedversion").length === 0, storage: v === main };
    const cols = find(v.markers, "kubebuilder:printcolumn").map((at) => {
      const a = at.marker.args as Record<string, string | number | undefined>;
      const types = ["integer", "number", "string", "boolean", "date"];
      if (!types.includes(a.type as string)) errors.add(at.pos, `marker "+${at.marker.text}": type must be one of ${types.join(", ")} (expected form: ${at.marker.def.form})`);
      const col: Record<string, unknown> = { jsonPath: a.JSONPath, name: a.name, type: a.type };
      if (a.priority !== undefined) col.priority = a.priority;
      if (a.format !== undefined) col.format = a.format;
      if (a.description !== undefined) col.description = a.description;
      return col;
    });
    if (cols.length > 0) ver.additionalPrinterColumns = cols;
    const dep = find(v.markers, "kubebuilder:deprecatedversion")[0];
    if (dep) {
      ver.deprecated = true;
      if (dep.marker.args.warning !== undefined) ver.deprecationWarning = dep.marker.args.warning;
    }
    const sel = find(v.markers, "kubebuilder:selectablefield").map((at) => ({ jsonPath: at.marker.args.JSONPath }));
    if (sel.length > 0) ver.selectableFields = sel;
    const sub: Record<string, unknown> = {};
    if (find(v.markers, "kubebuilder:subresource:status").length > 0) sub.status = {};
    const scale = find(v.markers, "kubebuilder:subresource:scale")[0];
    if (scale) {
      const a = scale.marker.args;
      sub.scale = { specReplicasPath: a.specpath, statusReplicasPath: a.statuspath, ...(a.selectorpath !== undefined ? { labelSelectorPath: a.selectorpath } : {}) };
    }
    if (Object.keys(sub).length > 0) ver.subresources = sub;
    out.push(ver);
  }
  return { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata, spec: { group: main.group, names, scope: scope === "Cluster" ? "Cluster" : "Namespaced", versions: out } };
}

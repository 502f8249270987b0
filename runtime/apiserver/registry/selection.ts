/**
 * Label and field selectors of a list/watch request turned into a storage predicate, with the 400 errors
 * kube-apiserver gives for unparsable selectors and unsupported field labels.
 */
import { newBadRequest } from "../../core/errors.js";
import { parseFieldSelector, type FieldSelector } from "../../core/fields.js";
import { parseSelector, type Selector } from "../../core/labels.js";
import type { KubeObject } from "../../core/object.js";
import type { Predicate } from "../../storage/interface.js";
import type { ResourceDefinition } from "../resource.js";

export interface Selection {
  labels?: Selector;
  fields?: FieldSelector;
  predicate?: Predicate;
  /** Set when the field selector pins metadata.name (lets a watch or list narrow to one key). */
  name?: string;
  /** Set when the field selector pins metadata.namespace. */
  namespace?: string;
}

/** The selectable fields of an object: metadata.name, metadata.namespace and the kind's own. */
export function fieldsOf(def: ResourceDefinition, obj: KubeObject): Record<string, string> {
  const own = def.selectableFields ? def.selectableFields(obj) : {};
  const fields: Record<string, string> = { "metadata.name": obj.metadata.name ?? "" };
  if (def.namespaced) fields["metadata.namespace"] = obj.metadata.namespace ?? "";
  return Object.assign(fields, own);
}

const knownFieldsCache = new WeakMap<ResourceDefinition, Set<string>>();

function knownFields(def: ResourceDefinition): Set<string> {
  let known = knownFieldsCache.get(def);
  if (!known) {
    known = new Set(["metadata.name", "metadata.namespace"]);
    if (def.selectableFields) {
      try {
        const probe: KubeObject = { apiVersion: "", kind: def.names.kind, metadata: { name: "", namespace: "" }, spec: {}, status: {} };
        for (const k of Object.keys(def.selectableFields(probe))) known.add(k);
      } catch {
        // a kind whose selectable fields cannot be computed on an empty object: accept all its field labels
        known.add("*");
      }
    }
    knownFieldsCache.set(def, known);
  }
  return known;
}

/** Parses `labelSelector` / `fieldSelector` query values into a predicate. */
export function buildSelection(def: ResourceDefinition, labelSelector: string | undefined, fieldSelector: string | undefined): Selection {
  const sel: Selection = {};
  if (labelSelector) {
    try {
      sel.labels = parseSelector(labelSelector);
    } catch (err) {
      throw newBadRequest(`unable to parse requirement: ${stripPrefix(err)}`);
    }
    if (sel.labels.empty()) delete sel.labels;
  }
  if (fieldSelector) {
    let fs: FieldSelector;
    try {
      fs = parseFieldSelector(fieldSelector);
    } catch (err) {
      throw newBadRequest(err instanceof Error ? err.message : String(err));
    }
    const known = knownFields(def);
    for (const r of fs.requirements()) {
      if (!known.has(r.field) && !known.has("*")) throw newBadRequest(`field label not supported: ${r.field}`);
    }
    if (!fs.empty()) {
      sel.fields = fs;
      const name = fs.requiresExactMatch("metadata.name");
      if (name !== undefined) sel.name = name;
      const ns = fs.requiresExactMatch("metadata.namespace");
      if (ns !== undefined) sel.namespace = ns;
    }
  }
  const { labels, fields } = sel;
  if (labels && fields) sel.predicate = (o) => labels.matches(o.metadata.labels) && fields.matches(fieldsOf(def, o));
  else if (labels) sel.predicate = (o) => labels.matches(o.metadata.labels);
  else if (fields) sel.predicate = (o) => fields.matches(fieldsOf(def, o));
  return sel;
}

function stripPrefix(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/^unable to parse requirement: /, "");
}

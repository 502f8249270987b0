/**
 * Custom-resource values against a structural schema, as kube-apiserver's apiextensions server does it:
 * validation (kube-openapi's messages, converted to field errors as upstream), defaulting and pruning.
 */
import { deepEqual, isPlainObject } from "../core/object.js";
import { fieldErrors, type FieldError } from "../core/validation.js";
import { additionalSchema, type JSONSchemaProps } from "./schema.js";
import { formatOK } from "./formats.js";
import { compileRE2 } from "./re2.js";

export { formatOK };

const objectMetaFields = new Set([
  "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
  "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
]);

function child(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function body(path: string): string {
  return path ? `${path} in body` : "in body";
}

function typeMatches(type: string, v: unknown): boolean {
  switch (type) {
    case "object":
      return isPlainObject(v);
    case "array":
      return Array.isArray(v);
    case "string":
      return typeof v === "string";
    case "boolean":
      return typeof v === "boolean";
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "number":
      return typeof v === "number";
    default:
      return true;
  }
}

/** Validates `value` at `path` (dotted, as kube-openapi names fields) against a structural schema. */
export function validateValue(s: JSONSchemaProps, value: unknown, path = ""): FieldError[] {
  const errs: FieldError[] = [];
  validateInto(s, value, path, errs);
  return errs;
}

function validateInto(s: JSONSchemaProps, v: unknown, path: string, errs: FieldError[]): void {
  if (v === null) {
    if (s.nullable || (!s.type && !s["x-kubernetes-int-or-string"])) return;
    errs.push(fieldErrors.typeInvalid(path, "null", `${body(path)} must be of type ${s["x-kubernetes-int-or-string"] ? "integer,string" : (s.type ?? "")}: "null"`));
    return;
  }
  if (s["x-kubernetes-int-or-string"]) {
    if (!(typeof v === "string" || (typeof v === "number" && Number.isInteger(v)))) {
      errs.push(fieldErrors.typeInvalid(path, typeName(v), `${body(path)} must be of type integer,string: ${JSON.stringify(typeName(v))}`));
      return;
    }
  } else if (s.type && !typeMatches(s.type, v)) {
    errs.push(fieldErrors.typeInvalid(path, typeName(v), `${body(path)} must be of type ${s.type}: ${JSON.stringify(typeName(v))}`));
    return;
  }
  if (s.enum && !s.enum.some((e) => deepEqual(e, v))) {
    errs.push(fieldErrors.notSupported(path, v, s.enum.map((e) => (typeof e === "string" ? e : JSON.stringify(e)))));
  }
  if (typeof v === "number") validateNumber(s, v, path, errs);
  if (typeof v === "string") validateString(s, v, path, errs);
  if (Array.isArray(v)) validateArray(s, v, path, errs);
  if (isPlainObject(v)) validateObject(s, v, path, errs);
  for (const sub of s.allOf ?? []) validateInto(sub, v, path, errs);
  if (s.anyOf && !s.anyOf.some((sub) => validateValue(sub, v, path).length === 0)) {
    errs.push(fieldErrors.invalid(path, v, `${body(path)} must validate at least one schema (anyOf)`));
  }
  if (s.oneOf && s.oneOf.filter((sub) => validateValue(sub, v, path).length === 0).length !== 1) {
    errs.push(fieldErrors.invalid(path, v, `${body(path)} must validate one and only one schema (oneOf)`));
  }
  if (s.not && validateValue(s.not, v, path).length === 0) errs.push(fieldErrors.invalid(path, v, `${body(path)} must not validate the schema (not)`));
}

function validateNumber(s: JSONSchemaProps, v: number, path: string, errs: FieldError[]): void {
  if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) {
    errs.push(fieldErrors.invalid(path, v, `${body(path)} should be less than ${s.exclusiveMaximum ? "" : "or equal to "}${s.maximum}`));
  }
  if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) {
    errs.push(fieldErrors.invalid(path, v, `${body(path)} should be greater than ${s.exclusiveMinimum ? "" : "or equal to "}${s.minimum}`));
  }
  if (s.multipleOf !== undefined && s.multipleOf > 0) {
    const q = v / s.multipleOf;
    if (Math.abs(q - Math.round(q)) > 1e-9) errs.push(fieldErrors.invalid(path, v, `${body(path)} should be a multiple of ${s.multipleOf}`));
  }
  // number formats (int32, int64, float, double) are stripped from CRD schemas upstream: not validated
}

function validateString(s: JSONSchemaProps, v: string, path: string, errs: FieldError[]): void {
  const len = [...v].length;
  if (s.maxLength !== undefined && len > s.maxLength) errs.push(fieldErrors.tooLong(path, v, s.maxLength));
  if (s.minLength !== undefined && len < s.minLength) errs.push(fieldErrors.invalid(path, v, `${body(path)} should be at least ${s.minLength} chars long`));
  if (s.pattern !== undefined) {
    // Go (RE2) syntax and semantics; a CRD with a pattern Go rejects is itself rejected, so this cannot throw then
    let ok = true;
    try {
      ok = compileRE2(s.pattern).test(v);
    } catch {
      ok = true;
    }
    if (!ok) errs.push(fieldErrors.invalid(path, v, `${body(path)} should match '${s.pattern}'`));
  }
  if (s.format && !formatOK(s.format, v)) errs.push(fieldErrors.typeInvalid(path, v, `${body(path)} must be of type ${s.format}: ${JSON.stringify(v)}`));
}

function validateArray(s: JSONSchemaProps, v: unknown[], path: string, errs: FieldError[]): void {
  if (s.maxItems !== undefined && v.length > s.maxItems) errs.push(fieldErrors.tooMany(path, v.length, s.maxItems));
  if (s.minItems !== undefined && v.length < s.minItems) errs.push(fieldErrors.invalid(path, v.length, `${body(path)} should have at least ${s.minItems} items`));
  if (s.uniqueItems && v.some((x, i) => v.findIndex((y) => deepEqual(x, y)) !== i)) errs.push(fieldErrors.invalid(path, v, `${body(path)} shouldn't contain duplicates`));
  if (s.items) for (const [i, item] of v.entries()) validateInto(s.items, item, `${path}[${i}]`, errs);
  const lt = s["x-kubernetes-list-type"];
  if (lt === "set") {
    for (const [i, x] of v.entries()) if (v.findIndex((y) => deepEqual(x, y)) !== i) errs.push(fieldErrors.duplicate(`${path}[${i}]`, x));
  } else if (lt === "map") {
    const keys = s["x-kubernetes-list-map-keys"] ?? [];
    const seen: Record<string, unknown>[] = [];
    for (const [i, x] of v.entries()) {
      if (!isPlainObject(x)) continue;
      const k: Record<string, unknown> = {};
      for (const key of keys) {
        const kv = x[key] ?? s.items?.properties?.[key]?.default;
        if (kv !== undefined) k[key] = kv;
      }
      if (seen.some((o) => deepEqual(o, k))) errs.push(fieldErrors.duplicate(`${path}[${i}]`, k));
      else seen.push(k);
    }
  }
}

function validateObject(s: JSONSchemaProps, v: Record<string, unknown>, path: string, errs: FieldError[]): void {
  const n = Object.keys(v).length;
  if (s.maxProperties !== undefined && n > s.maxProperties) errs.push(fieldErrors.tooMany(path, n, s.maxProperties));
  if (s.minProperties !== undefined && n < s.minProperties) errs.push(fieldErrors.invalid(path, n, `${body(path)} should have at least ${s.minProperties} properties`));
  for (const r of s.required ?? []) if (!(r in v)) errs.push(fieldErrors.required(child(path, r), ""));
  const ap = additionalSchema(s);
  for (const [k, val] of Object.entries(v)) {
    const ps = s.properties?.[k];
    if (ps) validateInto(ps, val, child(path, k), errs);
    else if (ap) validateInto(ap, val, child(path, k), errs);
  }
  if (s["x-kubernetes-embedded-resource"]) validateEmbedded(v, path, errs);
}

function validateEmbedded(v: Record<string, unknown>, path: string, errs: FieldError[]): void {
  if (typeof v.apiVersion !== "string" || v.apiVersion === "") errs.push(fieldErrors.required(child(path, "apiVersion"), "must not be empty"));
  if (typeof v.kind !== "string" || v.kind === "") errs.push(fieldErrors.required(child(path, "kind"), "must not be empty"));
  if (v.metadata !== undefined && !isPlainObject(v.metadata)) errs.push(fieldErrors.typeInvalid(child(path, "metadata"), v.metadata, "must be an object"));
}

// ---- pruning ----

/** Paths pruning drops, kept apart to be reported in kube-apiserver's order. */
interface Pruned {
  /** Unknown fields of the root's metadata (decoding ObjectMeta comes first). */
  meta: string[];
  /** Fields the schema does not specify (reported sorted, as upstream's pruning sorts them). */
  fields: string[];
  /** Unknown fields of embedded resources' metadata (coerced after pruning). */
  embeddedMeta: string[];
}

/**
 * Drops fields the schema does not specify (unless x-kubernetes-preserve-unknown-fields), in place; returns the
 * paths of the dropped fields: the root's unknown metadata fields, then the others sorted, then those of
 * embedded resources' metadata. `root` also keeps apiVersion/kind and prunes metadata to ObjectMeta.
 */
export function prune(obj: Record<string, unknown>, s: JSONSchemaProps | undefined, root = true): string[] {
  const out: Pruned = { meta: [], fields: [], embeddedMeta: [] };
  pruneObject(obj, s, "", root, out, true);
  return [...out.meta, ...out.fields.sort(), ...out.embeddedMeta];
}

function pruneMeta(meta: unknown, path: string, out: string[]): void {
  if (!isPlainObject(meta)) return;
  for (const k of Object.keys(meta)) {
    if (!objectMetaFields.has(k)) {
      out.push(child(path, k));
      delete meta[k];
    }
  }
}

function pruneObject(v: Record<string, unknown>, s: JSONSchemaProps | undefined, path: string, typeMetaAllowed: boolean, out: Pruned, isRoot = false): void {
  if (typeMetaAllowed) pruneMeta(v.metadata, child(path, "metadata"), isRoot ? out.meta : out.embeddedMeta);
  if (!s) return;
  const ap = additionalSchema(s);
  const preserve = s["x-kubernetes-preserve-unknown-fields"] === true || s.additionalProperties === true;
  for (const k of Object.keys(v)) {
    if (typeMetaAllowed && (k === "apiVersion" || k === "kind" || k === "metadata")) continue;
    const ps = s.properties?.[k] ?? ap;
    if (!ps) {
      if (!preserve) {
        out.fields.push(child(path, k));
        delete v[k];
      }
      continue;
    }
    pruneValue(v[k], ps, child(path, k), out);
  }
}

function pruneValue(v: unknown, s: JSONSchemaProps, path: string, out: Pruned): void {
  if (isPlainObject(v)) pruneObject(v, s, path, s["x-kubernetes-embedded-resource"] === true, out);
  else if (Array.isArray(v) && s.items) for (const [i, item] of v.entries()) pruneValue(item, s.items, `${path}[${i}]`, out);
}

// ---- defaulting ----

/** Applies schema defaults in place (missing fields, and nulls of non-nullable fields). */
export function applyDefaults(v: unknown, s: JSONSchemaProps | undefined): void {
  if (!s) return;
  if (isPlainObject(v)) {
    for (const [k, ps] of Object.entries(s.properties ?? {})) {
      if (ps.default !== undefined && (!(k in v) || (v[k] === null && !ps.nullable))) v[k] = structuredClone(ps.default);
    }
    const ap = additionalSchema(s);
    for (const [k, val] of Object.entries(v)) {
      const ps = s.properties?.[k] ?? ap;
      if (ps) applyDefaults(val, ps);
    }
  } else if (Array.isArray(v) && s.items) {
    for (const item of v) applyDefaults(item, s.items);
  }
}

/**
 * Structural OpenAPI v3 schemas of CustomResourceDefinitions (apiextensions.k8s.io/v1 JSONSchemaProps) and the
 * structural-schema check kube-apiserver runs on a CRD's schemas, with upstream's messages.
 */
import { validateValue } from "./values.js";
import { fieldErrors, type FieldError, type FieldPath } from "../core/validation.js";

export interface JSONSchemaProps {
  type?: string;
  format?: string;
  description?: string;
  title?: string;
  default?: unknown;
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, JSONSchemaProps>;
  required?: string[];
  items?: JSONSchemaProps;
  additionalProperties?: JSONSchemaProps | boolean;
  maximum?: number;
  minimum?: number;
  exclusiveMaximum?: boolean;
  exclusiveMinimum?: boolean;
  multipleOf?: number;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  maxItems?: number;
  minItems?: number;
  uniqueItems?: boolean;
  maxProperties?: number;
  minProperties?: number;
  allOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  "x-kubernetes-list-type"?: string;
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: string;
  "x-kubernetes-validations"?: unknown[];
}

/** The schema of additionalProperties when it is a schema (not a boolean). */
export function additionalSchema(s: JSONSchemaProps): JSONSchemaProps | undefined {
  return typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
}

const knownTypes = ["array", "boolean", "integer", "number", "object", "string"];

/**
 * Structural-schema and CRD-schema errors for a version's openAPIV3Schema at `path`
 * (`spec.versions[0].schema.openAPIV3Schema`).
 */
export function validateStructuralSchema(schema: JSONSchemaProps, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (schema.type !== "object" && schema.type !== undefined) errs.push(fieldErrors.invalid(path.child("type"), schema.type, "must be object at the root"));
  walk(schema, path, true, false, errs, "");
  const meta = schema.properties?.metadata;
  if (meta) {
    const mp = path.child("properties").key("metadata");
    const extra = Object.keys(meta).filter((k) => !["type", "properties", "description", "nullable"].includes(k));
    const props = Object.keys(meta.properties ?? {}).filter((k) => k !== "name" && k !== "generateName");
    if (meta.type !== undefined && meta.type !== "object") errs.push(fieldErrors.invalid(mp.child("type"), meta.type, "must be object"));
    if (extra.length > 0 || props.length > 0) {
      errs.push(fieldErrors.forbidden(mp, "must not specify anything other than name and generateName, but metadata is implicitly specified"));
    }
  }
  return errs;
}

/**
 * `vp` is where a value of this node sits in an object (dotted, "" at the root), for the messages of invalid
 * defaults, which name the field as the object's validation would: "spec.replicas in body should be ...".
 */
function walk(s: JSONSchemaProps, p: FieldPath, root: boolean, inJunctor: boolean, errs: FieldError[], vp: string): void {
  const intOrString = s["x-kubernetes-int-or-string"] === true;
  const preserve = s["x-kubernetes-preserve-unknown-fields"];
  if (!inJunctor) {
    if (intOrString) {
      if (s.type !== undefined) errs.push(fieldErrors.invalid(p.child("type"), s.type, "must be empty if x-kubernetes-int-or-string is true"));
    } else if (s.type === undefined || s.type === "") {
      if (root) errs.push(fieldErrors.required(p.child("type"), "must not be empty at the root"));
      else if (preserve !== true) errs.push(fieldErrors.required(p.child("type"), "must not be empty for specified object fields"));
    }
  }
  if (s.type !== undefined && !knownTypes.includes(s.type)) errs.push(fieldErrors.notSupported(p.child("type"), s.type, knownTypes));
  if (preserve === false) errs.push(fieldErrors.invalid(p.child("x-kubernetes-preserve-unknown-fields"), false, "must be true or undefined"));
  if (s.properties && s.additionalProperties !== undefined && s.additionalProperties !== true) {
    errs.push(fieldErrors.forbidden(p.child("additionalProperties"), "additionalProperties and properties are mutual exclusive"));
  }
  if (s.additionalProperties === false) errs.push(fieldErrors.forbidden(p.child("additionalProperties"), "must not explicitly set additionalProperties to false"));
  if (s.type === "array" && !s.items && !inJunctor) errs.push(fieldErrors.required(p.child("items"), "must be specified"));
  if (s["x-kubernetes-embedded-resource"] === true && s.type !== "object") errs.push(fieldErrors.invalid(p.child("type"), s.type ?? "", "must be object if x-kubernetes-embedded-resource is true"));
  if (s["x-kubernetes-embedded-resource"] === true && !s.properties && preserve !== true) {
    errs.push(fieldErrors.required(p.child("properties"), "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"));
  }
  const lt = s["x-kubernetes-list-type"];
  if (lt !== undefined) {
    if (s.type !== "array") errs.push(fieldErrors.invalid(p.child("x-kubernetes-list-type"), lt, "must only be used if type is array"));
    if (!["atomic", "set", "map"].includes(lt)) errs.push(fieldErrors.notSupported(p.child("x-kubernetes-list-type"), lt, ["atomic", "set", "map"]));
    if (lt === "map") {
      const keys = s["x-kubernetes-list-map-keys"] ?? [];
      if (keys.length === 0) errs.push(fieldErrors.required(p.child("x-kubernetes-list-map-keys"), "must not be empty if x-kubernetes-list-type is map"));
      if (s.items && s.items.type !== "object") errs.push(fieldErrors.invalid(p.child("items").child("type"), s.items.type ?? "", "must be object if parent array's x-kubernetes-list-type is map"));
      for (const [i, k] of keys.entries()) {
        if (s.items && !s.items.properties?.[k]) errs.push(fieldErrors.invalid(p.child("x-kubernetes-list-map-keys").index(i), k, "entries must all be names of item properties"));
      }
    }
  } else if (s["x-kubernetes-list-map-keys"] !== undefined) {
    errs.push(fieldErrors.invalid(p.child("x-kubernetes-list-map-keys"), s["x-kubernetes-list-map-keys"], "must only be used if x-kubernetes-list-type is map"));
  }
  const mt = s["x-kubernetes-map-type"];
  if (mt !== undefined) {
    if (s.type !== "object") errs.push(fieldErrors.invalid(p.child("x-kubernetes-map-type"), mt, "must only be used if type is object"));
    if (mt !== "atomic" && mt !== "granular") errs.push(fieldErrors.notSupported(p.child("x-kubernetes-map-type"), mt, ["atomic", "granular"]));
  }
  if (s.pattern !== undefined) {
    try {
      new RegExp(s.pattern, "u");
    } catch {
      errs.push(fieldErrors.invalid(p.child("pattern"), s.pattern, "must be a valid regular expression"));
    }
  }
  // a default must itself be valid (upstream rejects the CRD rather than store objects that fail validation)
  if (s.default !== undefined && !inJunctor) {
    for (const e of validateValue(s, s.default, vp)) errs.push(fieldErrors.invalid(p.child("default"), s.default, e.detail));
  }
  const at = (name: string): string => (vp ? `${vp}.${name}` : name);
  for (const [name, child] of Object.entries(s.properties ?? {})) walk(child, p.child("properties").key(name), false, inJunctor, errs, at(name));
  if (s.items) walk(s.items, p.child("items"), false, inJunctor, errs, `${vp}[0]`);
  const ap = additionalSchema(s);
  if (ap) walk(ap, p.child("additionalProperties"), false, inJunctor, errs, at("additionalProperties"));
  for (const j of ["allOf", "anyOf", "oneOf"] as const) {
    for (const [i, c] of (s[j] ?? []).entries()) walk(c, p.child(j).index(i), false, true, errs, vp);
  }
  if (s.not) walk(s.not, p.child("not"), false, true, errs, vp);
}

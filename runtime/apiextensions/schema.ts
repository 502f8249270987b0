/**
 * Structural OpenAPI v3 schemas of CustomResourceDefinitions (apiextensions.k8s.io/v1 JSONSchemaProps) and the
 * structural-schema check kube-apiserver runs on a CRD's schemas, with upstream's messages.
 */
import { validateValue } from "./values.js";
import { re2Error } from "./re2.js";
import { fieldErrors, fieldErrorString, FieldPath, type FieldError } from "../core/validation.js";

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
  // accepted by the API (JSONSchemaProps) but refused by CRD validation
  $ref?: string;
  id?: string;
  $schema?: string;
  patternProperties?: Record<string, JSONSchemaProps>;
  additionalItems?: JSONSchemaProps | boolean;
  definitions?: Record<string, JSONSchemaProps>;
  dependencies?: Record<string, JSONSchemaProps | string[]>;
  externalDocs?: { description?: string; url?: string };
  example?: unknown;
}

/** The schema of additionalProperties when it is a schema (not a boolean). */
export function additionalSchema(s: JSONSchemaProps): JSONSchemaProps | undefined {
  return typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
}

const openAPIV3Types = ["array", "boolean", "integer", "number", "object", "string"];

/**
 * What kube-apiserver's CRD validation requires of a version's schema beyond structurality; update validation
 * relaxes a rule when the stored CRD already breaks it (ratcheting), as upstream's validationOptions do.
 */
export interface SchemaValidationOptions {
  /** Items of an `x-kubernetes-list-type: set` list must be atomic (scalars, atomic lists or atomic maps). */
  requireAtomicSetType?: boolean;
  /** `map`/`set` list items are not nullable; map keys are required or defaulted and not nullable. */
  requireMapListKeysMapSetValidation?: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isSchema = (v: unknown): v is JSONSchemaProps => isRecord(v);

/** Go's reflect zero value for a decoded JSONSchemaProps field (a present slice or map is never zero). */
function isZero(v: unknown): boolean {
  return v === undefined || v === false || v === "" || v === null;
}

/**
 * Structural-schema and CRD-schema errors for a version's openAPIV3Schema at `path`
 * (`spec.versions[0].schema.openAPIV3Schema`), as upstream's validateCustomResourceDefinitionValidation: the
 * structural invariants (sorted as upstream sorts them), then — only for a structural schema — invalid defaults,
 * then the OpenAPI-schema rules in walk order. A schema that cannot be made structural at all ($ref,
 * patternProperties, …) reports the OpenAPI-schema rules alone.
 */
export function validateStructuralSchema(schema: JSONSchemaProps, path: FieldPath, opts: SchemaValidationOptions = {}): FieldError[] {
  const errs: FieldError[] = [];
  if (schema.nullable === true) errs.push(fieldErrors.forbidden(path.child("nullable"), "nullable cannot be true at the root"));
  const unsupported = unsupportedFieldError(schema);
  if (unsupported === undefined) {
    const structural = structuralErrors(schema, path);
    errs.push(...(structural.length > 0 ? structural : defaultErrors(schema, path)));
  }
  const ctx: Ctx = { requireAtomicSetType: opts.requireAtomicSetType ?? true, requireMapListKeysMapSetValidation: opts.requireMapListKeysMapSetValidation ?? true };
  openAPISchemaErrors(schema, path, { allowDefaults: true, insideResourceMeta: false }, true, ctx, errs);
  if (errs.length === 0 && unsupported !== undefined) errs.push(fieldErrors.invalid(path, "", unsupported));
  return errs;
}

/** NewStructural's refusal: the fields it cannot represent (reported only when nothing else is). */
function unsupportedFieldError(s: JSONSchemaProps | undefined): string | undefined {
  if (!isSchema(s)) return undefined;
  if (s.id) return "OpenAPIV3Schema 'id' is not supported";
  if (s.$schema) return "OpenAPIV3Schema 'schema' is not supported";
  if (s.$ref) return "OpenAPIV3Schema '$ref' is not supported";
  if (isRecord(s.patternProperties) && Object.keys(s.patternProperties).length > 0) return "OpenAPIV3Schema 'patternProperties' is not supported";
  if (isRecord(s.dependencies) && Object.keys(s.dependencies).length > 0) return "OpenAPIV3Schema 'dependencies' is not supported";
  if (s.additionalItems !== undefined) return "OpenAPIV3Schema 'additionalItems' is not supported";
  if (isRecord(s.definitions) && Object.keys(s.definitions).length > 0) return "OpenAPIV3Schema 'definitions' is not supported";
  if (s["x-kubernetes-preserve-unknown-fields"] === false) return "internal error: 'x-kubernetes-preserve-unknown-fields' must be true or undefined";
  const items: unknown = s.items;
  if (Array.isArray(items) && items.length > 0) return "OpenAPIV3Schema 'items' must be a schema, but is an array";
  const subs: (JSONSchemaProps | undefined)[] = [
    ...(isSchema(items) ? [items as JSONSchemaProps] : []),
    ...Object.values(s.properties ?? {}),
    typeof s.additionalProperties === "object" ? s.additionalProperties : undefined,
    ...(s.allOf ?? []),
    ...(s.anyOf ?? []),
    ...(s.oneOf ?? []),
    s.not,
  ];
  for (const c of subs) {
    const e = unsupportedFieldError(c);
    if (e !== undefined) return e;
  }
  return undefined;
}

// ---- structural invariants (apiserver/schema/validation.go, complete.go) ----

type Level = "root" | "item" | "field";

function structuralErrors(schema: JSONSchemaProps, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  invariants(schema, "root", path, errs);
  completeness(schema, schema, path, path, errs);
  const key = (e: FieldError): string => fieldErrorString(e);
  return errs.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function invariants(s: JSONSchemaProps, lvl: Level, p: FieldPath, errs: FieldError[]): void {
  if (!isSchema(s)) return;
  if (s.type === "array" && !isSchema(s.items)) errs.push(fieldErrors.required(p.child("items"), "must be specified"));
  if (isSchema(s.items)) invariants(s.items, "item", p.child("items"), errs);
  for (const [k, v] of Object.entries(s.properties ?? {})) invariants(v, "field", p.child("properties").key(k), errs);
  const ap = s.additionalProperties;
  if (ap !== undefined) {
    if (lvl === "root") errs.push(fieldErrors.forbidden(p.child("additionalProperties"), "must not be used at the root"));
    if (isSchema(ap)) invariants(ap, "field", p.child("additionalProperties"), errs);
  }
  const intOrString = s["x-kubernetes-int-or-string"] === true;
  const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
  const embedded = s["x-kubernetes-embedded-resource"] === true;
  if (intOrString && preserve) errs.push(fieldErrors.invalid(p.child("x-kubernetes-preserve-unknown-fields"), true, "must be false if x-kubernetes-int-or-string is true"));
  if (intOrString && embedded) errs.push(fieldErrors.invalid(p.child("x-kubernetes-embedded-resource"), true, "must be false if x-kubernetes-int-or-string is true"));

  valueValidation(s, isIntOrStringAnyOf(s.anyOf), isIntOrStringAnyOf(s.allOf?.[0]?.anyOf), p, errs);

  const type = s.type ?? "";
  if (embedded && type !== "object") {
    if (type === "") errs.push(fieldErrors.required(p.child("type"), "must be object if x-kubernetes-embedded-resource is true"));
    else errs.push(fieldErrors.invalid(p.child("type"), type, "must be object if x-kubernetes-embedded-resource is true"));
  } else if (type === "" && !intOrString && !preserve) {
    const detail = lvl === "root" ? "must not be empty at the root" : lvl === "item" ? "must not be empty for specified array items" : "must not be empty for specified object fields";
    errs.push(fieldErrors.required(p.child("type"), detail));
  }
  if (embedded && ap !== undefined) errs.push(fieldErrors.forbidden(p.child("additionalProperties"), "must not be used if x-kubernetes-embedded-resource is set"));
  if (lvl === "root" && type !== "" && type !== "object") errs.push(fieldErrors.invalid(p.child("type"), type, "must be object at the root"));

  const checkMetadata = lvl === "root" || embedded;
  const props = s.properties ?? {};
  for (const k of ["kind", "apiVersion"]) {
    const f = props[k];
    if (f && checkMetadata && f.type !== "string") errs.push(fieldErrors.invalid(p.child("properties").key(k).child("type"), f.type ?? "", "must be string"));
  }
  if (props.metadata) metadataInvariants(props.metadata, checkMetadata, lvl, p.child("properties").key("metadata"), errs);
  if (embedded && !preserve && Object.keys(props).length === 0) {
    errs.push(fieldErrors.required(p.child("properties"), "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"));
  }
}

/** Fields of a schema that are not part of its structural representation (ignored by the metadata rule). */
const unstructuralFields = new Set(["example", "externalDocs"]);

function metadataInvariants(m: JSONSchemaProps, checkMetadata: boolean, lvl: Level, p: FieldPath, errs: FieldError[]): void {
  if (checkMetadata && m.type !== "object") errs.push(fieldErrors.invalid(p.child("type"), m.type ?? "", "must be object"));
  if (lvl !== "root") return;
  // only name and generateName may be restricted (and only them: any other property keeps the rest specified)
  const props = Object.keys(m.properties ?? {});
  const onlyNames = props.every((k) => k === "name" || k === "generateName");
  const rest = Object.entries(m).filter(([k, v]) => k !== "type" && k !== "default" && k !== "properties" && !unstructuralFields.has(k) && !isZero(v));
  if (!onlyNames || rest.length > 0) {
    errs.push(fieldErrors.forbidden(p, "must not specify anything other than name and generateName, but metadata is implicitly specified"));
  }
}

/** The `anyOf: [{type: integer}, {type: string}]` of x-kubernetes-int-or-string, which may carry types. */
function isIntOrStringAnyOf(anyOf: JSONSchemaProps[] | undefined): boolean {
  const only = (x: JSONSchemaProps | undefined, type: string): boolean =>
    isSchema(x) && x.type === type && Object.entries(x).every(([k, v]) => k === "type" || isZero(v));
  return anyOf?.length === 2 && only(anyOf[0], "integer") && only(anyOf[1], "string");
}

function valueValidation(v: JSONSchemaProps, skipAnyOf: boolean, skipFirstAllOfAnyOf: boolean, p: FieldPath, errs: FieldError[]): void {
  if (!skipAnyOf) for (const [i, x] of (v.anyOf ?? []).entries()) nestedValueValidation(x, false, p.child("anyOf").index(i), errs);
  for (const [i, x] of (v.allOf ?? []).entries()) nestedValueValidation(x, skipFirstAllOfAnyOf && i === 0, p.child("allOf").index(i), errs);
  for (const [i, x] of (v.oneOf ?? []).entries()) nestedValueValidation(x, false, p.child("oneOf").index(i), errs);
  if (v.not) nestedValueValidation(v.not, false, p.child("not"), errs);
  if (typeof v.pattern === "string" && v.pattern !== "") {
    const err = re2Error(v.pattern);
    if (err !== undefined) errs.push(fieldErrors.invalid(p.child("pattern"), v.pattern, `must be a valid regular expression, but isn't: ${err}`));
  }
}

/** What a schema under allOf/anyOf/oneOf/not may say: value validations only, never structure or extensions. */
function nestedValueValidation(v: JSONSchemaProps, skipAnyOf: boolean, p: FieldPath, errs: FieldError[]): void {
  if (!isSchema(v)) return;
  valueValidation(v, skipAnyOf, false, p, errs);
  if (isSchema(v.items)) nestedValueValidation(v.items, false, p.child("items"), errs);
  for (const [k, x] of Object.entries(v.properties ?? {})) nestedValueValidation(x, false, p.child("properties").key(k), errs);
  const forbid = (name: string, detail: string): void => {
    errs.push(fieldErrors.forbidden(p.child(name), detail));
  };
  if (v.type) forbid("type", "must be empty to be structural");
  if (v.additionalProperties !== undefined) forbid("additionalProperties", "must be undefined to be structural");
  if (v.default !== undefined) forbid("default", "must be undefined to be structural");
  if (v.title) forbid("title", "must be empty to be structural");
  if (v.description) forbid("description", "must be empty to be structural");
  if (v.nullable) forbid("nullable", "must be false to be structural");
  if (v.externalDocs !== undefined) forbid("externalDocs", "must be undefined to be structural");
  if (v["x-kubernetes-preserve-unknown-fields"]) forbid("x-kubernetes-preserve-unknown-fields", "must be false to be structural");
  if (v["x-kubernetes-embedded-resource"]) forbid("x-kubernetes-embedded-resource", "must be false to be structural");
  if (v["x-kubernetes-int-or-string"]) forbid("x-kubernetes-int-or-string", "must be false to be structural");
  if ((v["x-kubernetes-list-map-keys"] ?? []).length > 0) forbid("x-kubernetes-list-map-keys", "must be empty to be structural");
  if (v["x-kubernetes-list-type"] !== undefined) forbid("x-kubernetes-list-type", "must be undefined to be structural");
  if (v["x-kubernetes-map-type"] !== undefined) forbid("x-kubernetes-map-type", "must be undefined to be structural");
  if ((v["x-kubernetes-validations"] ?? []).length > 0) forbid("x-kubernetes-validations", "must be empty to be structural");
  if (v.properties?.metadata) errs.push(fieldErrors.forbidden(p.child("properties").key("metadata"), "must not be specified in a nested context"));
}

/**
 * validateStructuralCompleteness: every property or items a junctor of the root schema names must also be
 * specified structurally (upstream checks the root's junctors, recursing into what they name).
 */
function completeness(v: JSONSchemaProps, s: JSONSchemaProps | undefined, sPath: FieldPath, vPath: FieldPath, errs: FieldError[]): void {
  const junctors: [JSONSchemaProps, FieldPath][] = [
    ...(v.not ? [[v.not, vPath.child("not")] as [JSONSchemaProps, FieldPath]] : []),
    ...(v.allOf ?? []).map((x, i): [JSONSchemaProps, FieldPath] => [x, vPath.child("allOf").index(i)]),
    ...(v.anyOf ?? []).map((x, i): [JSONSchemaProps, FieldPath] => [x, vPath.child("anyOf").index(i)]),
    ...(v.oneOf ?? []).map((x, i): [JSONSchemaProps, FieldPath] => [x, vPath.child("oneOf").index(i)]),
  ];
  for (const [x, xp] of junctors) nestedCompleteness(x, s, sPath, xp, errs);
}

function nestedCompleteness(v: JSONSchemaProps | undefined, s: JSONSchemaProps | undefined, sPath: FieldPath, vPath: FieldPath, errs: FieldError[]): void {
  if (!isSchema(v)) return;
  if (!isSchema(s)) {
    errs.push(fieldErrors.required(sPath, `because it is defined in ${vPath.toString()}`));
    return;
  }
  completeness(v, s, sPath, vPath, errs);
  if (isSchema(v.items)) nestedCompleteness(v.items, isSchema(s.items) ? s.items : undefined, sPath.child("items"), vPath.child("items"), errs);
  for (const [k, x] of Object.entries(v.properties ?? {})) {
    const sp = s.properties?.[k];
    if (!sp) errs.push(fieldErrors.required(sPath.child("properties").key(k), `because it is defined in ${vPath.child("properties").key(k).toString()}`));
    else nestedCompleteness(x, sp, sPath.child("properties").key(k), vPath.child("properties").key(k), errs);
  }
}

// ---- defaults (apiserver/schema/defaulting/validation.go) ----

/**
 * A default must itself pass the schema (upstream rejects the CRD rather than store objects that fail validation).
 * `vp` is where a value of the node sits in an object, for the messages: "spec.replicas in body should be ...".
 */
function defaultErrors(schema: JSONSchemaProps, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const walk = (s: JSONSchemaProps, p: FieldPath, vp: string): void => {
    if (!isSchema(s)) return;
    if (s.default !== undefined) for (const e of validateValue(s, s.default, vp)) errs.push(fieldErrors.invalid(p.child("default"), s.default, e.detail));
    const at = (name: string): string => (vp ? `${vp}.${name}` : name);
    for (const [name, child] of Object.entries(s.properties ?? {})) walk(child, p.child("properties").key(name), at(name));
    if (isSchema(s.items)) walk(s.items, p.child("items"), `${vp}[0]`);
    const ap = additionalSchema(s);
    if (ap) walk(ap, p.child("additionalProperties"), at("additionalProperties"));
  };
  walk(schema, path, "");
  return errs;
}

// ---- OpenAPI schema rules (apis/apiextensions/validation/validation.go) ----

interface Ctx {
  requireAtomicSetType: boolean;
  requireMapListKeysMapSetValidation: boolean;
}

interface Ssv {
  allowDefaults: boolean;
  disallowDefaultsReason?: string;
  insideResourceMeta: boolean;
}

const metaFields = new Set(["metadata", "kind", "apiVersion"]);

/** specStandardValidatorV3.validate: what an OpenAPI v3 schema of a CRD may not use. */
function standardErrors(s: JSONSchemaProps, p: FieldPath, ssv: Ssv, errs: FieldError[]): void {
  if (s.type !== undefined && s.type !== "" && !openAPIV3Types.includes(s.type)) errs.push(fieldErrors.notSupported(p.child("type"), s.type, openAPIV3Types));
  if (s.default !== undefined && !ssv.allowDefaults) {
    errs.push(fieldErrors.forbidden(p.child("default"), ssv.disallowDefaultsReason ? `must not be set ${ssv.disallowDefaultsReason}` : "must not be set"));
  }
  if (s.id) errs.push(fieldErrors.forbidden(p.child("id"), "id is not supported"));
  if (s.additionalItems !== undefined) errs.push(fieldErrors.forbidden(p.child("additionalItems"), "additionalItems is not supported"));
  if (isRecord(s.patternProperties) && Object.keys(s.patternProperties).length > 0) errs.push(fieldErrors.forbidden(p.child("patternProperties"), "patternProperties is not supported"));
  if (isRecord(s.definitions) && Object.keys(s.definitions).length > 0) errs.push(fieldErrors.forbidden(p.child("definitions"), "definitions is not supported"));
  if (s.dependencies !== undefined) errs.push(fieldErrors.forbidden(p.child("dependencies"), "dependencies is not supported"));
  if (s.$ref !== undefined) errs.push(fieldErrors.forbidden(p.child("$ref"), "$ref is not supported"));
  if (s.type === "null") errs.push(fieldErrors.forbidden(p.child("type"), "type cannot be set to null, use nullable as an alternative"));
  const items: unknown = s.items;
  if (Array.isArray(items) && items.length > 0) errs.push(fieldErrors.forbidden(p.child("items"), "items must be a schema object and not an array"));
  if (ssv.insideResourceMeta && s["x-kubernetes-embedded-resource"] === true) errs.push(fieldErrors.forbidden(p.child("x-kubernetes-embedded-resource"), "must not be used inside of resource meta"));
}

function openAPISchemaErrors(s: JSONSchemaProps | undefined, p: FieldPath, ssv: Ssv, isRoot: boolean, ctx: Ctx, errs: FieldError[]): void {
  if (!isSchema(s)) return;
  standardErrors(s, p, ssv, errs);
  if (s.uniqueItems === true) errs.push(fieldErrors.forbidden(p.child("uniqueItems"), "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));

  const props = s.properties ?? {};
  const hasProps = Object.keys(props).length > 0;
  if (s.additionalProperties !== undefined) {
    if (hasProps && (s.additionalProperties === false || isSchema(s.additionalProperties))) {
      errs.push(fieldErrors.forbidden(p.child("additionalProperties"), "additionalProperties and properties are mutual exclusive"));
    }
    // defaults inside a map of object metadata (labels, annotations) cannot be pruned unambiguously
    const sub = ssv.insideResourceMeta ? { ...ssv, allowDefaults: false, disallowDefaultsReason: "inside additionalProperties applying to object metadata" } : ssv;
    if (isSchema(s.additionalProperties)) openAPISchemaErrors(s.additionalProperties, p.child("additionalProperties"), sub, false, ctx, errs);
  }
  for (const [k, child] of Object.entries(props)) {
    let sub = ssv;
    if ((isRoot || s["x-kubernetes-embedded-resource"] === true) && metaFields.has(k)) {
      sub = { ...sub, insideResourceMeta: true };
      if (isRoot) sub = { ...sub, allowDefaults: false, disallowDefaultsReason: `in top-level ${k}` };
    }
    openAPISchemaErrors(child, p.child("properties").key(k), sub, false, ctx, errs);
  }
  openAPISchemaErrors(s.not, p.child("not"), ssv, false, ctx, errs);
  for (const [i, c] of (s.allOf ?? []).entries()) openAPISchemaErrors(c, p.child("allOf").index(i), ssv, false, ctx, errs);
  for (const [i, c] of (s.oneOf ?? []).entries()) openAPISchemaErrors(c, p.child("oneOf").index(i), ssv, false, ctx, errs);
  for (const [i, c] of (s.anyOf ?? []).entries()) openAPISchemaErrors(c, p.child("anyOf").index(i), ssv, false, ctx, errs);
  for (const [k, c] of Object.entries(isRecord(s.definitions) ? s.definitions : {})) openAPISchemaErrors(c, p.child("definitions").key(k), ssv, false, ctx, errs);
  const items: unknown = s.items;
  if (Array.isArray(items)) for (const [i, c] of items.entries()) openAPISchemaErrors(c as JSONSchemaProps, p.child("items").index(i), ssv, false, ctx, errs);
  else openAPISchemaErrors(s.items, p.child("items"), ssv, false, ctx, errs);
  for (const [k, c] of Object.entries(isRecord(s.dependencies) ? s.dependencies : {})) {
    if (isSchema(c)) openAPISchemaErrors(c as JSONSchemaProps, p.child("dependencies").key(k), ssv, false, ctx, errs);
  }

  if (s["x-kubernetes-preserve-unknown-fields"] === false) errs.push(fieldErrors.invalid(p.child("x-kubernetes-preserve-unknown-fields"), false, "must be true or undefined"));
  const type = s.type ?? "";
  const mt = s["x-kubernetes-map-type"];
  if (mt !== undefined && type !== "object") {
    if (type === "") errs.push(fieldErrors.required(p.child("type"), "must be object if x-kubernetes-map-type is specified"));
    else errs.push(fieldErrors.invalid(p.child("type"), type, "must be object if x-kubernetes-map-type is specified"));
  }
  if (mt !== undefined && mt !== "atomic" && mt !== "granular") errs.push(fieldErrors.notSupported(p.child("x-kubernetes-map-type"), mt, ["atomic", "granular"]));

  const lt = s["x-kubernetes-list-type"];
  const itemSchema = isSchema(items) ? (items as JSONSchemaProps) : undefined;
  if (lt !== undefined && type !== "array") {
    if (type === "") errs.push(fieldErrors.required(p.child("type"), "must be array if x-kubernetes-list-type is specified"));
    else errs.push(fieldErrors.invalid(p.child("type"), type, "must be array if x-kubernetes-list-type is specified"));
  } else if (ctx.requireAtomicSetType && lt === "set" && itemSchema) {
    const ilt = itemSchema["x-kubernetes-list-type"];
    if (itemSchema.type === "array" && ilt !== undefined && ilt !== "atomic") {
      errs.push(fieldErrors.invalid(p.child("items").child("x-kubernetes-list-type"), ilt, "must be atomic as item of a list with x-kubernetes-list-type=set"));
    } else if (itemSchema.type === "object" && itemSchema["x-kubernetes-map-type"] !== "atomic") {
      // upstream reports the items' list type here (unset on an object: "null")
      errs.push(fieldErrors.invalid(p.child("items").child("x-kubernetes-map-type"), ilt ?? "null", "must be atomic as item of a list with x-kubernetes-list-type=set"));
    }
  }
  if (lt !== undefined && lt !== "atomic" && lt !== "set" && lt !== "map") errs.push(fieldErrors.notSupported(p.child("x-kubernetes-list-type"), lt, ["atomic", "set", "map"]));
  const keys = s["x-kubernetes-list-map-keys"] ?? [];
  if (keys.length > 0) {
    if (lt === undefined) errs.push(fieldErrors.required(p.child("x-kubernetes-list-type"), "must be map if x-kubernetes-list-map-keys is non-empty"));
    else if (lt !== "map") errs.push(fieldErrors.invalid(p.child("x-kubernetes-list-type"), lt, "must be map if x-kubernetes-list-map-keys is non-empty"));
  }
  if (lt === "map") {
    if (keys.length === 0) errs.push(fieldErrors.required(p.child("x-kubernetes-list-map-keys"), "must not be empty if x-kubernetes-list-type is map"));
    if (items === undefined) errs.push(fieldErrors.required(p.child("items"), "must have a schema if x-kubernetes-list-type is map"));
    else if (!itemSchema) errs.push(fieldErrors.invalid(p.child("items"), items, "must only have a single schema if x-kubernetes-list-type is map"));
    if (itemSchema && itemSchema.type !== "object") {
      errs.push(fieldErrors.invalid(p.child("items").child("type"), itemSchema.type ?? "", "must be object if parent array's x-kubernetes-list-type is map"));
    }
    if (itemSchema && itemSchema.type === "object") {
      const seen = new Set<string>();
      for (const k of keys) {
        const ks = itemSchema.properties?.[k];
        if (ks) {
          if (ks.type === "array" || ks.type === "object") {
            errs.push(fieldErrors.invalid(p.child("items").child("properties").key(k).child("type"), itemSchema.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
          }
        } else {
          errs.push(fieldErrors.invalid(p.child("x-kubernetes-list-map-keys"), keys, "entries must all be names of item properties"));
        }
        if (seen.has(k)) errs.push(fieldErrors.invalid(p.child("x-kubernetes-list-map-keys"), keys, "must not contain duplicate entries"));
        seen.add(k);
      }
    }
  }
  if (ctx.requireMapListKeysMapSetValidation) errs.push(...mapListKeysMapSetErrors(s, p));
}

/** validateMapListKeysMapSet: map and set items are not nullable; map keys are required or defaulted, never nullable. */
function mapListKeysMapSetErrors(s: JSONSchemaProps, p: FieldPath): FieldError[] {
  const items: unknown = s.items;
  const lt = s["x-kubernetes-list-type"];
  if (!isSchema(items) || (lt !== "set" && lt !== "map")) return [];
  const is = items as JSONSchemaProps;
  const errs: FieldError[] = [];
  if (is.nullable === true) errs.push(fieldErrors.forbidden(p.child("items").child("nullable"), `cannot be nullable when x-kubernetes-list-type is ${lt}`));
  if (lt === "map") {
    const required = new Set(is.required ?? []);
    for (const k of s["x-kubernetes-list-map-keys"] ?? []) {
      const ks = is.properties?.[k];
      if (!ks) continue;
      const kp = p.child("items").child("properties").key(k);
      if (!required.has(k) && ks.default === undefined) {
        errs.push(fieldErrors.required(kp.child("default"), "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"));
      }
      if (ks.nullable === true) errs.push(fieldErrors.forbidden(kp.child("nullable"), "this property is in x-kubernetes-list-map-keys, so it cannot be nullable"));
    }
  }
  return errs;
}

/** Whether a schema has an `x-kubernetes-list-type: set` whose items are not atomic (upstream's hasNonAtomicSetType). */
export function hasNonAtomicSetType(s: JSONSchemaProps | undefined): boolean {
  return schemaHas(s, (x) => {
    const items: unknown = x.items;
    if (x["x-kubernetes-list-type"] !== "set" || !isSchema(items)) return false;
    const is = items as JSONSchemaProps;
    if (is.type === "array") return is["x-kubernetes-list-type"] !== undefined && is["x-kubernetes-list-type"] !== "atomic";
    if (is.type === "object") return is["x-kubernetes-map-type"] !== "atomic";
    return false;
  });
}

/** Whether a schema breaks the map/set list rules (upstream's hasInvalidMapListKeysMapSet). */
export function hasInvalidMapListKeysMapSet(s: JSONSchemaProps | undefined): boolean {
  return schemaHas(s, (x) => mapListKeysMapSetErrors(x, FieldPath.root()).length > 0);
}

/** SchemaHas: whether `pred` holds anywhere in the schema. */
function schemaHas(s: JSONSchemaProps | undefined, pred: (s: JSONSchemaProps) => boolean): boolean {
  if (!isSchema(s)) return false;
  if (pred(s)) return true;
  const items: unknown = s.items;
  const subs: unknown[] = [
    ...(Array.isArray(items) ? items : [items]),
    ...(s.allOf ?? []),
    ...(s.anyOf ?? []),
    ...(s.oneOf ?? []),
    s.not,
    ...Object.values(s.properties ?? {}),
    s.additionalProperties,
    ...Object.values(isRecord(s.patternProperties) ? s.patternProperties : {}),
    s.additionalItems,
    ...Object.values(isRecord(s.definitions) ? s.definitions : {}),
    ...Object.values(isRecord(s.dependencies) ? s.dependencies : {}),
  ];
  return subs.some((c) => isSchema(c) && schemaHas(c as JSONSchemaProps, pred));
}

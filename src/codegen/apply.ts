/** Applying validation markers to a schema, with controller-gen's meaning and its type checks. */
import type { MarkerAt } from "./comments.js";
import type { ErrorSink } from "./errors.js";
import type { JSONSchemaProps, ValidationRule } from "./jsonschema.js";
import type { MarkerValue } from "./markers.js";

const isIntOrString = (s: JSONSchemaProps): boolean => s["x-kubernetes-int-or-string"] === true;
const isNumeric = (s: JSONSchemaProps): boolean => s.type === "integer" || s.type === "number" || isIntOrString(s);
const isString = (s: JSONSchemaProps): boolean => s.type === "string" || isIntOrString(s);

function typeOfValue(v: MarkerValue): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function fits(schema: JSONSchemaProps, v: MarkerValue): boolean {
  if (schema.type === undefined) return true;
  const t = typeOfValue(v);
  if (t === "null") return schema.nullable === true;
  if (schema.type === "number") return t === "number" || t === "integer";
  return t === schema.type;
}

function enumValue(schema: JSONSchemaProps, raw: string): MarkerValue {
  if ((schema.type === "integer" || schema.type === "number") && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (schema.type === "boolean" && (raw === "true" || raw === "false")) return raw === "true";
  return raw;
}

const isEmptyObject = (v: MarkerValue): boolean => v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0;

/** POSIX classes RE2 (the API server's regexp engine) accepts inside brackets, as JavaScript escapes. */
const posixClasses: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

/**
 * Why `pattern` is not a regular expression the API server accepts (undefined when it is). The server uses
 * Go's RE2 syntax, so POSIX classes (`[[:punct:]]`), `(?P<name>...)` and leading flags are translated before
 * checking with JavaScript's engine.
 */
export function patternError(pattern: string): string | undefined {
  let js = pattern.replace(/\[:([a-z]+):\]/g, (m, name: string) => posixClasses[name] ?? m);
  js = js.replace(/\(\?P</g, "(?<").replace(/^\(\?[imsU]+\)/, "");
  try {
    new RegExp(js, "u");
    return undefined;
  } catch {
    // not valid with the u flag (e.g. an escaped "/" or a lone "]"): RE2 is laxer there
  }
  try {
    new RegExp(js);
    return undefined;
  } catch (err) {
    return (err as Error).message.replace(/^Invalid regular expression: /, "");
  }
}

const oneOfOrder = ["kubebuilder:validation:AtMostOneOf", "kubebuilder:validation:ExactlyOneOf", "kubebuilder:validation:AtLeastOneOf"];
const reasons = ["FieldValueRequired", "FieldValueInvalid", "FieldValueForbidden", "FieldValueDuplicate"];

function oneOfRule(name: string, fields: string[]): ValidationRule {
  const list = `[${fields.map((f) => `has(self.${f})`).join(",")}].filter(x,x==true).size()`;
  const shown = `[${fields.join(" ")}]`;
  if (name.endsWith("AtMostOneOf")) return { rule: `${list} <= 1`, message: `at most one of the fields in ${shown} may be set` };
  if (name.endsWith("ExactlyOneOf")) return { rule: `${list} == 1`, message: `exactly one of the fields in ${shown} must be set` };
  return { rule: `${list} >= 1`, message: `at least one of the fields in ${shown} must be set` };
}

/** Applies the schema-affecting markers among `markers` to `schema` (others are ignored here). */
export function applyMarkers(schema: JSONSchemaProps, markers: readonly MarkerAt[], errors: ErrorSink): void {
  const ordered = [...markers].sort((a, b) => {
    const pa = a.marker.def.name === "kubebuilder:validation:XIntOrString" || a.marker.def.name === "kubebuilder:validation:Type" ? 0 : 1;
    const pb = b.marker.def.name === "kubebuilder:validation:XIntOrString" || b.marker.def.name === "kubebuilder:validation:Type" ? 0 : 1;
    return pa - pb;
  });
  const oneOfs: { name: string; at: MarkerAt }[] = [];
  let listMapKeys: { at: MarkerAt; key: string }[] = [];
  for (const at of ordered) {
    const { def, value, args } = at.marker;
    const short = def.name.replace(/^kubebuilder:validation:/, "");
    const wrong = (what: string): void => errors.add(at.pos, `marker "+${at.marker.text}" ${what} (expected form: ${def.form})`);
    const need = (ok: boolean, kind: string): boolean => {
      if (!ok) wrong(`applies to ${kind} fields, but this field's schema has type ${schema.type ?? "(none)"}`);
      return ok;
    };
    switch (def.name) {
      case "kubebuilder:validation:Minimum":
        if (need(isNumeric(schema), "number/integer")) schema.minimum = value as number;
        break;
      case "kubebuilder:validation:Maximum":
        if (need(isNumeric(schema), "number/integer")) schema.maximum = value as number;
        break;
      case "kubebuilder:validation:ExclusiveMinimum":
        if (need(isNumeric(schema), "number/integer")) schema.exclusiveMinimum = value as boolean;
        break;
      case "kubebuilder:validation:ExclusiveMaximum":
        if (need(isNumeric(schema), "number/integer")) schema.exclusiveMaximum = value as boolean;
        break;
      case "kubebuilder:validation:MultipleOf":
        if (need(isNumeric(schema), "number/integer")) schema.multipleOf = value as number;
        break;
      case "kubebuilder:validation:MinLength":
        if (need(isString(schema), "string")) schema.minLength = value as number;
        break;
      case "kubebuilder:validation:MaxLength":
        if (need(isString(schema), "string")) schema.maxLength = value as number;
        break;
      case "kubebuilder:validation:Pattern":
        if (need(isString(schema), "string")) {
          const why = patternError(value as string);
          if (why === undefined) schema.pattern = value as string;
          else wrong(`has an invalid regular expression (${why})`);
        }
        break;
      case "kubebuilder:validation:MinItems":
        if (need(schema.type === "array", "array")) schema.minItems = value as number;
        break;
      case "kubebuilder:validation:MaxItems":
        if (need(schema.type === "array", "array")) schema.maxItems = value as number;
        break;
      case "kubebuilder:validation:UniqueItems":
        if (!need(schema.type === "array", "array")) break;
        // kube-apiserver refuses the CRD ("uniqueItems cannot be set to true since the runtime complexity becomes quadratic")
        if (value === true) wrong(`makes a CRD the API server rejects (uniqueItems: true is forbidden, its validation is quadratic); use +listType=set for a list of unique values`);
        else schema.uniqueItems = false;
        break;
      case "kubebuilder:validation:MinProperties":
        if (need(schema.type === "object", "object")) schema.minProperties = value as number;
        break;
      case "kubebuilder:validation:MaxProperties":
        if (need(schema.type === "object", "object")) schema.maxProperties = value as number;
        break;
      case "kubebuilder:validation:Enum":
        schema.enum = (value as string[]).map((v) => enumValue(schema, v));
        break;
      case "kubebuilder:validation:Format":
        schema.format = value as string;
        break;
      case "kubebuilder:validation:Type": {
        const t = value as string;
        if (!["string", "number", "integer", "boolean", "object", "array"].includes(t)) wrong(`names an unknown type "${t}"`);
        else {
          schema.type = t;
          delete schema.anyOf;
          if (t !== "object") delete schema.properties;
        }
        break;
      }
      case "kubebuilder:validation:XIntOrString":
        delete schema.type;
        schema.anyOf = [{ type: "integer" }, { type: "string" }];
        schema["x-kubernetes-int-or-string"] = true;
        break;
      case "kubebuilder:validation:EmbeddedResource":
        schema.type = "object";
        schema["x-kubernetes-embedded-resource"] = true;
        break;
      case "kubebuilder:pruning:PreserveUnknownFields":
        schema["x-kubernetes-preserve-unknown-fields"] = true;
        break;
      case "nullable":
        schema.nullable = true;
        break;
      case "kubebuilder:validation:XValidation": {
        const reason = args.reason as string | undefined;
        if (reason !== undefined && !reasons.includes(reason)) {
          wrong(`has reason "${reason}"; valid reasons are ${reasons.join(", ")}`);
          break;
        }
        const rule: ValidationRule = { rule: args.rule as string };
        for (const k of ["message", "messageExpression", "reason", "fieldPath", "optionalOldSelf"] as const) if (args[k] !== undefined) (rule as unknown as Record<string, MarkerValue>)[k] = args[k] as MarkerValue;
        (schema["x-kubernetes-validations"] ??= []).push(rule);
        break;
      }
      case "kubebuilder:validation:AtMostOneOf":
      case "kubebuilder:validation:ExactlyOneOf":
      case "kubebuilder:validation:AtLeastOneOf": {
        const unknown = (value as string[]).filter((f) => !(f in (schema.properties ?? {})));
        if (unknown.length > 0) wrong(`names field${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `"${u}"`).join(", ")} that the type does not have`);
        else oneOfs.push({ name: def.name, at });
        break;
      }
      case "kubebuilder:default":
      case "default": {
        // +kubebuilder:default wins over +default (controller-gen); `{}` on a list means the empty list
        if (def.name === "default" && markers.some((m) => m.marker.def.name === "kubebuilder:default")) break;
        const v = schema.type === "array" && isEmptyObject(value) ? [] : value;
        if (!fits(schema, v)) wrong(`has a ${typeOfValue(v)} default for a field of type ${schema.type ?? "(none)"}`);
        else schema.default = v;
        break;
      }
      case "kubebuilder:example":
        schema.example = schema.type === "array" && isEmptyObject(value) ? [] : value;
        break;
      case "kubebuilder:title":
        schema.title = value as string;
        break;
      case "listType":
        if (!need(schema.type === "array", "array")) break;
        if (!["atomic", "set", "map"].includes(value as string)) wrong(`must be atomic, set or map`);
        else schema["x-kubernetes-list-type"] = value as string;
        break;
      case "listMapKey":
        if (need(schema.type === "array", "array")) listMapKeys.push({ at, key: value as string });
        break;
      case "mapType":
      case "structType":
        if (!need(schema.type === "object", "object")) break;
        if (!["atomic", "granular"].includes(value as string)) wrong(`must be atomic or granular`);
        // controller-gen writes both as x-kubernetes-map-type (+structType=atomic: the struct is replaced whole)
        else schema["x-kubernetes-map-type"] = value as string;
        break;
      default:
        void short;
    }
  }
  if (listMapKeys.length > 0) {
    if (schema["x-kubernetes-list-type"] !== "map") {
      const at = listMapKeys[0] as { at: MarkerAt };
      errors.add(at.at.pos, `marker "+${at.at.marker.text}" needs +listType=map on the same field (expected form: +listMapKey=<field name>)`);
      listMapKeys = [];
    }
    for (const { at, key } of listMapKeys) {
      if (!(key in (schema.items?.properties ?? {}))) errors.add(at.pos, `marker "+${at.marker.text}": the list items have no field "${key}" (expected form: +listMapKey=<field name>)`);
    }
    if (listMapKeys.length > 0) schema["x-kubernetes-list-map-keys"] = listMapKeys.map((k) => k.key);
  }
  oneOfs.sort((a, b) => oneOfOrder.indexOf(a.name) - oneOfOrder.indexOf(b.name));
  for (const o of oneOfs) (schema["x-kubernetes-validations"] ??= []).push(oneOfRule(o.name, o.at.marker.value as string[]));
}

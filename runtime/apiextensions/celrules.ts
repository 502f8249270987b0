/**
 * The `x-kubernetes-validations` of a CRD version's schema, compiled once: the checks kube-apiserver runs when
 * a CRD is written (ValidateCustomResourceDefinitionOpenAPISchema: rule/message/reason/fieldPath checks,
 * compilation, estimated cost per expression and per schema, oldSelf on uncorrelatable nodes), and the tree of
 * compiled rules the custom-resource validator walks (see celvalidator.ts).
 *
 * Compilation results are cached by schema text, so the CRD write that checks a schema and the
 * ResourceDefinitions that serve it share one compilation.
 */
import { compileValidationRule, costErrorMessage, StaticEstimatedCostLimit, type CelSchema, type CompiledRule, type Reason, type ValidationRule } from "../apiserver/cel/index.js";
import { isPlainObject } from "../core/object.js";
import { fieldErrors, type FieldError } from "../core/validation.js";
import { additionalSchema, type JSONSchemaProps } from "./schema.js";

/** upstream StaticEstimatedCRDCostLimit: the estimated cost of all expressions of one schema. */
export const StaticEstimatedCRDCostLimit = 100_000_000;
const maxRequestSizeBytes = 3 * 1024 * 1024;
const supportedReasons: readonly Reason[] = ["FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"];

/** One schema node with rules at it or below it. */
export interface RuleNode {
  /** The schema's `type` ("object", "string", …), reported as the bad value of a failed rule. */
  readonly type: string;
  readonly rules: readonly CompiledNodeRule[];
  readonly properties?: ReadonlyMap<string, RuleNode>;
  readonly additionalProperties?: RuleNode;
  readonly items?: RuleNode;
  /** x-kubernetes-list-map-keys when the list is a map list (the only lists whose items correlate with old items). */
  readonly listMapKeys?: readonly string[];
}

export interface CompiledNodeRule {
  readonly compiled: CompiledRule;
  /** The rule's fieldPath as a field path suffix (`foo.bar`, `[key]`), undefined without one. */
  readonly fieldPath?: string;
}

export interface CompiledSchemaRules {
  /** The rule tree (undefined when the schema has no rules). */
  readonly root: RuleNode | undefined;
  /** Errors with paths relative to the openAPIV3Schema node (`.properties[spec].x-kubernetes-validations[0].rule`). */
  readonly errors: readonly FieldError[];
}

// ---- helpers ----

function goQuote(s: string): string {
  return JSON.stringify(s);
}

/**
 * The rule as Go's `%#v` prints the internal apiextensions.ValidationRule (upstream uses it as the bad value of
 * compile errors). Go prints the address of a non-nil pointer; a fixed stand-in address keeps this deterministic.
 */
export function goValidationRule(r: ValidationRule): string {
  const ptr = (type: string, set: boolean): string => `(*${type})(${set ? "0xc000000000" : "nil"})`;
  return (
    `apiextensions.ValidationRule{Rule:${goQuote(r.rule)}, Message:${goQuote(r.message ?? "")}, MessageExpression:${goQuote(r.messageExpression ?? "")}, ` +
    `Reason:${ptr("apiextensions.FieldValueErrorReason", r.reason !== undefined)}, FieldPath:${goQuote(r.fieldPath ?? "")}, OptionalOldSelf:${ptr("bool", r.optionalOldSelf !== undefined)}}`
  );
}

function toRule(raw: unknown): ValidationRule {
  const o = isPlainObject(raw) ? raw : {};
  const r: ValidationRule = { rule: typeof o.rule === "string" ? o.rule : "" };
  if (typeof o.message === "string") r.message = o.message;
  if (typeof o.messageExpression === "string") r.messageExpression = o.messageExpression;
  if (typeof o.reason === "string") r.reason = o.reason as Reason;
  if (typeof o.fieldPath === "string") r.fieldPath = o.fieldPath;
  if (typeof o.optionalOldSelf === "boolean") r.optionalOldSelf = o.optionalOldSelf;
  return r;
}

const newlines = /[\n\r]+/;

/** upstream ValidFieldPath: `.a.b`, `['a.b']` over properties and map keys; returns the field path suffix or an error. */
export function validFieldPath(jsonPath: string, schema: JSONSchemaProps): { path: string } | { error: string } {
  const tokens: string[] = [];
  for (let i = 0; i < jsonPath.length; ) {
    const c = jsonPath[i] ?? "";
    if (c === "." || c === "[" || c === "]") {
      tokens.push(c);
      i++;
    } else if (c === "'") {
      let j = i + 1;
      while (j < jsonPath.length && !(jsonPath[j] === "'" && jsonPath[j - 1] !== "\\")) j++;
      tokens.push(jsonPath.slice(i, j + 1));
      i = j + 1;
    } else {
      let j = i;
      while (j < jsonPath.length && !".[]".includes(jsonPath[j] ?? "")) j++;
      tokens.push(jsonPath.slice(i, j));
      i = j;
    }
  }
  let s: JSONSchemaProps | undefined = schema;
  let path = "";
  const append = (name: string): string | undefined => {
    if (!s) return "does not refer to a valid field";
    if (s.properties) {
      path = path ? `${path}.${name}` : name;
      s = s.properties[name];
      return s ? undefined : "does not refer to a valid field";
    }
    const ap = additionalSchema(s);
    if (ap) {
      path = `${path}[${name}]`;
      s = ap;
      return undefined;
    }
    return "does not refer to a valid field";
  };
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] ?? "";
    if (tok === "[") {
      const lit = tokens[++i];
      if (lit === undefined) return { error: "unexpected end of JSON path" };
      if (lit.length < 2 || !lit.startsWith("'") || !lit.endsWith("'")) return { error: `expected single quoted string but got ${lit}` };
      const err = append(lit.slice(1, -1).replace(/\\(.)/g, "$1"));
      if (err) return { error: err };
      const close = tokens[++i];
      if (close === undefined) return { error: "unexpected end of JSON path" };
      if (close !== "]") return { error: `expected ] but got ${close}` };
    } else if (tok === ".") {
      const name = tokens[++i];
      if (name === undefined) return { error: "unexpected end of JSON path" };
      const err = append(name);
      if (err) return { error: err };
    } else {
      return { error: `expected [ or . but got: ${tok}` };
    }
  }
  return { path };
}

/** The schema a root rule sees: apiVersion, kind and metadata.name/generateName are declared (model.WithTypeAndObjectMeta). */
function withTypeAndObjectMeta(s: JSONSchemaProps): JSONSchemaProps {
  return {
    ...s,
    properties: {
      ...s.properties,
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { type: "object", properties: { name: { type: "string" }, generateName: { type: "string" } } },
    },
  };
}

function minSerializedSize(s: JSONSchemaProps): number {
  if (s["x-kubernetes-int-or-string"]) return 1;
  switch (s.type) {
    case "string":
      return 2;
    case "boolean":
      return 4;
    case "object":
    case "array":
      return 2;
    default:
      return 1;
  }
}

/** How many instances of a node a request can hold: the product of maxItems/maxProperties above it, else what 3 MiB can hold. */
type Cardinality = number | "unbounded";

function times(c: Cardinality, bound: number | undefined): Cardinality {
  return c === "unbounded" || bound === undefined ? "unbounded" : c * bound;
}

// ---- compilation ----

class Compiler {
  readonly errors: FieldError[] = [];
  private total = 0;
  private readonly expensive: Array<{ path: string; cost: number }> = [];

  constructor(private readonly rootSchema: JSONSchemaProps) {}

  run(): RuleNode | undefined {
    const root = this.node(this.rootSchema, "", true, 1, undefined);
    if (this.total > StaticEstimatedCRDCostLimit) {
      for (const e of this.expensive) this.errors.push(fieldErrors.forbidden(e.path, "contributed to estimated rule & messageExpression cost total exceeding cost limit for entire OpenAPIv3 schema"));
      this.errors.push(fieldErrors.forbidden("", costErrorMessage("x-kubernetes-validations estimated rule & messageExpression cost total for entire OpenAPIv3 schema", this.total, StaticEstimatedCRDCostLimit)));
    }
    return root;
  }

  private observe(path: string, cost: number): void {
    this.total += cost;
    if (cost < StaticEstimatedCRDCostLimit / 100) return;
    this.expensive.push({ path, cost });
    this.expensive.sort((a, b) => b.cost - a.cost);
    if (this.expensive.length > 4) this.expensive.length = 4;
  }

  /** Compiles the rules at `s` and below; `uncorrelatable` is the path of the nearest non-map list above, if any. */
  private node(s: JSONSchemaProps, path: string, root: boolean, card: Cardinality, uncorrelatable: string | undefined): RuleNode | undefined {
    const rules = this.rulesAt(s, path, root, card, uncorrelatable);
    const properties = new Map<string, RuleNode>();
    for (const [name, p] of Object.entries(s.properties ?? {})) {
      const n = this.node(p, `${path}.properties[${name}]`, false, card, uncorrelatable);
      if (n) properties.set(name, n);
    }
    const ap = additionalSchema(s);
    const additionalProperties = ap ? this.node(ap, `${path}.additionalProperties`, false, times(card, s.maxProperties), uncorrelatable) : undefined;
    const isMapList = s["x-kubernetes-list-type"] === "map";
    const items = s.items ? this.node(s.items, `${path}.items`, false, times(card, s.maxItems), uncorrelatable ?? (isMapList ? undefined : `openAPIV3Schema${path}.items`)) : undefined;
    if (rules.length === 0 && properties.size === 0 && !additionalProperties && !items) return undefined;
    const keys = s["x-kubernetes-list-map-keys"];
    return {
      type: s.type ?? "",
      rules,
      ...(properties.size > 0 ? { properties } : {}),
      ...(additionalProperties ? { additionalProperties } : {}),
      ...(items ? { items } : {}),
      ...(isMapList && keys ? { listMapKeys: keys } : {}),
    };
  }

  private rulesAt(s: JSONSchemaProps, path: string, root: boolean, card: Cardinality, uncorrelatable: string | undefined): CompiledNodeRule[] {
    const raw = s["x-kubernetes-validations"] ?? [];
    if (raw.length === 0) return [];
    const rules = raw.map(toRule);
    const schemaErrs: FieldError[] = [];
    const fieldPaths: Array<string | undefined> = [];
    for (const [i, r] of rules.entries()) {
      const p = `${path}.x-kubernetes-validations[${i}]`;
      const msg = r.message ?? "";
      const trimmedRule = r.rule.trim();
      const trimmedMsg = msg.trim();
      if (trimmedRule === "") schemaErrs.push(fieldErrors.required(`${p}.rule`, "rule is not specified"));
      else if (msg.length > 0 && trimmedMsg === "") schemaErrs.push(fieldErrors.invalid(`${p}.message`, msg, "message must be non-empty if specified"));
      else if (msg.length > 2048) schemaErrs.push(fieldErrors.invalid(`${p}.message`, `${msg.slice(0, 10)}...`, "message must have a maximum length of 2048 characters"));
      else if (newlines.test(trimmedMsg)) schemaErrs.push(fieldErrors.invalid(`${p}.message`, msg, "message must not contain line breaks"));
      else if (newlines.test(trimmedRule) && trimmedMsg === "") schemaErrs.push(fieldErrors.required(`${p}.message`, "message must be specified if rule contains line breaks"));
      if (r.messageExpression !== undefined && r.messageExpression.length > 0 && r.messageExpression.trim() === "") {
        schemaErrs.push(fieldErrors.required(`${p}.messageExpression`, "messageExpression must be non-empty if specified"));
      }
      if (r.reason !== undefined && !supportedReasons.includes(r.reason)) schemaErrs.push(fieldErrors.notSupported(`${p}.reason`, r.reason, supportedReasons));
      let fp: string | undefined;
      const fieldPath = r.fieldPath ?? "";
      if (fieldPath.length > 0 && fieldPath.trim() === "") schemaErrs.push(fieldErrors.invalid(`${p}.fieldPath`, fieldPath, "fieldPath must be non-empty if specified"));
      if (newlines.test(fieldPath)) schemaErrs.push(fieldErrors.invalid(`${p}.fieldPath`, fieldPath, "fieldPath must not contain line breaks"));
      if (fieldPath.length > 0) {
        const v = validFieldPath(fieldPath, s);
        if ("error" in v) schemaErrs.push(fieldErrors.invalid(`${p}.fieldPath`, fieldPath, `fieldPath must be a valid path: ${v.error}`));
        else fp = v.path;
      }
      fieldPaths.push(fp);
    }
    // As upstream: schema errors here skip compilation (they would only produce confusing CEL errors).
    if (schemaErrs.length > 0) {
      this.errors.push(...schemaErrs);
      return [];
    }
    const celSchema = (root ? withTypeAndObjectMeta(s) : s) as CelSchema;
    const out: CompiledNodeRule[] = [];
    for (const [i, r] of rules.entries()) {
      const p = `${path}.x-kubernetes-validations[${i}]`;
      const c = compileValidationRule(r, celSchema, { staticCostLimit: Infinity });
      if (c.kind === "error") {
        const at = `${p}.${c.field}`;
        if (c.type === "Required") this.errors.push(fieldErrors.required(at, c.message));
        else if (c.type === "Forbidden") this.errors.push(fieldErrors.forbidden(at, c.message));
        else if (c.field === "optionalOldSelf") this.errors.push(fieldErrors.invalid(at, true, c.message));
        else this.errors.push(fieldErrors.invalid(at, goValidationRule(r), c.message));
        continue;
      }
      const cost = this.expressionCost(c.estimatedCost, card, s);
      if (cost > StaticEstimatedCostLimit) this.errors.push(fieldErrors.forbidden(`${p}.rule`, costErrorMessage("estimated rule cost", cost, StaticEstimatedCostLimit)));
      this.observe(`${p}.rule`, cost);
      if (r.messageExpression !== undefined) {
        if (c.messageEstimatedCost > StaticEstimatedCostLimit) {
          this.errors.push(fieldErrors.forbidden(`${p}.messageExpression`, costErrorMessage("estimated messageExpression cost", c.messageEstimatedCost, StaticEstimatedCostLimit)));
        }
        this.observe(`${p}.messageExpression`, c.messageEstimatedCost);
      }
      if (c.isTransition && uncorrelatable !== undefined) {
        this.errors.push(fieldErrors.invalid(`${p}.rule`, r.rule, `oldSelf cannot be used on the uncorrelatable portion of the schema within ${uncorrelatable}`));
        continue;
      }
      const fp = fieldPaths[i];
      out.push(fp ? { compiled: c, fieldPath: fp } : { compiled: c });
    }
    return out;
  }

  /** upstream getExpressionCost: the rule's cost times how often it can run in one request. */
  private expressionCost(cost: number, card: Cardinality, s: JSONSchemaProps): number {
    const n = card === "unbounded" ? Math.floor((maxRequestSizeBytes - 2) / (minSerializedSize(s) + 1)) : card;
    return cost * n;
  }
}

const cache = new Map<string, CompiledSchemaRules>();
const cacheLimit = 256;

/** Compiles the rules of an openAPIV3Schema (cached by the schema's JSON text). */
export function compileSchemaRules(schema: JSONSchemaProps): CompiledSchemaRules {
  const key = JSON.stringify(schema);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const c = new Compiler(schema);
  const root = c.run();
  const result: CompiledSchemaRules = { root, errors: c.errors };
  cache.set(key, result);
  if (cache.size > cacheLimit) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  return result;
}

/** Whether the schema has any x-kubernetes-validations (cheap pre-check before compiling). */
export function hasValidationRules(s: JSONSchemaProps | undefined): boolean {
  if (!s) return false;
  if ((s["x-kubernetes-validations"] ?? []).length > 0) return true;
  if (Object.values(s.properties ?? {}).some(hasValidationRules)) return true;
  return hasValidationRules(s.items) || hasValidationRules(additionalSchema(s));
}

/**
 * CRD-write errors for the rules of one version's schema at `schemaPath` (`spec.versions[0].schema.openAPIV3Schema`).
 * Run it only when the schema is otherwise valid, as upstream does.
 */
export function validateSchemaRules(schema: JSONSchemaProps, schemaPath: string): FieldError[] {
  if (!hasValidationRules(schema)) return [];
  return compileSchemaRules(schema).errors.map((e) => ({ ...e, field: `${schemaPath}${e.field}` }));
}

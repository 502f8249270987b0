/**
 * Custom resources served as ResourceDefinitions: one per served version of a CRD, sharing the storage of the
 * storage version (conversion None: apiVersion rewritten), with pruning, defaulting (on write and read),
 * structural-schema validation, generation, status/scale subresources and additionalPrinterColumns.
 */
import { compareKubeVersions } from "../core/version.js";
import { newBadRequest, newMethodNotSupported, StatusError } from "../core/errors.js";
import type { KubeObject } from "../core/object.js";
import { deepCopy, isPlainObject } from "../core/object.js";
import { fieldErrors, type FieldError } from "../core/validation.js";
import { currentRequest } from "../apiserver/server.js";
import type { ResourceDefinition, TableColumn, TableConvertor } from "../apiserver/resource.js";
import { fieldTypeFromSchema } from "../apiserver/ssa/schema.js";
import type { CRDVersion, CustomResourceDefinition } from "./crd.js";
import { storageVersion } from "./crd.js";
import { customResourceConversion } from "./conversion.js";
import type { JSONSchemaProps } from "./schema.js";
import { applyDefaults, prune, validateValue } from "./values.js";
import { compileSchemaRules, hasValidationRules, type RuleNode } from "./celrules.js";
import { validateRules } from "./celvalidator.js";

const nameDescription =
  "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
const ageDescription =
  "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

type FieldValidation = "Strict" | "Warn" | "Ignore";

/** The request's fieldValidation (Warn by default over HTTP; in-process calls ignore unknown fields). */
function fieldValidation(): FieldValidation {
  const req = currentRequest.getStore();
  if (!req) return "Ignore";
  const v = req.query.get("fieldValidation");
  return v === "Strict" || v === "Ignore" ? v : "Warn";
}

/** Evaluates the JSONPath subset printer columns use: `.a.b`, `.a[0].b`, `.a['b.c']`, optionally in `{}`. */
export function evalJSONPath(obj: unknown, path: string): unknown {
  const p = path.trim().replace(/^\{(.*)\}$/, "$1");
  const re = /\.([A-Za-z0-9_$-]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/gy;
  let cur: unknown = obj;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < p.length && (m = re.exec(p)) !== null) {
    pos = re.lastIndex;
    if (m[2] !== undefined) {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[Number(m[2])];
    } else {
      const key = m[1] ?? m[3] ?? m[4] ?? "";
      if (!isPlainObject(cur)) return undefined;
      cur = cur[key];
    }
    if (cur === undefined) return undefined;
  }
  return pos === p.length ? cur : undefined;
}

function goString(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(goString).join(" ")}]`;
  if (isPlainObject(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goString(v[k])}`).join(" ")}]`;
  return "";
}

function cell(type: string, v: unknown): unknown {
  if (v === undefined || v === null) return null;
  switch (type) {
    case "string":
      return goString(v);
    case "integer":
      return typeof v === "number" ? Math.trunc(v) : null;
    case "number":
      return typeof v === "number" ? v : null;
    case "boolean":
      return typeof v === "boolean" ? v : null;
    case "date":
      return typeof v === "string" ? v : null;
    default:
      return null;
  }
}

/** The Table of a version: NAME, then the printer columns (AGE alone when none), as upstream's tableconvertor. */
export function tableFor(version: CRDVersion): TableConvertor {
  const cols = version.additionalPrinterColumns?.length
    ? version.additionalPrinterColumns
    : [{ name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", description: ageDescription }];
  const columns: TableColumn[] = [{ name: "Name", type: "string", format: "name", description: nameDescription, priority: 0 }];
  for (const c of cols) {
    const col: TableColumn = {
      name: c.name,
      type: c.type as TableColumn["type"],
      description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
      priority: (c.priority ?? 0) > 0 ? 1 : 0,
    };
    if (c.format) col.format = c.format;
    columns.push(col);
  }
  return { columns, cells: (obj) => [obj.metadata.name ?? "", ...cols.map((c) => cell(c.type, evalJSONPath(obj, c.jsonPath)))] };
}

/** Unknown fields found while pruning an incoming object, for its Warning headers. */
const unknownFields = new WeakMap<KubeObject, string[]>();

/**
 * Prunes an object entering the strategy. A create or update body was already checked (and, with Strict, pruned)
 * by fieldValidation when decoded; what is left here are patch results, whose Strict error is not wrapped.
 */
function pruneIncoming(obj: KubeObject, schema: JSONSchemaProps | undefined): void {
  const unknown = prune(obj as unknown as Record<string, unknown>, schema);
  const mode = fieldValidation();
  if (unknown.length > 0 && mode === "Strict") throw newBadRequest(`strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(", ")}`);
  if (unknown.length > 0 && mode === "Warn") unknownFields.set(obj, unknown);
}

function warnings(obj: KubeObject): string[] {
  const u = unknownFields.get(obj) ?? [];
  unknownFields.delete(obj);
  return u.map((f) => `unknown field "${f}"`);
}

function schemaErrors(obj: KubeObject, schema: JSONSchemaProps | undefined): FieldError[] {
  if (!schema) return [];
  const { metadata: _m, ...rest } = obj;
  return validateValue({ ...schema, properties: { ...schema.properties } }, rest);
}

/**
 * A version's validator: OpenAPI schema validation, then its x-kubernetes-validations (compiled on first use, once
 * per CRD version). As upstream, the rules do not run when the schema validation found a blocking error.
 */
function versionValidator(schema: JSONSchemaProps | undefined): (obj: KubeObject, old: KubeObject | undefined) => FieldError[] {
  let rules: RuleNode | undefined | null = null;
  return (obj, old) => {
    const errs = schemaErrors(obj, schema);
    if (rules === null) rules = schema && hasValidationRules(schema) ? compileSchemaRules(schema).root : undefined;
    if (!rules) return errs;
    if (errs.some((e) => blockingTypes.has(e.type))) {
      return [...errs, fieldErrors.invalid("<nil>", "null", "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation")];
    }
    return [...errs, ...validateRules(rules, obj, old)];
  };
}

/** Schema errors after which upstream skips CEL rules (hasBlockingErr). */
const blockingTypes: ReadonlySet<FieldError["type"]> = new Set<FieldError["type"]>(["FieldValueNotSupported", "FieldValueRequired", "FieldValueTooLong", "FieldValueTooMany", "FieldValueTypeInvalid"]);

export { compareKubeVersions };

/**
 * A ResourceDefinition per served version of a CRD (names from its accepted names). While the CRD is
 * `terminating`, creates are refused as upstream does.
 */
export function customResourceDefinitions(crd: CustomResourceDefinition, terminating = false): ResourceDefinition[] {
  const spec = crd.spec;
  const names = crd.status?.acceptedNames?.plural ? crd.status.acceptedNames : spec.names;
  const storage = storageVersion(crd) ?? spec.versions[0]?.name ?? "v1";
  const storageApiVersion = `${spec.group}/${storage}`;
  const out: ResourceDefinition[] = [];
  for (const version of [...spec.versions].sort((a, b) => compareKubeVersions(a.name, b.name))) {
    if (!version.served) continue;
    const schema = version.schema?.openAPIV3Schema;
    const validator = versionValidator(schema);
    const apiVersion = `${spec.group}/${version.name}`;
    const withDefaults = (obj: KubeObject): KubeObject => {
      applyDefaults(obj, schema);
      prune(obj as unknown as Record<string, unknown>, schema);
      return obj;
    };
    const status = version.subresources?.status !== undefined;
    const scale = version.subresources?.scale;
    const def: ResourceDefinition = {
      group: spec.group,
      version: version.name,
      names: {
        plural: names.plural,
        singular: names.singular ?? names.kind.toLowerCase(),
        kind: names.kind,
        listKind: names.listKind ?? `${names.kind}List`,
        ...(names.shortNames?.length ? { shortNames: names.shortNames } : {}),
        ...(names.categories?.length ? { categories: names.categories } : {}),
      },
      namespaced: spec.scope === "Namespaced",
      storageName: `${spec.group}/${names.plural}`,
      conversion: customResourceConversion(crd, apiVersion, storageApiVersion, withDefaults),
      generation: true,
      unstructured: true,
      ...(schema ? { openAPISchema: schema } : {}),
      pruneUnknownFields: (obj) => prune(obj as unknown as Record<string, unknown>, schema),
      fieldType: fieldTypeFromSchema(schema),
      statusSubresource: status,
      returnDeletedObject: true,
      table: tableFor(version),
      strategy: {
        default: (obj) => {
          pruneIncoming(obj, schema);
          withDefaults(obj);
        },
        prepareForCreate: (obj) => {
          if (terminating) {
            const err = newMethodNotSupported({ group: spec.group, resource: names.plural }, "create");
            throw new StatusError({ ...err.status, message: "create not allowed while custom resource definition is terminating" });
          }
          if (status) delete obj.status;
        },
        validate: (obj) => validator(obj, undefined),
        validateUpdate: (obj, old) => validator(obj, old),
        validateStatusUpdate: (obj, old) => validator(obj, old),
        warningsOnCreate: (obj) => [...(version.deprecated ? [version.deprecationWarning ?? `${apiVersion} ${names.kind} is deprecated`] : []), ...warnings(obj)],
        warningsOnUpdate: (obj) => [...(version.deprecated ? [version.deprecationWarning ?? `${apiVersion} ${names.kind} is deprecated`] : []), ...warnings(obj)],
      },
    };
    if (scale) {
      def.scale = { specReplicasPath: scale.specReplicasPath, statusReplicasPath: scale.statusReplicasPath, ...(scale.labelSelectorPath ? { labelSelectorPath: scale.labelSelectorPath } : {}) };
    }
    out.push(def);
  }
  return out;
}

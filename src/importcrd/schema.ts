/**
 * Prepares a CRD's structural schema for json-schema-to-typescript: a deep copy in which the Kubernetes
 * extensions and formats that plain JSON Schema cannot express get a `tsType` naming a kubeforge type.
 *
 * - `x-kubernetes-int-or-string` → `IntOrString`
 * - `x-kubernetes-embedded-resource` → `{ apiVersion?: string; kind?: string; metadata?: ObjectMeta; [k: string]: unknown }`
 *   (with declared properties: those plus apiVersion/kind/metadata, and the index signature when unknown fields are kept)
 * - `x-kubernetes-preserve-unknown-fields` on an object without properties → `Record<string, unknown>`;
 *   with properties → an index signature of `unknown` next to them
 * - `format: date-time` strings → `Time`; `format: int32` / `int64` integers → `Int32` / `Int64`
 * - `nullable: true` → `| null`
 *
 * `allOf`/`anyOf`/`oneOf`/`not` are dropped: in a structural schema they only validate values, they never add
 * types. `title` is dropped so that every nested object stays inline (no name clashes between files).
 */
import type { SchemaNode } from "./parse.js";

/** The kubeforge/api names a schema can refer to. */
export type ApiName = "IntOrString" | "Time" | "Int32" | "Int64" | "ObjectMeta";

export interface Prepared {
  readonly schema: SchemaNode;
  /** The api names the `tsType`s use, to import. */
  readonly used: ReadonlySet<ApiName>;
}

const dropped = new Set(["title", "allOf", "anyOf", "oneOf", "not", "$ref", "$schema", "$id", "id", "definitions", "$defs", "nullable", "tsType", "tsEnumNames"]);

function isObject(v: unknown): v is SchemaNode {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * @param local maps an api name to the identifier the generated file imports it as (they differ only when a
 *   CRD's own names clash with them).
 */
export function prepareSchema(schema: SchemaNode, local: (name: ApiName) => string = (n) => n): Prepared {
  const used = new Set<ApiName>();
  const ref = (name: ApiName): string => {
    used.add(name);
    return local(name);
  };
  const prepared = prepareNode(structuredClone(schema), ref);
  return { schema: prepared, used };
}

function prepareNode(node: SchemaNode, ref: (name: ApiName) => string): SchemaNode {
  const out: SchemaNode = {};
  for (const [k, v] of Object.entries(node)) if (!dropped.has(k) && !k.startsWith("x-kubernetes-")) out[k] = v;
  const nullable = node["nullable"] === true;
  const type = node["type"];
  const hasEnum = Array.isArray(node["enum"]);
  const preserve = node["x-kubernetes-preserve-unknown-fields"] === true;
  const properties = isObject(node["properties"]) ? node["properties"] : undefined;

  let tsType: string | undefined;
  let embedded = false;
  if (node["x-kubernetes-int-or-string"] === true) tsType = ref("IntOrString");
  else if (node["x-kubernetes-embedded-resource"] === true) {
    const own = Object.keys(properties ?? {}).filter((k) => k !== "apiVersion" && k !== "kind" && k !== "metadata");
    if (own.length === 0) tsType = `{ apiVersion?: string; kind?: string; metadata?: ${ref("ObjectMeta")}; [k: string]: unknown }`;
    else {
      embedded = true;
      out["additionalProperties"] = preserve;
    }
  } else if (preserve && (type === "object" || type === undefined) && !properties && node["additionalProperties"] === undefined) {
    tsType = type === "object" ? "Record<string, unknown>" : "unknown";
  } else if (preserve && properties) {
    out["additionalProperties"] = true;
  } else if (!hasEnum && type === "string" && node["format"] === "date-time") tsType = ref("Time");
  else if (!hasEnum && type === "integer" && node["format"] === "int32") tsType = ref("Int32");
  else if (!hasEnum && type === "integer" && node["format"] === "int64") tsType = ref("Int64");

  if (tsType !== undefined) {
    // Keep only what json-schema-to-typescript shows in comments.
    const kept: SchemaNode = { tsType: nullable && tsType !== "unknown" ? `${tsType} | null` : tsType };
    if (typeof node["description"] === "string") kept["description"] = node["description"];
    return kept;
  }

  if (isObject(out["properties"])) {
    const props: SchemaNode = {};
    if (embedded) {
      props["apiVersion"] = { type: "string" };
      props["kind"] = { type: "string" };
      props["metadata"] = { tsType: ref("ObjectMeta") };
    }
    for (const [k, v] of Object.entries(out["properties"])) {
      if (!(embedded && k in props)) props[k] = isObject(v) ? prepareNode(v, ref) : v;
    }
    out["properties"] = props;
  }
  if (isObject(out["items"])) out["items"] = prepareNode(out["items"], ref);
  else if (Array.isArray(out["items"])) out["items"] = out["items"].map((i: unknown) => (isObject(i) ? prepareNode(i, ref) : i));
  if (isObject(out["additionalProperties"])) out["additionalProperties"] = prepareNode(out["additionalProperties"], ref);

  if (nullable) {
    if (Array.isArray(out["enum"]) && !out["enum"].includes(null)) out["enum"] = [...out["enum"], null];
    if (typeof type === "string") out["type"] = [type, "null"];
  }
  return out;
}

/**
 * Mapping from a structural schema node to CEL declarations and values, as apiextensions-apiserver does
 * (k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/model): objects with properties are objects with
 * known fields, `additionalProperties` are maps, `integer` is int (int64), `number` is double, int-or-string
 * and `x-kubernetes-preserve-unknown-fields` without properties are dyn.
 */
import type { CelInput } from "@bufbuild/cel";

/** The subset of apiextensions JSONSchemaProps this package reads (structurally compatible with it). */
export interface CelSchema {
  type?: string;
  format?: string;
  description?: string;
  required?: string[];
  nullable?: boolean;
  properties?: Record<string, CelSchema>;
  items?: CelSchema;
  additionalProperties?: CelSchema | boolean;
  maxItems?: number;
  maxLength?: number;
  maxProperties?: number;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
}

export type DeclType =
  | { kind: "object"; fields: Map<string, DeclType>; open: boolean; maxProperties?: number }
  | { kind: "map"; value: DeclType; maxProperties?: number }
  | { kind: "list"; elem: DeclType; maxItems?: number }
  | { kind: "string"; maxLength?: number }
  | { kind: "int" | "double" | "bool" | "dyn" | "intOrString" | "null" | "type" | "quantity" | "optional" };

export const DYN: DeclType = { kind: "dyn" };

const embeddedMeta: ReadonlyArray<string> = ["apiVersion", "kind"];

/** The CEL declaration type of a schema node. */
export function declTypeOf(s: CelSchema | undefined): DeclType {
  if (!s) return DYN;
  if (s["x-kubernetes-int-or-string"]) return { kind: "intOrString" };
  switch (s.type) {
    case "integer":
      return { kind: "int" };
    case "number":
      return { kind: "double" };
    case "boolean":
      return { kind: "bool" };
    case "string":
      return s.maxLength !== undefined ? { kind: "string", maxLength: s.maxLength } : { kind: "string" };
    case "array": {
      const elem = declTypeOf(s.items);
      return s.maxItems !== undefined ? { kind: "list", elem, maxItems: s.maxItems } : { kind: "list", elem };
    }
    case "object": {
      const ap = s.additionalProperties;
      if (typeof ap === "object" && !s.properties) {
        const value = declTypeOf(ap);
        return s.maxProperties !== undefined ? { kind: "map", value, maxProperties: s.maxProperties } : { kind: "map", value };
      }
      const fields = new Map<string, DeclType>();
      for (const [name, p] of Object.entries(s.properties ?? {})) fields.set(name, declTypeOf(p));
      if (s["x-kubernetes-embedded-resource"]) {
        for (const f of embeddedMeta) if (!fields.has(f)) fields.set(f, { kind: "string" });
        if (!fields.has("metadata")) fields.set("metadata", DYN);
      }
      const open = s["x-kubernetes-preserve-unknown-fields"] === true || ap === true;
      if (open && fields.size === 0) return DYN;
      return s.maxProperties !== undefined ? { kind: "object", fields, open, maxProperties: s.maxProperties } : { kind: "object", fields, open };
    }
    default:
      return DYN;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A JSON number as CEL sees an untyped one: integral → int, else double. */
function dynNumber(n: number): CelInput {
  return Number.isInteger(n) && Number.isSafeInteger(n) ? BigInt(n) : n;
}

/**
 * Converts a JSON value (as decoded from the request body) to a CEL input, guided by the schema:
 * `integer` → bigint, `number` → double even when integral, objects → maps, lists → arrays.
 */
export function toCelValue(v: unknown, s: CelSchema | undefined): CelInput {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") {
    if (s?.type === "number") return v;
    if (s?.type === "integer") return Number.isInteger(v) ? BigInt(v) : v;
    return dynNumber(v);
  }
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return v;
  if (Array.isArray(v)) {
    const items = s?.items;
    return v.map((e: unknown) => toCelValue(e, items));
  }
  if (isRecord(v)) {
    const m = new Map<string, CelInput>();
    const ap = s?.additionalProperties;
    for (const [k, e] of Object.entries(v)) {
      if (e === undefined) continue;
      const es = s?.properties?.[k] ?? (typeof ap === "object" ? ap : undefined);
      m.set(k, toCelValue(e, es));
    }
    return m;
  }
  return null;
}

/** A short name of a declaration type, in CEL's words, for messages. */
export function declTypeName(t: DeclType): string {
  switch (t.kind) {
    case "object":
      return "object";
    case "map":
      return `map(string, ${declTypeName(t.value)})`;
    case "list":
      return `list(${declTypeName(t.elem)})`;
    case "intOrString":
      return "dyn";
    case "null":
      return "null_type";
    case "quantity":
      return "kubernetes.Quantity";
    case "optional":
      return "optional_type";
    default:
      return t.kind;
  }
}

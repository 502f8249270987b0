/**
 * Schemas as gnostic `openapi.v2.Schema` protobuf messages (github.com/google/gnostic-models OpenAPIv2.proto),
 * the form kubectl reads definitions in from /openapi/v2. Vendor extensions, defaults and enum values are
 * gnostic `Any` messages carrying YAML text.
 */
import { stringify } from "yaml";
import type { ProtoWriter } from "../protobuf/wire.js";
import type { Definitions, Schema } from "./types.js";

const yamlCache = new Map<string, string>();

/** YAML text of a value; extension values repeat a lot (GVKs, list types), so results are memoised. */
export function yamlText(value: unknown): string {
  const key = JSON.stringify(value);
  let text = yamlCache.get(key);
  if (text === undefined) {
    text = stringify(value);
    if (yamlCache.size < 10_000) yamlCache.set(key, text);
  }
  return text;
}

/** Any{yaml = 2}. */
function any(w: ProtoWriter, field: number, value: unknown): void {
  w.message(field, (a) => a.string(2, yamlText(value)));
}

/** Writes the fields of one Schema message into `w`. */
export function encodeSchema(w: ProtoWriter, s: Schema): void {
  w.string(1, s.$ref).string(2, s.format).string(4, s.description);
  if (s.default !== undefined) any(w, 5, s.default);
  w.int(11, s.maxLength).int(12, s.minLength).string(13, s.pattern).int(14, s.maxItems).int(15, s.minItems);
  w.strings(19, s.required);
  for (const e of s.enum ?? []) any(w, 20, e);
  const ap = s.additionalProperties;
  if (typeof ap === "object") w.message(21, (a) => a.message(1, (x) => encodeSchema(x, ap)));
  else if (typeof ap === "boolean") w.message(21, (a) => a.bool(2, ap));
  if (s.type) w.message(22, (t) => t.string(1, s.type));
  const items = s.items;
  if (items) w.message(23, (i) => i.message(1, (x) => encodeSchema(x, items)));
  for (const a of s.allOf ?? []) w.message(24, (x) => encodeSchema(x, a));
  const props = s.properties;
  if (props) w.message(25, (p) => {
    for (const [name, v] of Object.entries(props)) p.message(1, (ns) => ns.string(1, name).message(2, (x) => encodeSchema(x, v)));
  });
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith("x-") && v !== undefined) w.message(31, (na) => na.string(1, k).message(2, (a) => a.string(2, yamlText(v))));
  }
}

/** Definitions{additional_properties = 1 (NamedSchema{name = 1, value = 2})}. */
export function encodeDefinitions(w: ProtoWriter, defs: Definitions): void {
  for (const [name, s] of Object.entries(defs)) w.message(1, (ns) => ns.string(1, name).message(2, (x) => encodeSchema(x, s)));
}

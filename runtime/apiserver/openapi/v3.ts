/**
 * Definitions in OpenAPI v3 form, as kube-openapi publishes them: references point into
 * `#/components/schemas/`, and a field that references a definition and also carries its own description or
 * extensions wraps the reference in a one-element `allOf` (a `$ref` may have no siblings in OpenAPI 3.0).
 */
import { refName, v3RefPrefix, type Definitions, type Schema } from "./types.js";

function convert(s: Schema, asField: boolean): Schema {
  const out: Schema = { ...s };
  if (s.items) out.items = convert(s.items, false);
  if (typeof s.additionalProperties === "object") out.additionalProperties = convert(s.additionalProperties, false);
  if (s.properties) out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, convert(v, true)]));
  const name = refName(s.$ref);
  if (name !== undefined) {
    const ref = `${v3RefPrefix}${name}`;
    delete out.$ref;
    const hasSiblings = Object.keys(out).length > 0;
    if (asField && hasSiblings) return { allOf: [{ $ref: ref }], ...out };
    return hasSiblings ? { ...out, $ref: ref } : { $ref: ref };
  }
  return out;
}

/** A copy of `defs` with v3 references. */
export function toV3Schemas(defs: Definitions): Definitions {
  const out: Definitions = {};
  for (const [name, d] of Object.entries(defs)) out[name] = convert(d, false);
  return out;
}

/** A `$ref` schema to a definition, in v2 or v3 form. */
export function refTo(name: string, v3: boolean): Schema {
  return { $ref: v3 ? `${v3RefPrefix}${name}` : `#/definitions/${name}` };
}

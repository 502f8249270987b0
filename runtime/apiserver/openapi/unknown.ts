/**
 * Unknown-field detection against a kind's OpenAPI schema: the paths of fields an object carries that its
 * schema does not declare — what kube-apiserver's strict decoder reports for built-in kinds
 * (`spec.foo`, `spec.template.spec.containers[0].bar`), in document order — or, for what Go decodes from a map
 * (a YAML body converted to JSON, a merge patch's result), with each object's keys sorted.
 *
 * Objects whose schema declares neither properties nor additionalProperties (RawExtension, FieldsV1), and
 * schemas with `x-kubernetes-preserve-unknown-fields`, accept anything below them.
 */
import { refName, type Definitions, type Schema } from "./types.js";

function resolve(defs: Readonly<Definitions>, s: Schema | undefined): Schema | undefined {
  for (let i = 0; s && i < 8; i++) {
    const name = refName(s.$ref ?? (s.allOf?.length === 1 ? s.allOf[0]?.$ref : undefined));
    if (name === undefined) return s;
    s = defs[name];
  }
  return s;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Unknown field paths of `value` against the definition `root` in `defs` (empty when `root` is not defined);
 * `sortedKeys` visits each object's keys in sorted order instead of document order.
 */
export function unknownFields(defs: Readonly<Definitions>, root: string, value: unknown, sortedKeys = false): string[] {
  const out: string[] = [];
  walk(defs, defs[root], value, "", out, sortedKeys);
  return out;
}

function walk(defs: Readonly<Definitions>, schema: Schema | undefined, value: unknown, path: string, out: string[], sortedKeys: boolean): void {
  const s = resolve(defs, schema);
  if (!s || s["x-kubernetes-preserve-unknown-fields"] === true) return;
  if (Array.isArray(value)) {
    if (s.items) value.forEach((v, i) => walk(defs, s.items, v, `${path}[${i}]`, out, sortedKeys));
    return;
  }
  if (!isPlainObject(value)) return;
  const props = s.properties;
  const extra = typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
  if (!props && !extra) return;
  const keys = Object.keys(value);
  if (sortedKeys) keys.sort();
  for (const k of keys) {
    const child = path ? `${path}.${k}` : k;
    const p = props?.[k] ?? extra;
    if (p) walk(defs, p, value[k], child, out, sortedKeys);
    else if (s.additionalProperties !== true) out.push(child);
  }
}

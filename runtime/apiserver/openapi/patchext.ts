/**
 * Writes strategic-merge-patch metadata (the server's own PatchMeta for a kind) into definitions as upstream's
 * extensions: `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key` and the matching
 * `x-kubernetes-list-type` (`map` with `x-kubernetes-list-map-keys` for lists merged by key, `set` for merged
 * lists of scalars). Clients (kubectl apply) read these to compute patches, so they must agree with the server.
 */
import type { PatchMeta } from "../patch/meta.js";
import { refName, type Definitions, type Schema } from "./types.js";

function target(defs: Definitions, s: Schema | undefined): Schema | undefined {
  if (!s) return undefined;
  const name = refName(s.$ref ?? s.allOf?.[0]?.$ref);
  return name ? defs[name] : s;
}

/** Annotates the definition `root` (and those it references) with `meta`; mutates `defs`. */
export function annotatePatchMeta(defs: Definitions, root: string, meta: PatchMeta): void {
  const seen = new Set<string>();
  const walk = (schema: Schema | undefined, m: PatchMeta, depth: number): void => {
    const s = target(defs, schema);
    if (!s || depth > 40) return;
    if (m.fields && s.properties) {
      for (const [field, fm] of Object.entries(m.fields)) {
        const prop = s.properties[field];
        if (!prop) continue;
        const key = `${JSON.stringify(fm)}@${field}@${Object.keys(s.properties).join(",")}`;
        if (seen.has(key)) continue;
        seen.add(key);
        annotateField(prop, fm, target(defs, prop.items));
        walk(prop, fm, depth + 1);
      }
    }
    if (m.items) walk(target(defs, schema)?.items, m.items, depth + 1);
    if (m.values && typeof s.additionalProperties === "object") walk(s.additionalProperties, m.values, depth + 1);
  };
  walk({ $ref: `#/definitions/${root}` }, meta, 0);
}

function annotateField(prop: Schema, m: PatchMeta, item: Schema | undefined): void {
  if (m.strategy && m.strategy !== "replace") prop["x-kubernetes-patch-strategy"] = m.strategy;
  if (m.mergeKey) prop["x-kubernetes-patch-merge-key"] = m.mergeKey;
  if (prop.type !== "array" || !m.strategy?.startsWith("merge")) return;
  if (m.mergeKey) {
    const keys = [m.mergeKey];
    // upstream keys container ports by port and protocol
    if (m.mergeKey === "containerPort" && item?.properties?.protocol) keys.push("protocol");
    prop["x-kubernetes-list-type"] = "map";
    prop["x-kubernetes-list-map-keys"] = keys;
  } else if (!item?.properties) {
    prop["x-kubernetes-list-type"] = "set";
  }
}

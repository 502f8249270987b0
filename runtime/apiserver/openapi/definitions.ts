/**
 * The OpenAPI definitions a set of served resources publishes: built-in kinds from the generated definitions,
 * custom resources from their CRD version's schema (`ResourceDefinition.openAPISchema`), each with the
 * definitions it references. The generated module (about 450 kB) is imported and parsed once, on first use
 * (`loadBuiltinDefinitions()`), so that starting a control plane does not pay for it.
 */
import type { ResourceDefinition } from "../resource.js";
import { customResourceDefinitions } from "./crd.js";
import { builtinDefinitionName, statusName } from "./names.js";
import { refName, type Definitions, type GVK, type Schema } from "./types.js";

let builtin: Definitions | undefined;
let loading: Promise<Readonly<Definitions>> | undefined;

/** Loads the generated definitions of the built-in kinds (once); the functions below need them loaded. */
export function loadBuiltinDefinitions(): Promise<Readonly<Definitions>> {
  loading ??= import("./builtin.generated.js").then((m) => {
    builtin = JSON.parse(m.builtinDefinitionsJSON) as Definitions;
    return builtin;
  });
  return loading;
}

/** The generated definitions of the built-in kinds (read-only); throws before `loadBuiltinDefinitions()` resolved. */
export function builtinDefinitions(): Readonly<Definitions> {
  if (!builtin) throw new Error("built-in OpenAPI definitions not loaded: await loadBuiltinDefinitions() first");
  return builtin;
}

/** The definition name of a served kind's object, if the kind has a schema. */
export function kindDefinitionName(def: ResourceDefinition, kind = def.names.kind): string | undefined {
  if (def.openAPISchema) return customResourceDefinitions(def).names.get(kind);
  return builtinKindDefinitionName({ group: def.group, version: def.version, kind });
}

/** The definition name of a built-in kind, if the generated definitions have it. */
export function builtinKindDefinitionName(gvk: GVK): string | undefined {
  const name = builtinDefinitionName(gvk);
  return name in builtinDefinitions() ? name : undefined;
}

/** Adds `name` and every definition it references (transitively) from `from` to `into`. */
function addClosure(into: Definitions, from: Readonly<Definitions>, name: string): void {
  const stack = [name];
  for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
    if (n in into) continue;
    const d = from[n];
    if (!d) continue;
    into[n] = d;
    collectRefs(d, (r) => stack.push(r));
  }
}

function collectRefs(s: Schema, fn: (name: string) => void): void {
  const r = refName(s.$ref);
  if (r) fn(r);
  for (const a of s.allOf ?? []) collectRefs(a, fn);
  if (s.items) collectRefs(s.items, fn);
  if (typeof s.additionalProperties === "object") collectRefs(s.additionalProperties, fn);
  for (const p of Object.values(s.properties ?? {})) collectRefs(p, fn);
}

/** Definitions (v2 form, "#/definitions/" refs) for the given served resources and the kinds of their subresources. */
export function definitionsFor(resources: readonly { def: ResourceDefinition; subresources?: readonly { kind: GVK }[] }[]): Definitions {
  const out: Definitions = {};
  const all = builtinDefinitions();
  addClosure(out, all, statusName);
  for (const { def, subresources } of resources) {
    if (def.openAPISchema) {
      const cr = customResourceDefinitions(def);
      for (const [n, d] of Object.entries(cr.definitions)) out[n] = d;
      for (const d of Object.values(cr.definitions)) collectRefs(d, (r) => addClosure(out, all, r));
    } else {
      for (const kind of [def.names.kind, def.names.listKind]) addClosure(out, all, builtinDefinitionName({ group: def.group, version: def.version, kind }));
    }
    for (const sub of subresources ?? []) if (!def.openAPISchema || sub.kind.kind !== def.names.kind) addClosure(out, all, builtinDefinitionName(sub.kind));
  }
  const sorted: Definitions = {};
  for (const k of Object.keys(out).sort()) sorted[k] = out[k] ?? {};
  return sorted;
}

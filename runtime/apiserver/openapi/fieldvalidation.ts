/**
 * Schema-based unknown-field handling for built-in kinds, as kube-apiserver's `fieldValidation` does when it
 * decodes a request body: `Strict` fails the request with 400 `Deployment in version "v1" cannot be handled as a
 * Deployment: strict decoding error: unknown field "spec.foo", unknown field "spec.bar"` (a patched object:
 * just `strict decoding error: …`), `Warn` (the default) returns one `unknown field "spec.foo"` warning per
 * field, `Ignore` does nothing. Custom resources are not checked here: the CRD engine prunes and reports their
 * unknown fields itself.
 */
import { newBadRequest } from "../../core/errors.js";
import type { ResourceDefinition } from "../resource.js";
import { builtinDefinitions, kindDefinitionName, loadBuiltinDefinitions } from "./definitions.js";
import { unknownFields } from "./unknown.js";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

/** Whether `def` is a built-in kind whose objects are checked here. */
function checked(def: ResourceDefinition): boolean {
  return !def.unstructured && !def.openAPISchema;
}

/**
 * The check for one request: loads the schemas when the kind is checked and `mode` is not Ignore, then returns a
 * synchronous function applying `checkUnknownFields` (usable inside a store's update function).
 */
export async function unknownFieldChecker(def: ResourceDefinition, mode: FieldValidation, warnings: string[]): Promise<(obj: unknown, opts?: CheckOptions) => void> {
  if (mode === "Ignore" || !checked(def)) return () => undefined;
  await loadBuiltinDefinitions();
  return (obj, opts) => checkUnknownFields(def, obj, mode, warnings, opts);
}

/**
 * Unknown field paths of `obj` against its built-in kind's schema ([] for custom resources and kinds without
 * one). The definitions must be loaded (`loadBuiltinDefinitions()`).
 */
export function builtinUnknownFields(def: ResourceDefinition, obj: unknown): string[] {
  if (!checked(def)) return [];
  const name = kindDefinitionName(def);
  return name ? unknownFields(builtinDefinitions(), name, obj) : [];
}

export interface CheckOptions {
  /** The stored object a patch applied to: fields already unknown there are not reported again. */
  previous?: unknown;
  /** The object is the result of a patch (the Strict error is not wrapped in the decoding message). */
  patched?: boolean;
}

/** Applies `mode` to the unknown fields of `obj`: throws the Strict error, or appends Warn warnings to `warnings`. */
export function checkUnknownFields(def: ResourceDefinition, obj: unknown, mode: FieldValidation, warnings: string[], opts: CheckOptions = {}): void {
  const { previous } = opts;
  if (mode === "Ignore") return;
  let unknown = builtinUnknownFields(def, obj);
  if (unknown.length === 0) return;
  if (previous !== undefined) {
    const before = new Set(builtinUnknownFields(def, previous));
    unknown = unknown.filter((f) => !before.has(f));
  }
  if (unknown.length === 0) return;
  const messages = unknown.map((f) => `unknown field "${f}"`);
  if (mode === "Strict") {
    const err = `strict decoding error: ${messages.join(", ")}`;
    const kind = def.names.kind;
    throw newBadRequest(opts.patched ? err : `${kind} in version "${def.version}" cannot be handled as a ${kind}: ${err}`);
  }
  // an update function may run again after a conflict: report each field once
  for (const m of messages) if (!warnings.includes(m)) warnings.push(m);
}

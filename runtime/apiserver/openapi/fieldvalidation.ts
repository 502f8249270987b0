/**
 * Unknown and duplicate fields of a request body, as kube-apiserver's `fieldValidation` reports them when it
 * decodes the body: `Strict` fails the request with 400 `Deployment in version "v1" cannot be handled as a
 * Deployment: strict decoding error: duplicate field "spec.paused", unknown field "spec.foo"` (a patched object:
 * just `strict decoding error: …`), `Warn` (the default) returns one warning per field, `Ignore` does nothing.
 *
 * Built-in kinds: unknown fields against the kind's OpenAPI schema; for a JSON body, repeated keys and unknown
 * fields in document order (a key both unknown and repeated counts as unknown once); for a YAML body, go-yaml's
 * `yaml: unmarshal errors:` lines first, then unknown fields in sorted key order (Go decodes YAML through a map).
 * Custom resources: repeated keys first, then the fields pruning drops (`ResourceDefinition.pruneUnknownFields`);
 * with Warn, the CRD strategy itself warns about the pruned fields.
 */
import { newBadRequest } from "../../core/errors.js";
import type { KubeObject } from "../../core/object.js";
import type { ResourceDefinition } from "../resource.js";
import { decodedDuplicates, type DecodedDuplicates } from "../http/body.js";
import { maxStrictErrors, type KeyEvent } from "../http/duplicates.js";
import { builtinDefinitions, kindDefinitionName, loadBuiltinDefinitions } from "./definitions.js";
import { unknownFields } from "./unknown.js";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

/** Whether `def` is a built-in kind whose objects are checked against the generated definitions. */
function checked(def: ResourceDefinition): boolean {
  return !def.unstructured && !def.openAPISchema;
}

/**
 * The check for one request: loads the schemas when the kind is checked and `mode` is not Ignore, then returns a
 * synchronous function applying `checkUnknownFields` (usable inside a store's update function).
 */
export async function unknownFieldChecker(def: ResourceDefinition, mode: FieldValidation, warnings: string[]): Promise<(obj: unknown, opts?: CheckOptions) => void> {
  if (mode === "Ignore") return () => undefined;
  if (def.unstructured) return (obj, opts) => checkCustomResourceFields(def, obj, mode, warnings, opts);
  if (checked(def)) await loadBuiltinDefinitions();
  return (obj, opts) => checkUnknownFields(def, obj, mode, warnings, opts);
}

/**
 * Unknown field paths of `obj` against its built-in kind's schema ([] for custom resources and kinds without
 * one). The definitions must be loaded (`loadBuiltinDefinitions()`). `sortedKeys`: visit keys in sorted order.
 */
export function builtinUnknownFields(def: ResourceDefinition, obj: unknown, sortedKeys = false): string[] {
  if (!checked(def)) return [];
  const name = kindDefinitionName(def);
  return name ? unknownFields(builtinDefinitions(), name, obj, sortedKeys) : [];
}

export interface CheckOptions {
  /** The stored object a patch applied to: fields already unknown there are not reported again. */
  previous?: unknown;
  /** The object is the result of a patch (the Strict error is not wrapped in the decoding message). */
  patched?: boolean;
}

const unknownMsg = (f: string): string => `unknown field "${f}"`;

/** Whether `path` lies strictly below one of `fields` (a.b below a, a[0] below a). */
function below(path: string, fields: ReadonlySet<string>): boolean {
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    if ((c === "." || c === "[") && fields.has(path.slice(0, i))) return true;
  }
  return false;
}

/**
 * A typed object's strict errors from a JSON body with repeated keys: unknown fields and repeats in document
 * order, nothing below an unknown field (the typed decoder skips it), a repeated unknown field once.
 */
function mergeInDocumentOrder(keys: readonly KeyEvent[], unknown: readonly string[]): string[] {
  const unknownSet = new Set(unknown);
  const out = new Set<string>();
  for (const k of keys) {
    if (out.size >= maxStrictErrors) break;
    if (below(k.path, unknownSet)) continue;
    if (unknownSet.has(k.path)) out.add(unknownMsg(k.path));
    else if (k.duplicate) out.add(`duplicate field "${k.path}"`);
  }
  for (const f of unknown) if (out.size < maxStrictErrors) out.add(unknownMsg(f));
  return [...out];
}

/** Strict errors (one message per error; a YAML body's repeats are one multi-line error) and their warnings. */
interface StrictErrors {
  errors: string[];
  warnings: string[];
}

function yamlErrors(dups: DecodedDuplicates | undefined): StrictErrors {
  if (dups?.format !== "yaml" || dups.duplicates.length === 0) return { errors: [], warnings: [] };
  return { errors: [`yaml: unmarshal errors:\n  ${dups.duplicates.join("\n  ")}`], warnings: dups.duplicates };
}

function decodingError(def: ResourceDefinition, errors: string[], patched: boolean | undefined): Error {
  const err = `strict decoding error: ${errors.join(", ")}`;
  const kind = def.names.kind;
  return newBadRequest(patched ? err : `${kind} in version "${def.version}" cannot be handled as a ${kind}: ${err}`);
}

function warn(warnings: string[], msgs: readonly string[]): void {
  // an update function may run again after a conflict: report each field once
  for (const m of msgs) if (!warnings.includes(m)) warnings.push(m);
}

/** Applies `mode` to the unknown and duplicate fields of a built-in kind's `obj`: throws the Strict error, or warns. */
export function checkUnknownFields(def: ResourceDefinition, obj: unknown, mode: FieldValidation, warnings: string[], opts: CheckOptions = {}): void {
  const { previous } = opts;
  if (mode === "Ignore") return;
  const dups = decodedDuplicates(obj);
  let unknown = builtinUnknownFields(def, obj, dups?.format === "yaml" || opts.patched === true);
  if (previous !== undefined && unknown.length > 0) {
    const before = new Set(builtinUnknownFields(def, previous, opts.patched === true));
    unknown = unknown.filter((f) => !before.has(f));
  }
  const yaml = yamlErrors(dups);
  const json = dups?.keys ? mergeInDocumentOrder(dups.keys, unknown) : unknown.map(unknownMsg);
  const errors = [...yaml.errors, ...json];
  if (errors.length === 0) return;
  if (mode === "Strict") throw decodingError(def, errors, opts.patched);
  warn(warnings, [...yaml.warnings, ...json]);
}

/**
 * Custom resources: a create or update body's repeated keys, then (Strict) the fields pruning drops, pruned here.
 * Patch results are left to the CRD strategy, which prunes them and reports their unknown fields.
 */
function checkCustomResourceFields(def: ResourceDefinition, obj: unknown, mode: FieldValidation, warnings: string[], opts: CheckOptions = {}): void {
  if (opts.patched || typeof obj !== "object" || obj === null) return;
  const dups = decodedDuplicates(obj);
  const yaml = yamlErrors(dups);
  const json = dups?.format === "json" ? dups.duplicates : [];
  if (mode === "Warn") {
    warn(warnings, [...yaml.warnings, ...json]);
    return;
  }
  const unknown = def.pruneUnknownFields?.(obj as KubeObject) ?? [];
  const errors = [...yaml.errors, ...json, ...unknown.map(unknownMsg)];
  if (errors.length > 0) throw decodingError(def, errors, false);
}

/**
 * Generates `../builtin.generated.ts`: the OpenAPI definitions of every built-in kind the local control plane
 * serves (and of the types they reference), with upstream names, descriptions, required fields, formats,
 * `x-kubernetes-group-version-kind` and the server's strategic-merge-patch metadata as extensions.
 *
 * Sources: the doc-commented type declarations of the `kubernetes-types` package (devDependency; read with the
 * TypeScript compiler API); `@kubernetes/client-node`'s models (newer than kubernetes-types) for integer/number
 * formats and for fields kubernetes-types lacks (newer fields, and the `x-kubernetes-*` fields of
 * JSONSchemaProps), described from their declarations; and the served kinds and their patch metadata from the
 * control plane's built-in resource definitions.
 *
 * Run with `npm run generate:openapi`. A development tool: nothing at run time imports it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import * as k8s from "@kubernetes/client-node";
import { builtinResources } from "../../../controlplane/builtin/index.js";
import { annotatePatchMeta } from "../patchext.js";
import { builtinPackage, builtinDefinitionName, statusName } from "../names.js";
import type { Definitions, Schema } from "../types.js";

const require = createRequire(import.meta.url);
const typesRoot = dirname(require.resolve("kubernetes-types/package.json"));
const typesVersion = (JSON.parse(readFileSync(join(typesRoot, "package.json"), "utf8")) as { version: string }).version;

/** kubernetes-types module (path without .d.ts) → upstream package prefix. */
function modulePackage(mod: string): string {
  if (mod === "meta/v1") return "io.k8s.apimachinery.pkg.apis.meta.v1";
  if (mod === "api/resource") return "io.k8s.apimachinery.pkg.api.resource";
  if (mod === "runtime") return "io.k8s.apimachinery.pkg.runtime";
  const [group = "", version = ""] = mod.split("/");
  return builtinPackage(group === "core" ? "" : group === "apiextensions" ? "apiextensions.k8s.io" : group === "apiregistration" ? "apiregistration.k8s.io" : group, version);
}

/**
 * Modules kubernetes-types does not have (kube-aggregator's apiregistration.k8s.io): their definitions are built
 * from @kubernetes/client-node's models alone (descriptions, required properties and types from the model
 * declarations, formats from the attribute maps).
 */
const clientOnlyModules = new Set(["apiregistration/v1"]);

const intOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
const special: Definitions = {
  [intOrString]: {
    description: "IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.",
    type: "string",
    format: "int-or-string",
  },
};
/** Type aliases kept as named definitions (their JSDoc becomes the description). */
const aliasSchemas: Record<string, Schema> = {
  "meta/v1.Time": { type: "string", format: "date-time" },
  "meta/v1.MicroTime": { type: "string", format: "date-time" },
  "api/resource.Quantity": { type: "string" },
  "apiextensions/v1.JSONSchemaPropsOrArray": {},
  "apiextensions/v1.JSONSchemaPropsOrBool": {},
  "apiextensions/v1.JSONSchemaPropsOrStringArray": {},
};
/** Interfaces without fields that hold arbitrary JSON. */
const opaque = new Set(["apiextensions/v1.JSON"]);

interface Module {
  file: ts.SourceFile;
  decls: Map<string, ts.InterfaceDeclaration | ts.TypeAliasDeclaration>;
  imports: Map<string, string>;
}
const modules = new Map<string, Module>();

function loadModule(mod: string): Module {
  const cached = modules.get(mod);
  if (cached) return cached;
  const path = join(typesRoot, `${mod}.d.ts`);
  const file = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.ES2022, true);
  const m: Module = { file, decls: new Map(), imports: new Map() };
  for (const st of file.statements) {
    if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) m.decls.set(st.name.text, st);
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const target = join(dirname(mod), st.moduleSpecifier.text).replace(/\\/g, "/");
      const names = st.importClause?.namedBindings;
      if (names && ts.isNamedImports(names)) for (const el of names.elements) m.imports.set(el.name.text, target);
    }
  }
  modules.set(mod, m);
  return m;
}

function docOf(node: ts.Node): string | undefined {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const last = docs[docs.length - 1];
  const text = last ? ts.getTextOfJSDocComment(last.comment) : undefined;
  return text?.trim() || undefined;
}

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}
type ModelClass = { getAttributeTypeMap?: () => Attribute[] } | undefined;
const clientModels = k8s as unknown as Record<string, ModelClass>;
const clientModelsDir = join(dirname(require.resolve("@kubernetes/client-node")), "gen", "models");

/** client-node's model of a kubernetes-types interface: "CoreV1Event" where names collide across groups, else "V1Pod". */
function clientModel(modName: string, name: string): { cls: string; attrs: Attribute[] } | undefined {
  const parts = modName.split("/");
  const version = parts[parts.length - 1] ?? "";
  const v = `${version[0]?.toUpperCase() ?? ""}${version.slice(1)}`;
  const group = parts.length > 1 ? (parts[0] ?? "") : "";
  const g = `${group[0]?.toUpperCase() ?? ""}${group.slice(1)}`;
  for (const cls of [`${g}${v}${name}`, `${v}${name}`]) {
    const attrs = clientModels[cls]?.getAttributeTypeMap?.();
    if (attrs) return { cls, attrs };
  }
  return undefined;
}

/** Descriptions of a client-node model's properties (by TypeScript property name). */
function clientDocs(cls: string): Map<string, string> {
  const out = new Map<string, string>();
  let text: string;
  try {
    text = readFileSync(join(clientModelsDir, `${cls}.d.ts`), "utf8");
  } catch {
    return out;
  }
  const file = ts.createSourceFile(`${cls}.d.ts`, text, ts.ScriptTarget.ES2022, true);
  for (const st of file.statements) {
    if (!ts.isClassDeclaration(st)) continue;
    for (const m of st.members) {
      const doc = ts.isPropertyDeclaration(m) ? docOf(m) : undefined;
      if (doc && m.name) out.set(m.name.getText().replace(/^["']|["']$/g, ""), doc.replace(/\\(['"])/g, "$1"));
    }
  }
  return out;
}

/** A schema for a client-node attribute type ("Array<V1ValidationRule>", "{ [key: string]: string; }", "Date", ...). */
function clientTypeSchema(modName: string, type: string, format: string): Schema {
  const array = /^Array<(.+)>$/.exec(type);
  if (array?.[1]) return { type: "array", items: clientTypeSchema(modName, array[1], format) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map?.[1]) return { type: "object", additionalProperties: clientTypeSchema(modName, map[1], format) };
  switch (type) {
    case "string":
      return format ? { type: "string", format } : { type: "string" };
    case "boolean":
      return { type: "boolean" };
    case "number":
      return format === "double" || format === "float" ? { type: "number", format } : { type: "integer", format: format || "int32" };
    case "Date":
      return ref("meta/v1", "Time");
    case "IntOrString":
      defs[intOrString] = special[intOrString] ?? {};
      return { $ref: `#/definitions/${intOrString}` };
    case "any":
      return {};
  }
  const model = /^(?:[A-Z][a-z]+)*?V\d+(?:alpha\d+|beta\d+)?([A-Z]\w*)$/.exec(type);
  const name = model?.[1];
  // client-only modules: meta/v1 types by their kubernetes-types declarations, the module's own by their models
  if (name && clientOnlyModules.has(modName) && !loadModule("meta/v1").decls.has(name) && clientModel(modName, name)) return ref(modName, name);
  if (name && !clientOnlyModules.has(modName) && loadModule(modName).decls.has(name)) return ref(modName, name);
  if (name && loadModule("meta/v1").decls.has(name)) return ref("meta/v1", name);
  // a type kubernetes-types does not know: accept any object below it
  return { type: "object", "x-kubernetes-preserve-unknown-fields": true };
}

const defs: Definitions = {};
const pending: [string, string][] = [];

function ref(mod: string, name: string): Schema {
  const full = `${modulePackage(mod)}.${name}`;
  if (!(full in defs)) {
    defs[full] = {};
    pending.push([mod, name]);
  }
  return { $ref: `#/definitions/${full}` };
}

function typeSchema(mod: Module, modName: string, node: ts.TypeNode, format: string | undefined): Schema {
  if (ts.isParenthesizedTypeNode(node)) return typeSchema(mod, modName, node.type, format);
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return format ? { type: "string", format } : { type: "string" };
    case ts.SyntaxKind.BooleanKeyword:
      return { type: "boolean" };
    case ts.SyntaxKind.NumberKeyword:
      return format === "double" || format === "float" ? { type: "number", format } : { type: "integer", format: format ?? "int32" };
    case ts.SyntaxKind.AnyKeyword:
    case ts.SyntaxKind.UnknownKeyword:
      return {};
  }
  if (ts.isLiteralTypeNode(node)) return { type: ts.isStringLiteral(node.literal) ? "string" : typeof node.literal };
  if (ts.isUnionTypeNode(node)) {
    const kinds = node.types.map((t) => t.kind).sort();
    if (kinds.length === 2 && kinds.includes(ts.SyntaxKind.NumberKeyword) && kinds.includes(ts.SyntaxKind.StringKeyword)) {
      defs[intOrString] = special[intOrString] ?? {};
      return { $ref: `#/definitions/${intOrString}` };
    }
    if (node.types.every((t) => ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal))) return { type: "string" };
    throw new Error(`unsupported union in ${modName}: ${node.getText()}`);
  }
  if (ts.isArrayTypeNode(node)) return { type: "array", items: typeSchema(mod, modName, node.elementType, format) };
  if (ts.isTypeLiteralNode(node)) {
    const index = node.members.find(ts.isIndexSignatureDeclaration);
    if (!index) return { type: "object" };
    return { type: "object", additionalProperties: typeSchema(mod, modName, index.type, format) };
  }
  if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
    const name = node.typeName.text;
    if (name === "Array" && node.typeArguments?.[0]) return { type: "array", items: typeSchema(mod, modName, node.typeArguments[0], format) };
    if (name === "Record" && node.typeArguments?.[1]) return { type: "object", additionalProperties: typeSchema(mod, modName, node.typeArguments[1], format) };
    const target = mod.decls.has(name) ? modName : mod.imports.get(name);
    if (!target) throw new Error(`unresolved type ${name} in ${modName}`);
    return ref(target, name);
  }
  throw new Error(`unsupported type in ${modName}: ${node.getText()}`);
}

/** A client-node model class's declaration: its description and the properties declared without `?`. */
function clientDeclaration(cls: string): { description?: string; required: Set<string> } {
  const required = new Set<string>();
  const file = ts.createSourceFile(`${cls}.d.ts`, readFileSync(join(clientModelsDir, `${cls}.d.ts`), "utf8"), ts.ScriptTarget.ES2022, true);
  let description: string | undefined;
  for (const st of file.statements) {
    if (!ts.isClassDeclaration(st)) continue;
    description = docOf(st)?.replace(/\\(['"])/g, "$1");
    for (const m of st.members) {
      if (ts.isPropertyDeclaration(m) && !m.questionToken && !m.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword)) {
        required.add(m.name.getText().replace(/^["']|["']$/g, ""));
      }
    }
  }
  return description ? { description, required } : { required };
}

/** A definition of a client-only module, from its client-node model. */
function generateClientOnlyDefinition(modName: string, name: string): void {
  const model = clientModel(modName, name);
  if (!model) throw new Error(`no client-node model for ${modName}.${name}`);
  const decl = clientDeclaration(model.cls);
  const docs = clientDocs(model.cls);
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const a of [...model.attrs].sort((x, y) => (x.baseName < y.baseName ? -1 : x.baseName > y.baseName ? 1 : 0))) {
    const s = clientTypeSchema(modName, a.type, a.format);
    const doc = docs.get(a.name);
    properties[a.baseName] = doc ? { description: doc, ...s } : s;
    if (decl.required.has(a.name)) required.push(a.baseName);
  }
  defs[`${modulePackage(modName)}.${name}`] = {
    ...(decl.description ? { description: decl.description } : {}),
    type: "object",
    ...(required.length ? { required } : {}),
    ...(Object.keys(properties).length ? { properties } : {}),
  };
}

function generateDefinition(modName: string, name: string): void {
  if (clientOnlyModules.has(modName)) {
    generateClientOnlyDefinition(modName, name);
    return;
  }
  const mod = loadModule(modName);
  const decl = mod.decls.get(name);
  if (!decl) throw new Error(`no declaration ${name} in ${modName}`);
  const full = `${modulePackage(modName)}.${name}`;
  const description = docOf(decl);
  const alias = aliasSchemas[`${modName}.${name}`];
  if (alias || ts.isTypeAliasDeclaration(decl)) {
    defs[full] = { ...(description ? { description } : {}), ...(alias ?? {}) };
    return;
  }
  if (opaque.has(`${modName}.${name}`)) {
    defs[full] = description ? { description } : {};
    return;
  }
  const model = clientModel(modName, name);
  const formats = new Map((model?.attrs ?? []).filter((a) => a.format).map((a) => [a.baseName, a.format]));
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  const members = [...decl.members].filter(ts.isPropertySignature).sort((a, b) => a.name.getText().localeCompare(b.name.getText()));
  for (const m of members) {
    const field = m.name.getText().replace(/^["']|["']$/g, "");
    if (!m.type) continue;
    const s = typeSchema(mod, modName, m.type, formats.get(field));
    const doc = docOf(m);
    properties[field] = doc ? { description: doc, ...s } : s;
    if (!m.questionToken) required.push(field);
  }
  if (model) {
    const docs = clientDocs(model.cls);
    for (const a of model.attrs) {
      if (a.baseName in properties) continue;
      const s = clientTypeSchema(modName, a.type, a.format);
      const doc = docs.get(a.name);
      properties[a.baseName] = doc ? { description: doc, ...s } : s;
    }
  }
  const sortedProps = Object.fromEntries(Object.entries(properties).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  defs[full] = {
    ...(description ? { description } : {}),
    type: "object",
    ...(required.length ? { required } : {}),
    ...(Object.keys(sortedProps).length ? { properties: sortedProps } : {}),
  };
}

function drain(): void {
  for (let next = pending.shift(); next; next = pending.shift()) generateDefinition(next[0], next[1]);
}

/** kubernetes-types module of a built-in group-version. */
function moduleOf(group: string, version: string): string {
  const g = group === "" ? "core" : group.replace(/\.k8s\.io$/, "").split(".")[0] ?? group;
  return `${g}/${version}`;
}

const resources = builtinResources();
const roots: { mod: string; kind: string; gvk?: { group: string; version: string; kind: string } }[] = [
  { mod: "autoscaling/v1", kind: "Scale", gvk: { group: "autoscaling", version: "v1", kind: "Scale" } },
  { mod: "meta/v1", kind: "Status", gvk: { group: "", version: "v1", kind: "Status" } },
];
for (const r of resources) {
  for (const kind of [r.names.kind, r.names.listKind]) roots.push({ mod: moduleOf(r.group, r.version), kind, gvk: { group: r.group, version: r.version, kind } });
}
for (const r of roots) ref(r.mod, r.kind);
drain();
for (const r of roots) {
  const d = defs[`${modulePackage(r.mod)}.${r.kind}`];
  if (d && r.gvk) d["x-kubernetes-group-version-kind"] = [r.gvk];
}
for (const r of resources) if (r.patchMeta) annotatePatchMeta(defs, builtinDefinitionName({ group: r.group, version: r.version, kind: r.names.kind }), r.patchMeta);
if (!defs[statusName]) throw new Error("Status missing");

const sorted: Definitions = {};
for (const k of Object.keys(defs).sort()) sorted[k] = defs[k] ?? {};
const json = JSON.stringify(sorted);
const out = join(dirname(fileURLToPath(import.meta.url)), "..", "builtin.generated.ts");
writeFileSync(
  out,
  `// generated — do not edit. Produced by \`npm run generate:openapi\` (runtime/apiserver/openapi/gen/generate.ts)\n` +
    `// from kubernetes-types ${typesVersion}, @kubernetes/client-node formats and the served built-in kinds.\n\n` +
    `/** OpenAPI definitions of the built-in kinds, as a JSON string (parsed on first use). */\n` +
    `export const builtinDefinitionsJSON: string = ${JSON.stringify(json)};\n`,
);
console.log(`wrote ${Object.keys(sorted).length} definitions (${json.length} bytes) to ${out}`);

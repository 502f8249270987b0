/**
 * One generated file per CRD version: the top-level fields' types (spec, status, ...) compiled by
 * json-schema-to-typescript from the prepared schema, then the kind, its list and a `{ apiVersion, kind }` constant.
 */
import { compile, type Options } from "json-schema-to-typescript";
import type { Crd, CrdVersion, SchemaNode } from "./parse.js";
import { prepareSchema, type ApiName } from "./schema.js";

/** Thrown for a CRD whose types cannot be generated; the caller adds file and line. */
export class EmitError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = "EmitError";
  }
}

export interface EmittedFile {
  /** `<group>/<version>/<kind lower-case>.types.ts`, relative to the output folder. */
  readonly path: string;
  readonly content: string;
}

/**
 * json-schema-to-typescript settings for strict projects: `unknown` instead of `any`; no index signature unless
 * the schema allows unknown fields; no tuple types from `minItems`/`maxItems`; index signatures without
 * `| undefined` (kubeforge projects use `noUncheckedIndexedAccess`, which adds it on reads).
 */
export const compileOptions: Partial<Options> = {
  bannerComment: "",
  additionalProperties: false,
  unknownAny: true,
  strictIndexSignatures: false,
  ignoreMinAndMaxItems: true,
  declareExternallyReferenced: true,
  enableConstEnums: false,
  inferStringEnumKeysFromValues: false,
  unreachableDefinitions: false,
  format: true,
  style: { printWidth: 120, bracketSpacing: true, semi: true, singleQuote: false, tabWidth: 2, trailingComma: "all", useTabs: false },
};

const fromKubeforge = ["KubeList", "KubeObject"] as const;
const standardFields = new Set(["apiVersion", "kind", "metadata"]);

function isObject(v: unknown): v is SchemaNode {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `CronTab` → `cronTab`, `URLMap` → `urlMap`, `DNS` → `dns`. */
export function lowerCamel(name: string): string {
  const run = /^[A-Z]+/.exec(name)?.[0] ?? "";
  if (run.length <= 1) return name.charAt(0).toLowerCase() + name.slice(1);
  if (run.length === name.length) return name.toLowerCase();
  return run.slice(0, -1).toLowerCase() + name.slice(run.length - 1);
}

/** `spec` → `Spec`, `tls-config` → `TlsConfig`. */
export function pascal(name: string): string {
  const s = name
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p !== "")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");
  return s === "" ? "Field" : s;
}

function jsdoc(lines: readonly string[], indent = ""): string {
  const body = lines.flatMap((l) => l.replace(/\*\//g, "* /").split("\n")).map((l) => `${indent} *${l === "" ? "" : ` ${l}`}`.trimEnd());
  return `${indent}/**\n${body.join("\n")}\n${indent} */\n`;
}

function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

export async function emitVersion(crd: Crd, version: CrdVersion): Promise<EmittedFile> {
  const apiVersion = `${crd.group}/${version.name}`;
  const root = version.schema;
  const properties = isObject(root["properties"]) ? root["properties"] : {};
  const required = new Set(Array.isArray(root["required"]) ? root["required"].filter((r): r is string => typeof r === "string") : []);
  const fields = Object.keys(properties).filter((k) => !standardFields.has(k));

  // Names this file declares; an import that would clash is aliased Kf<Name>.
  const constName = `${lowerCamel(crd.kind)}Type`;
  const declared = new Map<string, string>([
    [crd.kind, "the kind"],
    [crd.listKind, "the list kind"],
  ]);
  if (crd.listKind === crd.kind) throw new EmitError(`spec.names.listKind must differ from the kind "${crd.kind}"`, crd.line);
  const fieldTypes = new Map<string, string>();
  for (const f of fields) {
    const typeName = `${crd.kind}${pascal(f)}`;
    const clash = declared.get(typeName);
    if (clash) throw new EmitError(`the type for field "${f}" would be named ${typeName}, like ${clash}; rename the field or the kind`, version.line);
    declared.set(typeName, `the type of field "${f}"`);
    fieldTypes.set(f, typeName);
  }
  const local = (name: string): string => (declared.has(name) ? `Kf${name}` : name);

  const usedApi = new Set<ApiName>(["ObjectMeta"]);
  const blocks: string[] = [];
  for (const [f, typeName] of fieldTypes) {
    const schema = properties[f];
    const prepared = prepareSchema(isObject(schema) ? schema : {}, local);
    for (const u of prepared.used) usedApi.add(u);
    let ts: string;
    try {
      ts = await compile(prepared.schema, typeName, compileOptions);
    } catch (e) {
      throw new EmitError(`version ${version.name}, field "${f}": cannot generate types: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`, version.line);
    }
    if (!new RegExp(`^export (interface ${typeName} |type ${typeName} =)`, "m").test(ts)) {
      throw new EmitError(`version ${version.name}, field "${f}": json-schema-to-typescript did not name the type ${typeName}`, version.line);
    }
    blocks.push(ts.trim());
  }

  const kindDoc: string[] = [];
  if (typeof root["description"] === "string" && root["description"].trim() !== "") kindDoc.push(root["description"].trim(), "");
  kindDoc.push(`${crd.scope === "Cluster" ? "Cluster-scoped" : "Namespaced"} resource "${crd.plural}.${crd.group}".`);
  let kindDecl = jsdoc(kindDoc);
  kindDecl += `export interface ${crd.kind} extends ${local("KubeObject")} {\n`;
  kindDecl += `  apiVersion: ${JSON.stringify(apiVersion)};\n  kind: ${JSON.stringify(crd.kind)};\n  metadata: ${local("ObjectMeta")};\n`;
  for (const [f, typeName] of fieldTypes) kindDecl += `  ${propertyKey(f)}${required.has(f) ? "" : "?"}: ${typeName};\n`;
  kindDecl += "}";
  blocks.push(kindDecl);
  blocks.push(
    `${jsdoc([`A list of ${crd.kind}.`])}export interface ${crd.listKind} extends ${local("KubeList")}<${crd.kind}> {\n` +
      `  apiVersion: ${JSON.stringify(apiVersion)};\n  kind: ${JSON.stringify(crd.listKind)};\n}`,
  );
  blocks.push(
    `${jsdoc([`The apiVersion and kind of ${crd.kind}, for the client, caches and controllers.`])}` +
      `export const ${constName} = { apiVersion: ${JSON.stringify(apiVersion)}, kind: ${JSON.stringify(crd.kind)} } as const;`,
  );

  const importList = (names: readonly string[]): string => names.map((n) => (local(n) === n ? n : `${n} as ${local(n)}`)).join(", ");
  const header =
    `// Code generated by kubeforge import crd. DO NOT EDIT.\n` +
    `// Source: ${crd.file} (CustomResourceDefinition ${crd.name}, version ${version.name}).\n` +
    `import type { ${importList(fromKubeforge)} } from "kubeforge";\n` +
    `import type { ${importList([...usedApi].sort())} } from "kubeforge/api";\n`;
  return { path: `${crd.group}/${version.name}/${crd.kind.toLowerCase()}.types.ts`, content: `${header}\n${blocks.join("\n\n")}\n` };
}

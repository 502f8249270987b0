/**
 * Code generation for aggregated kinds, run by "kubeforge generate" (and "create api --aggregated"): the
 * markers of each kind's types → src/apiserver/generated/<group>_<version>_<plural>.ts, the part of its
 * ResourceDefinition the types decide (names, scope, OpenAPI schema, server-side-apply field types, printer
 * columns, status/scale subresources) and a schema strategy (pruning, defaults, validation); plus
 * src/apiserver/generated/schema.ts, the runtime those files use.
 *
 * The markers are compiled by the same code generator as CRDs (so +kubebuilder:validation:*, default,
 * printcolumn, subresource:status/scale and resource:shortName/categories mean what they mean for a CRD);
 * the CRD itself is not written. CEL rules (+kubebuilder:validation:XValidation) are refused with a pointer to
 * the kind's validate function: the aggregated server has no CEL evaluator the project can use.
 */
import { existsSync } from "node:fs";
import { readdir, readFile, rm } from "node:fs/promises";
import { join, posix } from "node:path";
import { parseAllDocuments } from "yaml";
import { fieldTypeFromSchema } from "../../runtime/apiserver/ssa/schema.js";
import { CodegenError, generate, GenerationError, type GeneratedFile } from "../codegen/index.js";
import { aggregatedFiles, aggregatedLayout, aggregatedResources, generatedTSHeader } from "./aggregated.js";
import { templatesDir } from "./package.js";
import { fullGroup, readProject, type Project, type ProjectResource } from "./project.js";

interface CRDVersionDoc {
  name: string;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
  subresources?: { status?: object; scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string } };
  additionalPrinterColumns?: { name: string; type: string; jsonPath: string; format?: string; description?: string; priority?: number }[];
}

interface CRDDoc {
  spec: {
    group: string;
    scope: "Namespaced" | "Cluster";
    names: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[] };
    versions: CRDVersionDoc[];
  };
}

/** Whether PROJECT (if any) lists aggregated kinds. */
export async function hasAggregatedResources(root: string): Promise<boolean> {
  if (!existsSync(join(root, "PROJECT"))) return false;
  try {
    return aggregatedResources(await readProject(root)).length > 0;
  } catch {
    return false;
  }
}

function findXValidations(s: unknown, path: string, out: string[]): void {
  if (typeof s !== "object" || s === null) return;
  const o = s as Record<string, unknown>;
  if (Array.isArray(o["x-kubernetes-validations"]) && o["x-kubernetes-validations"].length > 0) out.push(path || "<root>");
  for (const [k, v] of Object.entries(o.properties ?? {})) findXValidations(v, path ? `${path}.${k}` : k, out);
  if (o.items) findXValidations(o.items, `${path}[*]`, out);
  if (typeof o.additionalProperties === "object") findXValidations(o.additionalProperties, `${path}[*]`, out);
}

async function lineOf(root: string, file: string, needle: RegExp): Promise<number> {
  const text = await readFile(join(root, file), "utf8").catch(() => "");
  const i = text.split("\n").findIndex((l) => needle.test(l));
  return i < 0 ? 1 : i + 1;
}

/** The TypeScript module generated for one aggregated kind. */
export function renderGeneratedKind(r: ProjectResource, project: Pick<Project, "domain" | "multigroup">, crd: CRDDoc, version: CRDVersionDoc): string {
  const l = aggregatedLayout(project, r, r.path);
  const schema = version.schema?.openAPIV3Schema ?? { type: "object", "x-kubernetes-preserve-unknown-fields": true };
  const n = crd.spec.names;
  const names = {
    plural: n.plural,
    singular: n.singular ?? n.kind.toLowerCase(),
    kind: n.kind,
    listKind: n.listKind ?? `${n.kind}List`,
    ...(n.shortNames?.length ? { shortNames: n.shortNames } : {}),
    ...(n.categories?.length ? { categories: n.categories } : {}),
  };
  const columns = (version.additionalPrinterColumns ?? []).map((c) => ({
    name: c.name,
    type: c.type,
    jsonPath: c.jsonPath,
    ...(c.format ? { format: c.format } : {}),
    ...(c.description ? { description: c.description } : {}),
    ...(c.priority ? { priority: c.priority } : {}),
  }));
  const scale = version.subresources?.scale;
  const json = (v: unknown): string => JSON.stringify(v, null, 2);
  const indent = (s: string): string => s.replace(/\n/g, "\n  ");
  return `${generatedTSHeader} from ${l.typesFile}. DO NOT EDIT.
// "npm run manifests" (kubeforge generate) regenerates it: change the types and their markers instead.
import type { ResourceDefinition } from "kubeforge/apiserver";
import { printerTable, schemaStrategy, type Schema } from "./schema.js";

/** The OpenAPI schema of ${n.kind} (${crd.spec.group}/${version.name}), from its types and markers. */
export const ${l.schemaExport}: Schema = ${json(schema)};

/**
 * ${n.kind} as its types and markers describe it: names, scope, schema, field types, printer columns and
 * subresources. ${l.registryFile} completes it with the strategy.
 */
export const ${l.definitionExport} = {
  group: ${json(crd.spec.group)},
  version: ${json(version.name)},
  names: ${indent(json(names))},
  namespaced: ${crd.spec.scope === "Namespaced"},
  unstructured: true,
  generation: true,
  statusSubresource: ${version.subresources?.status !== undefined},
${scale ? `  scale: ${indent(json(scale))},\n` : ""}  openAPISchema: ${l.schemaExport},
  fieldType: ${indent(JSON.stringify(fieldTypeFromSchema(schema as Parameters<typeof fieldTypeFromSchema>[0])))},
  table: printerTable(${indent(json(columns))}),
} satisfies Omit<ResourceDefinition, "strategy">;

/** Pruning, defaults and validation from the markers, for the strategy in ${l.registryFile}. */
export const ${l.schemaStrategyExport} = schemaStrategy(${l.schemaExport});
`;
}

/** The schema runtime (src/apiserver/generated/schema.ts) of this kubeforge version. */
export async function schemaRuntime(): Promise<string> {
  return readFile(join(templatesDir("aggregated"), "schema.ts"), "utf8");
}

/**
 * Every generated file of the project's aggregated kinds (none when PROJECT lists none). Mistakes in the types
 * are a GenerationError naming file:line, like the CRD generator's.
 */
export async function aggregatedGeneratedFiles(root: string, project?: Project): Promise<GeneratedFile[]> {
  const p = project ?? (existsSync(join(root, "PROJECT")) ? await readProject(root) : undefined);
  const kinds = p ? aggregatedResources(p) : [];
  if (!p || kinds.length === 0) return [];
  const errors: CodegenError[] = [];
  const dirs = new Set<string>();
  for (const r of kinds) {
    const l = aggregatedLayout(p, r, r.path);
    if (!existsSync(join(root, l.typesFile))) errors.push(new CodegenError({ file: "PROJECT", line: 1 }, `the types of aggregated kind ${r.kind} (${fullGroup(r)}/${r.version}) are missing: ${l.typesFile} does not exist; restore it, or remove the kind from PROJECT`));
    else dirs.add(posix.dirname(l.typesFile));
  }
  if (errors.length > 0) throw new GenerationError(errors);
  // the CRD generator reads the markers; its CRDs are this step's intermediate form, not written anywhere
  const crds = new Map<string, CRDDoc>();
  for (const f of generate({ root, paths: [...dirs].sort() })) {
    if (!f.path.startsWith("config/crd/bases/")) continue;
    for (const d of parseAllDocuments(f.content)) {
      const crd = d.toJS() as CRDDoc | null;
      if (crd?.spec) crds.set(`${crd.spec.group}/${crd.spec.names.kind}`, crd);
    }
  }
  const out: GeneratedFile[] = [{ path: aggregatedFiles.schema, content: await schemaRuntime() }];
  for (const r of kinds) {
    const l = aggregatedLayout(p, r, r.path);
    const crd = crds.get(`${fullGroup(r)}/${r.kind}`);
    const version = crd?.spec.versions.find((v) => v.name === r.version);
    if (!crd || !version) {
      errors.push(
        new CodegenError(
          { file: l.typesFile, line: await lineOf(root, l.typesFile, new RegExp(`interface ${r.kind}\\b`)) },
          `no kind ${r.kind} in ${fullGroup(r)}/${r.version} here: the file needs an exported interface ${r.kind} marked +kubebuilder:object:root=true with apiVersion "${fullGroup(r)}/${r.version}" (PROJECT lists it as an aggregated kind)`,
        ),
      );
      continue;
    }
    const cel: string[] = [];
    findXValidations(version.schema?.openAPIV3Schema, "", cel);
    if (cel.length > 0) {
      errors.push(
        new CodegenError(
          { file: l.typesFile, line: await lineOf(root, l.typesFile, /XValidation/) },
          `+kubebuilder:validation:XValidation (CEL) at ${cel.join(", ")}: CEL rules are not evaluated by the aggregated API server; remove the marker and write the rule in validate${r.kind}() in ${l.registryFile}`,
        ),
      );
      continue;
    }
    if ((crd.spec.scope === "Namespaced") !== (r.aggregated?.namespaced ?? true)) {
      const want = r.aggregated?.namespaced ?? true;
      errors.push(
        new CodegenError(
          { file: l.typesFile, line: await lineOf(root, l.typesFile, /\+kubebuilder:resource|interface /) },
          `${r.kind} is ${want ? "namespaced" : "cluster-scoped"} in PROJECT but ${want ? "cluster-scoped" : "namespaced"} in its types: ${want ? "remove scope=Cluster from" : "add scope=Cluster to"} +kubebuilder:resource, or change aggregated.namespaced in PROJECT`,
        ),
      );
      continue;
    }
    out.push({ path: l.generatedFile, content: renderGeneratedKind(r, p, crd, version) });
  }
  if (errors.length > 0) throw new GenerationError(errors);
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/**
 * Generated files in src/apiserver/generated that no aggregated kind produces any more (files carrying
 * kubeforge's header only; schema.ts goes once no aggregated kind is left).
 */
export async function aggregatedStaleFiles(root: string, files: readonly GeneratedFile[]): Promise<string[]> {
  const dir = aggregatedFiles.generatedDir;
  const names = await readdir(join(root, dir)).catch(() => [] as string[]);
  const current = new Set(files.map((f) => f.path));
  const stale: string[] = [];
  for (const name of names.filter((n) => n.endsWith(".ts")).sort()) {
    const path = `${dir}/${name}`;
    if (current.has(path)) continue;
    const text = await readFile(join(root, path), "utf8").catch(() => "");
    if (text.startsWith(generatedTSHeader)) stale.push(path);
  }
  return stale;
}

/** Removes the stale generated files; returns their paths. */
export async function removeAggregatedStale(root: string, files: readonly GeneratedFile[]): Promise<string[]> {
  const stale = await aggregatedStaleFiles(root, files);
  for (const p of stale) await rm(join(root, p));
  return stale;
}

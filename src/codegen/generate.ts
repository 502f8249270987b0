/**
 * The generator: API type files → CRDs, RBAC roles and webhook configurations (controller-gen's
 * `crd rbac:roleName=manager-role webhook` run), as files relative to the project root.
 */
import { existsSync, statSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { Node, Project, type InterfaceDeclaration, type SourceFile, type TypeAliasDeclaration } from "ts-morph";
import { FileMarkers, type MarkerAt } from "./comments.js";
import { buildCRD, type KindVersion } from "./crd.js";
import { ErrorSink } from "./errors.js";
import { apiVersionDescription, kindDescription, truncateDescriptions } from "./jsonschema.js";
import { rolesFromMarkers } from "./rbac.js";
import { SchemaBuilder } from "./schema.js";
import { webhooksFromMarkers } from "./webhook.js";
import { generatedHeader, toYAML } from "./yaml.js";

export interface GenerateOptions {
  /** The project root; paths, positions in errors and outputs are relative to it. */
  root: string;
  /** Files or folders to read (default: `api` and `internal`, those that exist). */
  paths?: readonly string[];
  /** Where manifests go (default `config`). */
  outputDir?: string;
  /** Cut descriptions to this many characters (+ "..."); 0 drops them; undefined keeps them whole. */
  maxDescLen?: number;
}

export interface GeneratedFile {
  /** Relative to the root, with `/` separators. */
  path: string;
  content: string;
}

const defaultPaths = ["api", "internal"];

function loadProject(root: string, paths: readonly string[], errors: ErrorSink): { project: Project; files: SourceFile[] } {
  const project = new Project({ compilerOptions: { strict: true, allowJs: false, skipLibCheck: true, noEmit: true }, skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: false });
  const files: SourceFile[] = [];
  for (const p of paths) {
    const abs = resolve(root, p);
    if (!existsSync(abs)) {
      errors.add({ file: p, line: 0 }, `no such file or folder`);
      continue;
    }
    const globs = statSync(abs).isDirectory() ? [`${abs}/**/*.ts`, `!${abs}/**/*.test.ts`, `!${abs}/**/*.d.ts`, `!${abs}/**/node_modules/**`] : [abs];
    files.push(...project.addSourceFilesAtPaths(globs));
  }
  project.resolveSourceFileDependencies();
  return { project, files: [...new Set(files)].sort((a, b) => (a.getFilePath() < b.getFilePath() ? -1 : 1)) };
}

/** Generates every manifest; throws GenerationError listing each mistake as file:line. */
export function generate(opts: GenerateOptions): GeneratedFile[] {
  const root = resolve(opts.root);
  const errors = new ErrorSink();
  const paths = opts.paths ?? defaultPaths.filter((p) => existsSync(join(root, p)));
  const { project, files } = loadProject(root, paths, errors);
  const rel = (f: SourceFile): string => relative(root, f.getFilePath()).split("\\").join("/");
  // a file that does not parse is reported as the compiler words it, before anything reads its declarations
  const program = project.getProgram().compilerObject;
  for (const f of files) {
    for (const d of program.getSyntacticDiagnostics(f.compilerNode)) {
      const line = d.start !== undefined ? f.getLineAndColumnAtPos(d.start).line : 0;
      const text = typeof d.messageText === "string" ? d.messageText : d.messageText.messageText;
      errors.add({ file: rel(f), line }, `syntax error: ${text} (TS${d.code}); fix the file, then run generate again`);
    }
  }
  errors.throwIfAny();
  const markerCache = new Map<SourceFile, FileMarkers>();
  const markersFor = (f: SourceFile): FileMarkers => {
    let m = markerCache.get(f);
    if (!m) {
      m = new FileMarkers(f, rel(f), errors);
      markerCache.set(f, m);
    }
    return m;
  };
  for (const f of files) markersFor(f);
  const posOf = (n: Node): { file: string; line: number } => ({ file: rel(n.getSourceFile()), line: n.getStartLineNumber() });
  const builder = new SchemaBuilder({ errors, posOf, markersOf: (n) => markersFor(n.getSourceFile()).of(n) });

  const kinds: KindVersion[] = [];
  for (const f of files) {
    for (const decl of [...f.getInterfaces(), ...f.getTypeAliases()] as (InterfaceDeclaration | TypeAliasDeclaration)[]) {
      const markers = markersFor(f).of(decl);
      if (!markers.some((m) => m.marker.def.name === "kubebuilder:object:root" && m.marker.value === true)) continue;
      const kv = kindVersion(decl, markers, f, files, markersFor, builder, errors, posOf);
      if (kv) {
        if (opts.maxDescLen !== undefined) truncateDescriptions(kv.schema, opts.maxDescLen);
        kinds.push(kv);
      }
    }
  }
  const allPackage = files.flatMap((f) => markersFor(f).package);
  const out: GeneratedFile[] = [];
  const outDir = (opts.outputDir ?? "config").replace(/\/+$/, "");
  const byGroupKind = new Map<string, KindVersion[]>();
  for (const k of kinds) {
    const key = `${k.group}/${k.kind}`;
    const list = byGroupKind.get(key) ?? [];
    if (list.some((x) => x.version === k.version)) errors.add(k.pos, `kind ${k.kind} is declared twice for ${k.group}/${k.version}`);
    else list.push(k);
    byGroupKind.set(key, list);
  }
  for (const [, versions] of [...byGroupKind].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const crd = buildCRD(versions, errors);
    if (crd) out.push({ path: `${outDir}/crd/bases/${crd.spec.group}_${crd.spec.names.plural}.yaml`, content: toYAML([crd]) });
  }
  const roles = rolesFromMarkers(allPackage, "manager-role", errors);
  if (roles.length > 0) out.push({ path: `${outDir}/rbac/role.yaml`, content: toYAML(roles) });
  const hooks = webhooksFromMarkers(allPackage, errors);
  if (hooks.length > 0) out.push({ path: `${outDir}/webhook/manifests.yaml`, content: toYAML(hooks) });
  errors.throwIfAny();
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

function kindVersion(
  decl: InterfaceDeclaration | TypeAliasDeclaration,
  markers: readonly MarkerAt[],
  file: SourceFile,
  files: readonly SourceFile[],
  markersFor: (f: SourceFile) => FileMarkers,
  builder: SchemaBuilder,
  errors: ErrorSink,
  posOf: (n: Node) => { file: string; line: number },
): KindVersion | undefined {
  const pos = posOf(decl);
  if (!Node.isInterfaceDeclaration(decl)) {
    errors.add(pos, `+kubebuilder:object:root=true must be on an exported interface (found type alias "${decl.getName()}")`);
    return undefined;
  }
  const literalOf = (prop: string): string | undefined => {
    const p = decl.getProperty(prop);
    const tn = p?.getTypeNode();
    if (tn && Node.isLiteralTypeNode(tn)) {
      const l = tn.getLiteral();
      if (Node.isStringLiteral(l)) return l.getLiteralValue();
    }
    return undefined;
  };
  const dir = file.getDirectoryPath();
  const siblings = files.filter((f) => f.getDirectoryPath() === dir);
  if (!siblings.some((f) => markersFor(f).package.some((m) => m.marker.def.name === "groupName"))) {
    for (const extra of ["groupversion_info.ts", "groupversion.ts", "index.ts"]) {
      const p = join(dir, extra);
      if (existsSync(p) && !siblings.some((s) => s.getFilePath() === p)) siblings.push(file.getProject().addSourceFileAtPath(p));
    }
  }
  const pkg = siblings.flatMap((f) => markersFor(f).package);
  const groupMarker = pkg.find((m) => m.marker.def.name === "groupName");
  const versionMarker = pkg.find((m) => m.marker.def.name === "versionName");
  const apiVersion = literalOf("apiVersion");
  let group = groupMarker?.marker.value as string | undefined;
  let version = (versionMarker?.marker.value as string | undefined) ?? dir.split("/").pop() ?? "";
  if (apiVersion !== undefined) {
    const [g, v] = apiVersion.includes("/") ? (apiVersion.split("/") as [string, string]) : ["", apiVersion];
    if (group !== undefined && g !== group) errors.add(pos, `apiVersion "${apiVersion}" of ${decl.getName()} does not match +groupName=${group} (${groupMarker?.pos.file}:${groupMarker?.pos.line})`);
    group ??= g;
    if (versionMarker !== undefined && v !== version) errors.add(pos, `apiVersion "${apiVersion}" of ${decl.getName()} does not match +versionName=${version}`);
    version = v;
  }
  if (!group) {
    errors.add(pos, `cannot tell the API group of ${decl.getName()}: declare apiVersion: "<group>/<version>" on it, or put // +groupName=<group> in ${dirname(pos.file)}/groupversion_info.ts`);
    return undefined;
  }
  if (!/^v\d+((alpha|beta)\d+)?$/.test(version)) errors.add(pos, `version "${version}" of ${decl.getName()} is not a Kubernetes version (v1, v1beta1, v2alpha1); name the folder after it or set +versionName`);
  const kind = literalOf("kind") ?? decl.getName();
  const schema = builder.namedSchema(decl);
  const props = (schema.properties ??= {});
  const doc = (name: string): string | undefined => {
    const p = decl.getProperty(name);
    return p ? (p.getJsDocs().map((d) => d.getDescription().trim()).join("\n") || undefined) : undefined;
  };
  props.apiVersion = { description: doc("apiVersion") ?? apiVersionDescription, type: "string" };
  props.kind = { description: doc("kind") ?? kindDescription, type: "string" };
  props.metadata = { type: "object" };
  if (schema.required) {
    schema.required = schema.required.filter((r) => r !== "apiVersion" && r !== "kind" && r !== "metadata");
    if (schema.required.length === 0) delete schema.required;
  }
  return { group, version, kind, schema, markers, pos };
}

/** Paths of `files` whose content on disk differs (or that are missing). */
export async function changedFiles(root: string, files: readonly GeneratedFile[]): Promise<string[]> {
  const changed: string[] = [];
  for (const f of files) {
    const current = await readFile(join(root, f.path), "utf8").catch(() => undefined);
    if (current !== f.content) changed.push(f.path);
  }
  return changed;
}

/** Writes the files that changed; returns their paths. */
export async function writeGenerated(root: string, files: readonly GeneratedFile[]): Promise<string[]> {
  const changed = await changedFiles(root, files);
  for (const p of changed) {
    const f = files.find((x) => x.path === p) as GeneratedFile;
    await mkdir(dirname(join(root, p)), { recursive: true });
    await writeFile(join(root, p), f.content);
  }
  return changed;
}

/**
 * Generated CRD files that the current types no longer produce (a kind was deleted or renamed): files in
 * `<outputDir>/crd/bases` that start with kubeforge's generated header and are not in `files`. Files without
 * the header are the user's and never reported.
 */
export async function staleFiles(root: string, files: readonly GeneratedFile[], outputDir = "config"): Promise<string[]> {
  const dir = `${outputDir.replace(/\/+$/, "")}/crd/bases`;
  const names = await readdir(join(root, dir)).catch(() => [] as string[]);
  const current = new Set(files.map((f) => f.path));
  const stale: string[] = [];
  for (const name of names.filter((n) => n.endsWith(".yaml")).sort()) {
    const path = `${dir}/${name}`;
    if (current.has(path)) continue;
    const text = await readFile(join(root, path), "utf8").catch(() => "");
    if (text.startsWith(generatedHeader)) stale.push(path);
  }
  return stale;
}

/** Deletes the stale generated files; returns their paths. */
export async function removeStale(root: string, files: readonly GeneratedFile[], outputDir = "config"): Promise<string[]> {
  const stale = await staleFiles(root, files, outputDir);
  for (const p of stale) await rm(join(root, p));
  return stale;
}

/**
 * `kubeforge import crd`: TypeScript types for existing CustomResourceDefinitions, so controllers can watch
 * third-party kinds with types. See README.md in this folder.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, posix, resolve } from "node:path";
import { emitVersion, EmitError } from "./emit.js";
import { ExistingFilesError, ImportCrdError, type Problem } from "./errors.js";
import { readCrds, type Crd, type SourceFile } from "./parse.js";

export { ImportCrdError, ExistingFilesError, formatProblem } from "./errors.js";
export type { Problem } from "./errors.js";
export type { SourceFile } from "./parse.js";
export { compileOptions } from "./emit.js";

export const defaultOutputDir = "api/imported";

export interface ImportOptions {
  /** Folder of the generated files, relative to the project root (default `api/imported`). */
  readonly outputDir?: string;
}

export interface GeneratedFile {
  /** `<outputDir>/<group>/<version>/<kind lower-case>.types.ts`, with forward slashes. */
  readonly path: string;
  readonly content: string;
}

export interface ImportResult {
  readonly files: GeneratedFile[];
  /** Skipped documents and the like, `file:line: ...`. */
  readonly notes: string[];
}

/**
 * Generates the types of every served version of every CRD in `sources`.
 * Errors: {@link ImportCrdError} listing every problem (parse errors, files without CRDs, v1beta1 CRDs,
 * two CRDs generating the same file); then nothing should be written.
 */
export async function importCrds(sources: readonly SourceFile[], opts: ImportOptions = {}): Promise<ImportResult> {
  const outputDir = (opts.outputDir ?? defaultOutputDir).replace(/\\/g, "/").replace(/\/+$/, "");
  const problems: Problem[] = [];
  const notes: string[] = [];
  const crds: Crd[] = [];
  for (const src of sources) {
    const r = readCrds(src);
    problems.push(...r.problems);
    notes.push(...r.notes);
    crds.push(...r.crds);
  }
  const files: GeneratedFile[] = [];
  const origin = new Map<string, string>();
  for (const crd of crds) {
    for (const version of crd.versions) {
      try {
        const f = await emitVersion(crd, version);
        const path = posix.join(outputDir, f.path);
        const first = origin.get(path);
        if (first) {
          problems.push({ file: crd.file, line: crd.line, message: `${crd.kind} ${crd.group}/${version.name} is also defined at ${first}; both would generate ${path}` });
          continue;
        }
        origin.set(path, `${crd.file}:${crd.line}`);
        files.push({ path, content: f.content });
      } catch (e) {
        if (!(e instanceof EmitError)) throw e;
        problems.push({ file: crd.file, line: e.line, message: `CustomResourceDefinition "${crd.name}": ${e.message}` });
      }
    }
  }
  if (problems.length > 0) throw new ImportCrdError(problems);
  return { files, notes };
}

/**
 * Writes `files` under `root`. Without `force`, existing files are an {@link ExistingFilesError} listing them
 * and nothing is written. Returns the paths written.
 */
export async function writeImported(root: string, files: readonly GeneratedFile[], opts: { force?: boolean } = {}): Promise<string[]> {
  if (!opts.force) {
    const existing = files.filter((f) => existsSync(resolve(root, f.path))).map((f) => f.path);
    if (existing.length > 0) throw new ExistingFilesError(existing);
  }
  for (const f of files) {
    const target = resolve(root, f.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, f.content);
  }
  return files.map((f) => f.path);
}

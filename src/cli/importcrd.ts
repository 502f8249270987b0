/** `kubeforge import crd`: TypeScript types for existing CustomResourceDefinitions (third-party kinds). */
import { readdir, readFile, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import { defaultOutputDir, ExistingFilesError, ImportCrdError, importCrds, writeImported, type SourceFile } from "../importcrd/index.js";
import { UsageError } from "./errors.js";
import { parseFlags } from "./flags.js";

export const importUsage = `Usage: kubeforge import crd FILE|DIR... [--output-dir DIR] [--force]

Generates TypeScript types for existing CustomResourceDefinitions (apiextensions.k8s.io/v1), so controllers
can watch third-party kinds with types: one file per CRD and served version,
<output-dir>/<group>/<version>/<kind>.types.ts, with the spec/status types, the kind, its list and a
{ apiVersion, kind } constant.

FILE is YAML or JSON, with one or more documents (or a List, as "kubectl get crd -o yaml" prints);
other documents are skipped. A DIR means its *.yaml, *.yml and *.json files.

Options:
  --output-dir DIR     where the types go (default ${defaultOutputDir})
  --force              overwrite existing files
  -h, --help           show this help

Example:
  kubectl get crd certificates.cert-manager.io -o yaml > certificates.yaml
  kubeforge import crd certificates.yaml
`;

const flagSpec = { "output-dir": "string", force: "boolean" } as const;

/** `kubeforge import <subcommand>`; only `crd` exists. */
export async function importCommand(args: string[], root = process.cwd(), out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "-h" || sub === "--help" || sub === "help") {
    out(importUsage);
    return 0;
  }
  if (sub !== "crd") throw new UsageError(`${sub === undefined ? "import needs a subcommand" : `unknown import subcommand "${sub}"`}; did you mean "kubeforge import crd FILE"?\n\n${importUsage}`);
  const { flags, positionals, help } = parseFlags(rest, flagSpec, importUsage);
  if (help) {
    out(importUsage);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`import crd needs at least one CRD file (e.g. kubeforge import crd config/crd/crontabs.yaml)\n\n${importUsage}`);
  if (flags["output-dir"] === "") throw new UsageError(`--output-dir must not be empty (default ${defaultOutputDir})`);

  const sources: SourceFile[] = [];
  for (const arg of positionals) {
    const loaded = await load(root, arg);
    if (typeof loaded === "string") {
      err(`kubeforge: import crd: ${loaded}\n`);
      return 1;
    }
    sources.push(...loaded);
  }

  try {
    const { files, notes } = await importCrds(sources, flags["output-dir"] !== undefined ? { outputDir: flags["output-dir"] } : {});
    for (const n of notes) err(`note: ${n}\n`);
    for (const w of await writeImported(root, files, { force: flags.force === true })) out(`wrote ${w}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ImportCrdError) {
      err(`${e.message}\n`);
      err(`kubeforge: import crd: ${e.problems.length} error${e.problems.length > 1 ? "s" : ""}, nothing written\n`);
      return 1;
    }
    if (e instanceof ExistingFilesError) {
      err(`kubeforge: import crd: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/** The source files for one argument, or a one-line message naming the file and the fix. */
async function load(root: string, arg: string): Promise<SourceFile[] | string> {
  const abs = resolve(root, arg);
  const display = (p: string): string => {
    const rel = relative(root, p);
    return isAbsolute(rel) ? p : rel.split("\\").join("/");
  };
  try {
    if ((await stat(abs)).isDirectory()) {
      const names = (await readdir(abs)).filter((n) => /\.(ya?ml|json)$/i.test(n)).sort();
      if (names.length === 0) return `${arg}: no .yaml, .yml or .json files in this folder`;
      return Promise.all(names.map(async (n) => ({ path: display(join(abs, n)), text: await readFile(join(abs, n), "utf8") })));
    }
    return [{ path: display(abs), text: await readFile(abs, "utf8") }];
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return `${arg}: no such file (check the path)`;
    if (code === "EACCES") return `${arg}: permission denied`;
    return `${arg}: cannot read: ${e instanceof Error ? e.message : String(e)}`;
  }
}

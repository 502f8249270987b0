/** `kubeforge init`: scaffolds a new operator project in the current (empty) directory. */
import { readdir } from "node:fs/promises";
import { basename, resolve } from "node:path";
import AppGenerator from "../../generators/app/index.js";
import { checkDomain, checkProjectName, NameError } from "../scaffold/names.js";
import { runGenerator } from "../scaffold/run.js";
import { UsageError } from "./errors.js";
import { parseFlags } from "./flags.js";

export const initUsage = `Usage: kubeforge init --domain DOMAIN [--project-name NAME] [--owner OWNER] [--multigroup] [--namespaced=false]

Scaffolds a new operator project in the current directory, which must be empty.

Options:
  --domain DOMAIN        suffix of the project's API groups, e.g. example.com (required)
  --project-name NAME    DNS label naming the project (default: the directory's name)
  --owner OWNER          copyright owner for the README
  --multigroup           lay APIs out as api/<group>/<version> (several API groups)
  --namespaced=false     new APIs default to cluster-scoped kinds
  -h, --help             show this help
`;

/** Entries an "empty" directory may already hold. */
const ignorable = new Set([".git", ".gitignore", ".idea", ".vscode", ".DS_Store", "LICENSE", "README.md"]);

export async function initCommand(args: string[], cwd = process.cwd()): Promise<number> {
  const { flags, positionals, help } = parseFlags(args, { domain: "string", "project-name": "string", owner: "string", multigroup: "boolean", namespaced: "boolean" }, initUsage);
  if (help) {
    process.stdout.write(initUsage);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n\n${initUsage}`);
  const dir = resolve(cwd);
  const projectName = flags["project-name"] ?? basename(dir).toLowerCase();
  try {
    checkDomain(flags.domain ?? "");
    checkProjectName(projectName);
  } catch (err) {
    if (err instanceof NameError) throw new UsageError(err.message + (err.flag === "--project-name" && !flags["project-name"] ? ` (derived from the directory name "${basename(dir)}"; pass --project-name)` : ""));
    throw err;
  }
  const present = (await readdir(dir)).filter((e) => !ignorable.has(e));
  if (present.length > 0) {
    throw new UsageError(`${dir} is not empty (${present.slice(0, 5).join(", ")}${present.length > 5 ? ", ..." : ""}): run "kubeforge init" in a new, empty directory`, 1);
  }
  await runGenerator(AppGenerator, dir, {
    domain: flags.domain,
    projectName,
    owner: flags.owner,
    multigroup: flags.multigroup ?? false,
    namespaced: flags.namespaced ?? true,
  });
  process.stdout.write(`\nNext: npm install, then "npx kubeforge create api --group <group> --version v1 --kind <Kind>".\n`);
  return 0;
}

/** `kubeforge edit`: project-wide switches recorded in PROJECT (multigroup layout, default scope of new APIs). */
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { renderProject } from "../scaffold/project.js";
import { UsageError } from "./errors.js";
import { parseFlags } from "./flags.js";
import { loadProject } from "./project.js";

export const editUsage = `Usage: kubeforge edit [--multigroup[=false]] [--namespaced[=false]]

Changes project-wide settings in PROJECT.

Options:
  --multigroup[=false]   new APIs go to api/<group>/<version> (allows several API groups); existing files stay where they are
  --namespaced[=false]   default scope of new APIs
  -h, --help             show this help
`;

export async function editCommand(args: string[], cwd = process.cwd()): Promise<number> {
  const { flags, positionals, help } = parseFlags(args, { multigroup: "boolean", namespaced: "boolean" }, editUsage);
  if (help) {
    process.stdout.write(editUsage);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n\n${editUsage}`);
  if (flags.multigroup === undefined && flags.namespaced === undefined) throw new UsageError(`nothing to change: pass --multigroup or --namespaced\n\n${editUsage}`);
  const dir = resolve(cwd);
  const project = await loadProject(dir);
  if (flags.multigroup === false && new Set((project.resources ?? []).map((r) => r.group)).size > 1) {
    throw new UsageError("the project has APIs in several groups; it has to stay multigroup", 1);
  }
  if (flags.multigroup !== undefined) project.multigroup = flags.multigroup;
  if (flags.namespaced !== undefined) project.namespaced = flags.namespaced;
  await writeFile(join(dir, "PROJECT"), renderProject(project));
  process.stdout.write(`PROJECT updated: multigroup=${project.multigroup ?? false}, namespaced=${project.namespaced ?? true}\n`);
  return 0;
}

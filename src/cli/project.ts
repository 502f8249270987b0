/** What the project commands share: reading PROJECT and checking --group/--version/--kind, as CLI errors. */
import { checkGroup, checkKind, checkVersion, NameError } from "../scaffold/names.js";
import { ProjectFileError, readProject, type Project } from "../scaffold/project.js";
import { UsageError } from "./errors.js";

/** PROJECT of `dir`; a missing or broken one is a UsageError (exit 1) saying what to do. */
export async function loadProject(dir: string): Promise<Project> {
  try {
    return await readProject(dir);
  } catch (err) {
    if (err instanceof ProjectFileError) throw new UsageError(err.message, 1);
    throw err;
  }
}

/** --group, --version and --kind, checked (exit 2 naming the first bad flag). */
export function apiFlags(flags: { group?: string; version?: string; kind?: string }): { group: string; version: string; kind: string } {
  const group = flags.group ?? "";
  const version = flags.version ?? "";
  const kind = flags.kind ?? "";
  try {
    checkGroup(group);
    checkVersion(version);
    checkKind(kind);
  } catch (err) {
    if (err instanceof NameError) throw new UsageError(err.message);
    throw err;
  }
  return { group, version, kind };
}

/**
 * Flag parsing for the scaffolding commands: `--name value`, `--name=value`, and booleans as `--flag`,
 * `--flag=true` or `--flag=false` (Kubebuilder's `--namespaced=false`, `--resource=false`). A mistake is a
 * UsageError naming the flag and the command's help.
 */
import { levenshtein } from "../codegen/markers.js";
import { UsageError } from "./errors.js";

/** `unknown flag "--x"`, with the closest known flag when one is near (`--namespace` → `--namespaced`). */
export function unknownFlag(flag: string, known: readonly string[], usage: string): UsageError {
  const name = flag.replace(/^-+/, "").split("=")[0] ?? "";
  const scored = known.map((k) => ({ k, d: k.startsWith(name) || name.startsWith(k) ? Math.min(1, levenshtein(name, k)) : levenshtein(name, k) })).sort((a, b) => a.d - b.d);
  const best = scored[0];
  const hint = best && name.length > 0 && best.d <= Math.max(2, Math.floor(name.length / 3)) ? ` (did you mean --${best.k}?)` : "";
  return new UsageError(`unknown flag "${flag.split("=")[0]}"${hint}\n\n${usage}`);
}

export type FlagSpec = Record<string, "string" | "boolean">;
export type Flags<S extends FlagSpec> = { [K in keyof S]?: S[K] extends "boolean" ? boolean : string };

export function parseFlags<S extends FlagSpec>(args: readonly string[], spec: S, usage: string): { flags: Flags<S>; positionals: string[]; help: boolean } {
  const flags: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "-h" || arg === "--help") {
      help = true;
      continue;
    }
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--")) {
      if (arg.startsWith("-")) throw unknownFlag(arg, Object.keys(spec), usage);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const kind = spec[name];
    if (!kind) throw unknownFlag(`--${name}`, Object.keys(spec), usage);
    if (name in flags) throw new UsageError(`flag "--${name}" given twice`);
    if (kind === "boolean") {
      const v = eq < 0 ? "true" : arg.slice(eq + 1);
      if (v !== "true" && v !== "false") throw new UsageError(`flag "--${name}" takes true or false, not "${v}" (e.g. --${name}=false)`);
      flags[name] = v === "true";
      continue;
    }
    let v: string | undefined;
    if (eq >= 0) v = arg.slice(eq + 1);
    else {
      v = args[i + 1];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`flag "--${name}" needs a value (e.g. --${name} VALUE)`);
      i++;
    }
    flags[name] = v;
  }
  return { flags: flags as Flags<S>, positionals, help };
}

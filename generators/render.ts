/** Shared by the generators: render every file of a template folder into the destination (EJS via mem-fs). */
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type Generator from "yeoman-generator";

/** Files whose real name npm would drop or mangle when packing are stored with a leading "_". */
function destName(rel: string): string {
  return rel
    .split(/[\\/]/)
    .map((p) => (p === "_gitignore" || p === "_dockerignore" || p === "_github" ? `.${p.slice(1)}` : p))
    .join("/");
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/**
 * Renders `<dir>/**` into the generator's destination; `rename` maps a template path (relative, with "/") to
 * the destination path (e.g. to put a kind's name in it). Values are available to the templates by name.
 */
export function renderTree(gen: Generator, dir: string, values: Record<string, unknown>, rename: (rel: string) => string = (r) => r): void {
  for (const file of walk(dir)) {
    const rel = relative(dir, file).split(/[\\/]/).join("/");
    gen.fs.copyTpl(file, gen.destinationPath(rename(destName(rel))), values);
  }
}

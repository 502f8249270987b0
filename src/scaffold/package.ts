/** Where the running kubeforge lives, and how a scaffolded project should depend on it. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface KubeforgePackage {
  root: string;
  version: string;
}

let cached: KubeforgePackage | undefined;

/** The kubeforge package this code belongs to (found by walking up to its package.json). */
export function kubeforgePackage(): KubeforgePackage {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, "package.json");
    if (existsSync(pj)) {
      const pkg = JSON.parse(readFileSync(pj, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "kubeforge") return (cached = { root: dir, version: pkg.version ?? "0.0.0" });
    }
    const up = dirname(dir);
    if (up === dir) throw new Error("kubeforge's package.json not found above " + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/**
 * The `kubeforge` dependency of a new project: the registry version when kubeforge was installed from a registry
 * (it lives in a node_modules folder), a `file:` link to this checkout otherwise.
 */
export function kubeforgeDependency(pkg: KubeforgePackage = kubeforgePackage()): string {
  return pkg.root.split(/[\\/]/).includes("node_modules") ? `^${pkg.version}` : `file:${pkg.root}`;
}

/** The templates folder of a generator (`generators/<name>/templates` in the package). */
export function templatesDir(generator: string): string {
  return join(kubeforgePackage().root, "generators", generator, "templates");
}

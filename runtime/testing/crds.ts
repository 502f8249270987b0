/**
 * Installing CRDs from manifest files into a test control plane (envtest's CRDDirectoryPaths): every
 * CustomResourceDefinition found in the given files or directories (.yaml, .yml, .json; multi-document YAML)
 * is created, and the call resolves once each is Established and served.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { KubeObject } from "../core/object.js";
import type { ControlPlane } from "../controlplane/controlplane.js";
import { controllerContext } from "../controlplane/controllers/context.js";

async function manifestFiles(path: string): Promise<string[]> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new Error(`CRD path ${path} does not exist (generate the CRDs first, e.g. "npm run manifests")`);
  }
  if (!st.isDirectory()) return [path];
  const names = (await readdir(path)).filter((n) => [".yaml", ".yml", ".json"].includes(extname(n))).sort();
  return names.map((n) => join(path, n));
}

/** The CRDs in the files; a file that does not parse is an error naming it. */
export async function readCRDs(paths: readonly string[]): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const p of paths) {
    for (const file of await manifestFiles(p)) {
      const docs = parseAllDocuments(await readFile(file, "utf8"));
      for (const doc of Array.isArray(docs) ? docs : [docs]) {
        if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message.split("\n")[0]}`);
        const obj = doc.toJS() as KubeObject | null;
        if (obj && obj.kind === "CustomResourceDefinition") out.push(obj);
      }
    }
  }
  return out;
}

/** Creates the CRDs in the files (and `extra`) in the control plane and waits (up to `timeoutMs`) until all are served. */
export async function installCRDs(cp: ControlPlane, paths: readonly string[], timeoutMs = 10_000, extra: readonly KubeObject[] = []): Promise<KubeObject[]> {
  const crds = [...(await readCRDs(paths)), ...extra];
  const store = cp.server.store("apiextensions.k8s.io", "v1", "customresourcedefinitions");
  if (!store) throw new Error("the control plane does not serve CustomResourceDefinitions");
  const ctx = controllerContext("kubeforge-testing");
  const created: KubeObject[] = [];
  for (const crd of crds) created.push(await store.create(ctx, crd));
  const deadline = Date.now() + timeoutMs;
  for (const crd of created) {
    const spec = crd.spec as { group: string; names: { plural: string }; versions: { name: string; served: boolean }[] };
    const served = spec.versions.filter((v) => v.served);
    while (!served.every((v) => cp.server.store(spec.group, v.name, spec.names.plural))) {
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} was not served within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  return created;
}

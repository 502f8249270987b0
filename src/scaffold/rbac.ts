/**
 * The project's RBAC as `config/default` deploys it (kustomize namePrefix `<project>-` and namespace
 * `<project>-system`), computed without kustomize so `kubeforge run` can install it into a local control plane
 * and run the manager as its ServiceAccount — a missing RBAC marker then fails locally with a 403.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import type { KubeObject } from "../../runtime/core/object.js";

const namespacedKinds = new Set(["Role", "RoleBinding", "ServiceAccount"]);

export interface DeployedRBAC {
  namespace: string;
  serviceAccount: string;
  objects: KubeObject[];
}

/** Applies kustomize's namePrefix/namespace transformations to the RBAC objects, as config/default does. */
export function prefixRBAC(objects: readonly KubeObject[], prefix: string, namespace: string): KubeObject[] {
  return objects.map((o) => {
    const c = structuredClone(o);
    c.metadata.name = `${prefix}${c.metadata.name ?? ""}`;
    if (namespacedKinds.has(c.kind ?? "")) c.metadata.namespace = namespace;
    if (c.kind === "RoleBinding" || c.kind === "ClusterRoleBinding") {
      const ref = c.roleRef as { name: string };
      ref.name = `${prefix}${ref.name}`;
      for (const s of (c.subjects as { kind: string; name: string; namespace?: string }[] | undefined) ?? []) {
        if (s.kind === "ServiceAccount") {
          s.name = `${prefix}${s.name}`;
          s.namespace = namespace;
        }
      }
    }
    return c;
  });
}

/** Reads config/rbac (the files its kustomization lists) and transforms them as config/default would. */
export async function projectRBAC(projectDir: string, projectName: string): Promise<DeployedRBAC> {
  const dir = join(projectDir, "config", "rbac");
  const kustomization = parse(await readFile(join(dir, "kustomization.yaml"), "utf8")) as { resources?: string[] } | null;
  const objects: KubeObject[] = [];
  for (const file of kustomization?.resources ?? []) {
    const text = await readFile(join(dir, file), "utf8");
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new Error(`config/rbac/${file}: ${doc.errors[0]?.message.split("\n")[0]}`);
      const obj = doc.toJS() as KubeObject | null;
      if (obj?.kind) objects.push(obj);
    }
  }
  const namespace = `${projectName}-system`;
  const prefix = `${projectName}-`;
  return { namespace, serviceAccount: `${prefix}controller-manager`, objects: prefixRBAC(objects, prefix, namespace) };
}

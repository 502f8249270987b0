import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane, startTestEnvironment } from "./index.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kf-crds-"));
  const crd = (plural: string, kind: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.test.kubeforge.dev
spec:
  group: test.kubeforge.dev
  scope: Namespaced
  names: { plural: ${plural}, kind: ${kind} }
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true }
`;
  await writeFile(join(dir, "a.yaml"), `${crd("apples", "Apple")}---\n${crd("pears", "Pear")}`);
  await writeFile(join(dir, "notes.txt"), "not a manifest");
  await writeFile(join(dir, "other.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("CRD installation for tests", () => {
  it("installs every CRD of a directory before the environment is returned", async () => {
    const env = await startTestEnvironment({ crdDirectoryPaths: [dir] });
    try {
      await env.start();
      const list = await env.manager.client.list({ apiVersion: "test.kubeforge.dev/v1", kind: "Pear" }, { namespace: "default" });
      expect(list.items).toEqual([]);
      expect(env.controlPlane.controlPlane.server.store("test.kubeforge.dev", "v1", "apples")).toBeDefined();
      expect(env.controlPlane.controlPlane.server.store("", "v1", "configmaps")?.def.names.kind).toBe("ConfigMap");
    } finally {
      await env.stop();
    }
  });

  it("fails clearly for a missing path or a broken file", async () => {
    await expect(startControlPlane({ crdDirectoryPaths: [join(dir, "nope")] })).rejects.toThrow(`CRD path ${join(dir, "nope")} does not exist (generate the CRDs first, e.g. "npm run manifests")`);
    const bad = join(dir, "bad.yml");
    await writeFile(bad, "kind: [\n");
    await expect(startControlPlane({ crdDirectoryPaths: [bad] })).rejects.toThrow(`${bad}:`);
  });
});

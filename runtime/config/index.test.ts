import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadKubeConfig } from "./index.js";

const yaml = (server: string) => `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: { server: ${server} }
- name: b
  cluster: { server: https://b.example:6443 }
users:
- name: u
  user: { token: t }
contexts:
- name: a
  context: { cluster: a, user: u }
- name: b
  context: { cluster: b, user: u }
current-context: a
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kf-config-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("loadKubeConfig", () => {
  it("prefers an explicit file and honours a context override", async () => {
    const file = join(dir, "kc");
    await writeFile(file, yaml("https://a.example:6443"));
    expect(loadKubeConfig({ kubeconfig: file }).getCurrentCluster()?.server).toBe("https://a.example:6443");
    expect(loadKubeConfig({ kubeconfig: file, context: "b" }).getCurrentCluster()?.server).toBe("https://b.example:6443");
    expect(() => loadKubeConfig({ kubeconfig: file, context: "c" })).toThrow('context "c" not found in the kubeconfig (contexts: a, b)');
    expect(() => loadKubeConfig({ kubeconfig: join(dir, "missing") })).toThrow("does not exist");
  });
});

/**
 * `kubeforge cluster up` as a user runs it: the kubeconfig appears once /readyz answers, kubectl works with it,
 * a second instance on the same port fails with a clear message, and SIGTERM stops it cleanly.
 * Runs the built CLI (bin/kubeforge.js → dist/), as `npm test` builds first.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url).pathname;
const bin = join(root, "bin/kubeforge.js");
const kubectl = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33";

let dir: string;
let child: ChildProcess;
let stderr = "";
let kubeconfig: string;

async function waitForFile(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} not written in time; stderr: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  if (!existsSync(join(root, "dist/src/cli/main.js"))) throw new Error("dist/ missing: run `npm run build` (npm test does) before this test");
  dir = await mkdtemp(join(tmpdir(), "kubeforge-cli-"));
  kubeconfig = join(dir, "nested", "kubeconfig");
  child = spawn(process.execPath, [bin, "cluster", "up", "--port", "0", "--kubeconfig", kubeconfig], { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  await waitForFile(kubeconfig, 15_000);
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  await rm(dir, { recursive: true, force: true });
});

describe("kubeforge cluster up", () => {
  it("writes a kubeconfig that kubectl uses, once /readyz answers ok", async () => {
    const { stdout } = await run(kubectl, ["--kubeconfig", kubeconfig, "get", "--raw", "/readyz"]);
    expect(stdout).toBe("ok");
    const ns = await run(kubectl, ["--kubeconfig", kubeconfig, "get", "namespaces", "-o", "name"]);
    expect(ns.stdout.split("\n").filter(Boolean).sort()).toEqual(["namespace/default", "namespace/kube-node-lease", "namespace/kube-public", "namespace/kube-system"]);
    expect(stderr).toMatch(/control plane ready at https:\/\/127\.0\.0\.1:\d+/);
  });

  it("a second instance on the busy port fails with a clear message and exit code 1", async () => {
    const cfg = parse(await readFile(kubeconfig, "utf8")) as { clusters: { cluster: { server: string } }[] };
    const port = new URL(cfg.clusters[0]?.cluster.server ?? "").port;
    const err = (await run(process.execPath, [bin, "cluster", "up", "--port", port, "--kubeconfig", join(dir, "second")]).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(1);
    expect(err.stderr).toBe(`kubeforge: port ${port} on 127.0.0.1 is already in use (is another control plane running?); stop it or pick another port with --port\n`);
    expect(existsSync(join(dir, "second"))).toBe(false);
  });

  it("rejects a bad flag with the usage and exit code 2", async () => {
    const err = (await run(process.execPath, [bin, "cluster", "up", "--port", "http"]).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(2);
    expect(err.stderr).toBe('kubeforge: --port must be a number between 0 and 65535, got "http"\n');
    const unknown = (await run(process.execPath, [bin, "cluster", "up", "--prot", "1"]).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--prot'");
  });

  it("stops cleanly on SIGTERM", async () => {
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toContain("received SIGTERM, shutting down");
  });
});

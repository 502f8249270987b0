/**
 * The scaffolder end to end, as a user runs it: init, two APIs in two groups, webhooks, npm install (linking
 * this checkout), generate, the project's own tests, `kubectl apply -k config/default` on a local control plane,
 * and `kubeforge run` reconciling a sample under the generated RBAC with the webhooks served locally.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane, type RunningControlPlane } from "../../runtime/testing/index.js";
import { api } from "../support/http.js";

const root = resolve(import.meta.dirname, "../..");
const cli = join(root, "bin", "kubeforge.js");
const kubectl = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string, timeoutMs = 120_000, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", rej);
    child.on("exit", (code) => {
      clearTimeout(timer);
      res({ code: code ?? -1, stdout, stderr });
    });
  });
}

const kf = (args: string[], cwd: string, timeoutMs?: number) => run(process.execPath, [cli, ...args], cwd, timeoutMs);

let base: string;
let proj: string;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "kf-scaffold-"));
  proj = join(base, "guestbook-operator");
  await mkdir(proj);
});
afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(join(e.parentPath, e.name).slice(dir.length + 1));
  return out.filter((f) => !f.startsWith("node_modules/")).sort();
}

describe("scaffolded project", { timeout: 600_000 }, () => {
  it("refuses bad input with a clear error and writes nothing", async () => {
    const kind = await kf(["init", "--domain", "Example.COM"], proj);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('--domain "Example.COM" is not a DNS subdomain');
    const other = join(base, "not-empty");
    await mkdir(other);
    await writeFile(join(other, "main.go"), "package main\n");
    const nonEmpty = await kf(["init", "--domain", "example.com"], other);
    expect(nonEmpty.code).toBe(1);
    expect(nonEmpty.stderr).toContain('is not empty (main.go): run "kubeforge init" in a new, empty directory');
    expect(await readdir(other)).toEqual(["main.go"]);
    const noProject = await kf(["create", "api", "--group", "webapp", "--version", "v1", "--kind", "Guestbook"], other);
    expect(noProject.code).toBe(1);
    expect(noProject.stderr).toContain("no PROJECT file");
    expect(await readdir(proj)).toEqual([]);
  });

  it("scaffolds a multigroup project with two APIs and webhooks", async () => {
    const init = await kf(["init", "--domain", "example.com", "--multigroup", "--owner", "Test"], proj);
    expect(init.code, init.stderr).toBe(0);
    const badKind = await kf(["create", "api", "--group", "webapp", "--version", "v1", "--kind", "guestbook"], proj);
    expect(badKind.code).toBe(2);
    expect(badKind.stderr).toContain('--kind "guestbook" must be PascalCase');
    const badVersion = await kf(["create", "api", "--group", "webapp", "--version", "1", "--kind", "Guestbook"], proj);
    expect(badVersion.code).toBe(2);
    const before = await files(proj);
    for (const [group, kind, extra] of [["webapp", "Guestbook", []], ["ops", "Backup", ["--namespaced=false"]]] as const) {
      const r = await kf(["create", "api", "--group", group, "--version", "v1", "--kind", kind, ...extra], proj);
      expect(r.code, r.stderr).toBe(0);
    }
    const twice = await kf(["create", "api", "--group", "webapp", "--version", "v1", "--kind", "Guestbook"], proj);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain("already exists");
    const wh = await kf(["create", "webhook", "--group", "webapp", "--version", "v1", "--kind", "Guestbook", "--defaulting", "--programmatic-validation"], proj);
    expect(wh.code, wh.stderr).toBe(0);
    const after = await files(proj);
    expect(after.filter((f) => !before.includes(f))).toEqual(
      expect.arrayContaining([
        "api/webapp/v1/guestbook.types.ts",
        "api/ops/v1/backup.types.ts",
        "internal/controller/webapp/guestbook.controller.ts",
        "internal/controller/webapp/guestbook.controller.test.ts",
        "internal/controller/ops/backup.controller.ts",
        "internal/webhook/webapp/v1/guestbook.webhook.ts",
        "config/samples/webapp_v1_guestbook.yaml",
        "config/webhook/service.yaml",
      ]),
    );
    const main = await readFile(join(proj, "src/main.ts"), "utf8");
    expect(main).toContain("setupGuestbookController(mgr);\nsetupBackupController(mgr);\nsetupGuestbookWebhook(mgr);\n// +kubebuilder:scaffold:builder");
  });

  it("installs, generates deterministic manifests and passes its own tests", async () => {
    const install = await run("npm", ["install", "--no-audit", "--no-fund"], proj, 300_000);
    expect(install.code, install.stderr).toBe(0);
    const gen = await kf(["generate"], proj);
    expect(gen.code, gen.stderr).toBe(0);
    expect(existsSync(join(proj, "config/crd/bases/webapp.example.com_guestbooks.yaml"))).toBe(true);
    expect(existsSync(join(proj, "config/crd/bases/ops.example.com_backups.yaml"))).toBe(true);
    const role = await readFile(join(proj, "config/rbac/role.yaml"), "utf8");
    expect(role).toContain("guestbooks/status");
    expect((await kf(["generate", "--check"], proj)).code).toBe(0);
    // a types file that does not parse: a clear error naming file:line, and nothing rewritten
    const typesFile = join(proj, "api/webapp/v1/guestbook.types.ts");
    const types = await readFile(typesFile, "utf8");
    const crdBefore = await readFile(join(proj, "config/crd/bases/webapp.example.com_guestbooks.yaml"), "utf8");
    await writeFile(typesFile, types.replace("foo?: string;", "foo?: string = ;"));
    const broken = await kf(["generate"], proj);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/api\/webapp\/v1\/guestbook\.types\.ts:\d+: syntax error: Expression expected\. \(TS1109\)/);
    expect(await readFile(join(proj, "config/crd/bases/webapp.example.com_guestbooks.yaml"), "utf8")).toBe(crdBefore);
    await writeFile(typesFile, types);
    // drift is caught by --check
    await writeFile(typesFile, types.replace("foo?: string;", "foo?: string;\n  /** +optional */\n  bar?: number;"));
    const drift = await kf(["generate", "--check"], proj);
    expect(drift.code).toBe(1);
    expect(drift.stderr + drift.stdout).toContain("config/crd/bases/webapp.example.com_guestbooks.yaml");
    await writeFile(typesFile, types);
    const test = await run("npm", ["test"], proj, 300_000);
    expect(test.code, test.stdout + test.stderr).toBe(0);
  });

  it("deploys with kubectl apply -k and runs under its generated RBAC with local webhooks", async () => {
    let cp: RunningControlPlane | undefined;
    try {
      cp = await startControlPlane();
      const kubeconfig = join(base, "kubeconfig");
      await cp.writeKubeconfig(kubeconfig);
      // cert-manager's kinds, as if it were installed
      for (const [plural, kind] of [["issuers", "Issuer"], ["certificates", "Certificate"]]) {
        const schema = { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } };
        const r = await api(cp, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
          body: { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: `${plural}.cert-manager.io` }, spec: { group: "cert-manager.io", scope: "Namespaced", names: { plural, kind }, versions: [{ name: "v1", served: true, storage: true, schema }] } },
        });
        expect(r.status).toBe(201);
      }
      await run(kubectl, ["--kubeconfig", kubeconfig, "wait", "--for=condition=Established", "crd/issuers.cert-manager.io", "crd/certificates.cert-manager.io", "--timeout=10s"], proj);
      const apply = await run(kubectl, ["--kubeconfig", kubeconfig, "apply", "-k", "config/default"], proj);
      expect(apply.code, apply.stderr).toBe(0);
      expect(apply.stdout).toContain("customresourcedefinition.apiextensions.k8s.io/guestbooks.webapp.example.com created");
      expect(apply.stdout).toContain("deployment.apps/guestbook-operator-controller-manager created");
    } finally {
      await cp?.stop();
    }

    const child = spawn(process.execPath, [cli, "run", "--", "--health-probe-bind-address=127.0.0.1:0"], { cwd: proj, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    try {
      const kc = join(proj, ".kubeforge", "kubeconfig");
      const deadline = Date.now() + 120_000;
      while (!out.includes("manager runs as system:serviceaccount:")) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`kubeforge run did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // a Guestbook without spec.foo: the defaulting webhook (served by the manager) fills it in
      const sample = join(base, "gb.yaml");
      await writeFile(sample, "apiVersion: webapp.example.com/v1\nkind: Guestbook\nmetadata:\n  name: gb\n  namespace: default\nspec: {}\n");
      let applied: Run = { code: -1, stdout: "", stderr: "" };
      for (let i = 0; i < 100 && applied.code !== 0; i++) {
        applied = await run(kubectl, ["--kubeconfig", kc, "apply", "-f", sample], proj, 30_000);
        if (applied.code !== 0) await new Promise((r) => setTimeout(r, 200));
      }
      expect(applied.code, applied.stderr).toBe(0);
      const foo = await run(kubectl, ["--kubeconfig", kc, "get", "guestbook", "gb", "-n", "default", "-o", "jsonpath={.spec.foo}"], proj);
      expect(foo.stdout).toBe("default");
      // the validating webhook rejects spec.foo "forbidden"
      await writeFile(sample, "apiVersion: webapp.example.com/v1\nkind: Guestbook\nmetadata:\n  name: bad\n  namespace: default\nspec:\n  foo: forbidden\n");
      const denied = await run(kubectl, ["--kubeconfig", kc, "apply", "-f", sample], proj, 30_000);
      expect(denied.code).not.toBe(0);
      expect(denied.stderr).toContain('spec.foo: "forbidden" is not allowed');
      // the controller, as its ServiceAccount, reconciles the sample and reports Ready
      let ready = "";
      for (let i = 0; i < 150 && ready !== "True"; i++) {
        ready = (await run(kubectl, ["--kubeconfig", kc, "get", "guestbook", "gb", "-n", "default", "-o", 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'], proj)).stdout;
        if (ready !== "True") await new Promise((r) => setTimeout(r, 200));
      }
      expect(ready, out).toBe("True");
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
  });
});

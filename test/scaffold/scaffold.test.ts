/**
 * The scaffolder end to end, as a user runs it: init, two APIs in two groups, webhooks (defaulting, validation,
 * and a conversion between two versions), npm install (linking this checkout), generate, the project's own tests,
 * `kubectl apply -k config/default` on a local control plane, `kubeforge run` reconciling the sample of
 * config/samples under the generated RBAC with the webhooks served locally (conversion included), a missing RBAC
 * marker failing there with a 403, and `make build-installer` producing one dist/install.yaml that a local
 * control plane (`kubeforge cluster up`) accepts. One project is shared by the steps (npm install is the slow part).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { startControlPlane, type RunningControlPlane } from "../../runtime/testing/index.js";
import { api } from "../support/http.js";
import { kubectlVersions } from "../support/kubectl.js";

const root = resolve(import.meta.dirname, "../..");
const cli = join(root, "bin", "kubeforge.js");
// the newest kubectl of the compatibility suite
const kubectl = (kubectlVersions[kubectlVersions.length - 1] as { bin: string }).bin;

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

/** A `kubeforge run` in the background, with everything it printed. */
interface Running {
  child: ChildProcess;
  output(): string;
  /** Resolves once the output contains `text` (throws with the output after timeoutMs, or if run exits). */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

function startRun(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Running {
  const child = spawn(process.execPath, [cli, "run", ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise((r) => child.once("exit", r));
  return {
    child,
    output: () => out,
    async waitFor(text, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      const found = (): boolean => (typeof text === "string" ? out.includes(text) : text.test(out));
      while (!found()) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`kubeforge run: no ${String(text)} in:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** kubectl until it succeeds (the API server may still be installing what it needs). */
async function kubectlEventually(args: string[], cwd: string, tries = 100): Promise<Run> {
  let r: Run = { code: -1, stdout: "", stderr: "" };
  for (let i = 0; i < tries && r.code !== 0; i++) {
    r = await run(kubectl, args, cwd, 30_000);
    if (r.code !== 0) await new Promise((res) => setTimeout(res, 200));
  }
  return r;
}

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
    expect(await readdir(proj)).toEqual([]);
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
    expect(await readdir(other)).toEqual(["main.go"]);
    const noGenerate = await kf(["generate"], other);
    expect(noGenerate.code).toBe(1);
    expect(noGenerate.stderr).toContain("nothing to generate from");
    expect(await readdir(other)).toEqual(["main.go"]);
    expect(await readdir(proj)).toEqual([]);
  });

  it("scaffolds a multigroup project with two APIs and webhooks", async () => {
    const init = await kf(["init", "--domain", "example.com", "--multigroup", "--owner", "Test"], proj);
    expect(init.code, init.stderr).toBe(0);
    const before = await files(proj);
    const badKind = await kf(["create", "api", "--group", "webapp", "--version", "v1", "--kind", "guestbook"], proj);
    expect(badKind.code).toBe(2);
    expect(badKind.stderr).toContain('--kind "guestbook" must be PascalCase (start with an upper-case letter, letters and digits only), e.g. --kind Guestbook');
    expect(await files(proj)).toEqual(before);
    const badVersion = await kf(["create", "api", "--group", "webapp", "--version", "1", "--kind", "Guestbook"], proj);
    expect(badVersion.code).toBe(2);
    expect(badVersion.stderr).toContain('--version "1" is not a Kubernetes API version: use v1, v1beta1, v2alpha1 and the like');
    expect(badVersion.stderr).not.toMatch(/\n\s+at /);
    expect(await files(proj)).toEqual(before);
    for (const [group, kind, version, extra] of [
      ["webapp", "Guestbook", "v1", []],
      ["ops", "Backup", "v1", ["--namespaced=false"]],
      ["ops", "Backup", "v2", ["--namespaced=false", "--controller=false"]],
    ] as const) {
      const r = await kf(["create", "api", "--group", group, "--version", version, "--kind", kind, ...extra], proj);
      expect(r.code, r.stderr).toBe(0);
    }
    const afterApis = await files(proj);
    const twice = await kf(["create", "api", "--group", "webapp", "--version", "v1", "--kind", "Guestbook"], proj);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain("API webapp/v1, Kind=Guestbook already exists (api/webapp/v1/guestbook.types.ts, internal/controller/webapp/guestbook.controller.ts); pass --force to overwrite it");
    expect(await files(proj)).toEqual(afterApis);
    const wh = await kf(["create", "webhook", "--group", "webapp", "--version", "v1", "--kind", "Guestbook", "--defaulting", "--programmatic-validation"], proj);
    expect(wh.code, wh.stderr).toBe(0);
    const conv = await kf(["create", "webhook", "--group", "ops", "--version", "v1", "--kind", "Backup", "--conversion", "--spoke", "v2"], proj);
    expect(conv.code, conv.stderr).toBe(0);
    const after = await files(proj);
    expect(after.filter((f) => !before.includes(f))).toEqual(
      expect.arrayContaining([
        "api/webapp/v1/guestbook.types.ts",
        "api/ops/v1/backup.types.ts",
        "api/ops/v2/backup.types.ts",
        "internal/controller/webapp/guestbook.controller.ts",
        "internal/controller/webapp/guestbook.controller.test.ts",
        "internal/controller/ops/backup.controller.ts",
        "internal/webhook/webapp/v1/guestbook.webhook.ts",
        "internal/webhook/ops/v1/backup.webhook.ts",
        "internal/webhook/ops/v1/backup.webhook.test.ts",
        "config/crd/patches/webhook_in_backups.yaml",
        "config/samples/webapp_v1_guestbook.yaml",
        "config/webhook/service.yaml",
      ]),
    );
    expect(after).not.toContain("internal/controller/ops/backup.v2.controller.ts");
    const main = await readFile(join(proj, "src/main.ts"), "utf8");
    expect(main).toContain("setupGuestbookController(mgr);\nsetupBackupController(mgr);\nsetupGuestbookWebhook(mgr);\nsetupBackupWebhook(mgr);\n// +kubebuilder:scaffold:builder");
    expect(await readFile(join(proj, "api/ops/v1/backup.types.ts"), "utf8")).toContain("+kubebuilder:storageversion");
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

    // the conversion a user would write: v2 shows spec.foo with a "v2:" prefix (so a read proves the webhook ran)
    const convFile = join(proj, "internal/webhook/ops/v1/backup.webhook.ts");
    const conv = await readFile(convFile, "utf8");
    const stub = "  return { ...obj, apiVersion: desiredAPIVersion };";
    expect(conv).toContain(stub);
    await writeFile(
      convFile,
      conv.replace(
        stub,
        '  const spec = { ...(obj.spec as { foo?: string } | undefined) };\n  if (spec.foo !== undefined) spec.foo = desiredAPIVersion.endsWith("/v2") ? `v2:${spec.foo}` : spec.foo.replace(/^v2:/, "");\n  return { ...obj, apiVersion: desiredAPIVersion, spec };',
      ),
    );

    const r = startRun(["--", "--health-probe-bind-address=127.0.0.1:0"], proj);
    try {
      const kc = join(proj, ".kubeforge", "kubeconfig");
      await r.waitFor("manager runs as system:serviceaccount:guestbook-operator-system:guestbook-operator-controller-manager");
      // a Guestbook without spec.foo: the defaulting webhook (served by the manager) fills it in
      const unset = join(base, "gb.yaml");
      await writeFile(unset, "apiVersion: webapp.example.com/v1\nkind: Guestbook\nmetadata:\n  name: gb\n  namespace: default\nspec: {}\n");
      const applied = await kubectlEventually(["--kubeconfig", kc, "apply", "-f", unset], proj);
      expect(applied.code, applied.stderr).toBe(0);
      const foo = await run(kubectl, ["--kubeconfig", kc, "get", "guestbook", "gb", "-n", "default", "-o", "jsonpath={.spec.foo}"], proj);
      expect(foo.stdout).toBe("default");
      // the validating webhook rejects spec.foo "forbidden"
      const bad = join(base, "bad.yaml");
      await writeFile(bad, "apiVersion: webapp.example.com/v1\nkind: Guestbook\nmetadata:\n  name: bad\n  namespace: default\nspec:\n  foo: forbidden\n");
      const denied = await run(kubectl, ["--kubeconfig", kc, "apply", "-f", bad], proj, 30_000);
      expect(denied.code).not.toBe(0);
      expect(denied.stderr).toContain('admission webhook "vguestbook-v1.kb.io" denied the request: spec.foo: "forbidden" is not allowed');
      // the controller, as its ServiceAccount, reconciles the sample of config/samples and reports Ready
      const sample = await kubectlEventually(["--kubeconfig", kc, "apply", "-n", "default", "-f", "config/samples/webapp_v1_guestbook.yaml"], proj);
      expect(sample.code, sample.stderr).toBe(0);
      expect(sample.stdout).toContain("guestbook.webapp.example.com/guestbook-sample created");
      let ready = "";
      for (let i = 0; i < 150 && ready !== "True"; i++) {
        ready = (await run(kubectl, ["--kubeconfig", kc, "get", "guestbook", "guestbook-sample", "-n", "default", "-o", 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'], proj)).stdout;
        if (ready !== "True") await new Promise((res) => setTimeout(res, 200));
      }
      expect(ready, r.output()).toBe("True");
      // conversion through the manager's /convert: created as v1 (the storage version), read as v2 and back
      const backup = join(base, "backup.yaml");
      await writeFile(backup, "apiVersion: ops.example.com/v1\nkind: Backup\nmetadata:\n  name: nightly\nspec:\n  foo: data\n");
      const made = await kubectlEventually(["--kubeconfig", kc, "apply", "-f", backup], proj);
      expect(made.code, made.stderr).toBe(0);
      const asV2 = await run(kubectl, ["--kubeconfig", kc, "get", "backups.v2.ops.example.com", "nightly", "-o", "jsonpath={.apiVersion} {.spec.foo}"], proj);
      expect(asV2.stdout, asV2.stderr).toBe("ops.example.com/v2 v2:data");
      const asV1 = await run(kubectl, ["--kubeconfig", kc, "get", "backups.v1.ops.example.com", "nightly", "-o", "jsonpath={.apiVersion} {.spec.foo}"], proj);
      expect(asV1.stdout, asV1.stderr).toBe("ops.example.com/v1 data");
      // written through v2 and read as v1: the webhook strips the prefix again
      await writeFile(backup, "apiVersion: ops.example.com/v2\nkind: Backup\nmetadata:\n  name: weekly\nspec:\n  foo: v2:logs\n");
      expect((await run(kubectl, ["--kubeconfig", kc, "apply", "-f", backup], proj)).code).toBe(0);
      const weekly = await run(kubectl, ["--kubeconfig", kc, "get", "backups.v1.ops.example.com", "weekly", "-o", "jsonpath={.spec.foo}"], proj);
      expect(weekly.stdout).toBe("logs");
    } finally {
      await r.stop();
    }
  });

  it("fails locally with the API server's 403 when an RBAC marker is missing, naming the verb and resource", async () => {
    const ctrlFile = join(proj, "internal/controller/webapp/guestbook.controller.ts");
    const ctrl = await readFile(ctrlFile, "utf8");
    const marker = "// +kubebuilder:rbac:groups=webapp.example.com,resources=guestbooks,verbs=get;list;watch;create;update;patch;delete\n";
    expect(ctrl).toContain(marker);
    await writeFile(ctrlFile, ctrl.replace(marker, ""));
    const r = startRun(["--", "--health-probe-bind-address=127.0.0.1:0"], proj);
    try {
      // upstream's wording (k8s.io/apiserver's forbidden message), in the manager's JSON log
      await r.waitFor(
        /guestbooks\.webapp\.example\.com is forbidden: User \\?"system:serviceaccount:guestbook-operator-system:guestbook-operator-controller-manager\\?" cannot list resource \\?"guestbooks\\?" in API group \\?"webapp\.example\.com\\?" at the cluster scope/,
      );
      // and kubeforge run says which marker is missing
      await r.waitFor('kubeforge run: the manager was forbidden to list guestbooks in API group "webapp.example.com" (HTTP 403)');
      expect(r.output()).toContain("// +kubebuilder:rbac:groups=webapp.example.com,resources=guestbooks,verbs=list");
      expect(await readFile(join(proj, "config/rbac/role.yaml"), "utf8")).not.toMatch(/- guestbooks\n/);
    } finally {
      await r.stop();
      await writeFile(ctrlFile, ctrl);
    }
    expect((await kf(["generate"], proj)).code).toBe(0);
    expect((await kf(["generate", "--check"], proj)).code).toBe(0);
  });

  it("runs against the cluster of the current kubeconfig with --use-current-context", async () => {
    const cp = await startControlPlane({ crdDirectoryPaths: [join(proj, "config/crd/bases")] });
    const kubeconfig = join(base, "current.kubeconfig");
    await cp.writeKubeconfig(kubeconfig);
    // the webhook server needs a certificate off the local path too: the one the local run left
    const r = startRun(["--use-current-context", "--skip-build", "--", "--webhook-cert-path", ".kubeforge/webhook-certs", "--webhook-port", "0", "--health-probe-bind-address=127.0.0.1:0"], proj, { ...process.env, KUBECONFIG: kubeconfig });
    try {
      await r.waitFor(new RegExp(`kubeforge run: against context "[^"]+" \\(${cp.url.replace(/[.]/g, "\\.")}\\) of the current kubeconfig`));
      expect(r.output()).not.toContain("local control plane at");
      const sample = await kubectlEventually(["--kubeconfig", kubeconfig, "apply", "-n", "default", "-f", "config/samples/webapp_v1_guestbook.yaml"], proj);
      expect(sample.code, sample.stderr).toBe(0);
      let ready = "";
      for (let i = 0; i < 150 && ready !== "True"; i++) {
        ready = (await run(kubectl, ["--kubeconfig", kubeconfig, "get", "guestbook", "guestbook-sample", "-n", "default", "-o", 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'], proj)).stdout;
        if (ready !== "True") await new Promise((res) => setTimeout(res, 200));
      }
      expect(ready, r.output()).toBe("True");
    } finally {
      await r.stop();
      await cp.stop();
    }
  });

  it("make build-installer writes one dist/install.yaml that a local control plane (cluster up) accepts", async () => {
    // make and the npm script find kubectl on PATH: the suite's kubectl, by that name
    const bin = join(base, "bin");
    await mkdir(bin, { recursive: true });
    await symlink(kubectl, join(bin, "kubectl"));
    const env = { ...process.env, PATH: `${bin}:${join(proj, "node_modules", ".bin")}:${process.env.PATH ?? ""}` };
    const made = await run("make", ["build-installer", "IMG=registry.example.com/guestbook-operator:v0.1.0"], proj, 180_000, env);
    expect(made.code, made.stdout + made.stderr).toBe(0);
    const text = await readFile(join(proj, "dist/install.yaml"), "utf8");
    const docs = parseAllDocuments(text).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; spec?: { template?: { spec?: { containers?: { image: string }[] } } } });
    const names = docs.map((d) => `${d.kind}/${d.metadata.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        "Namespace/guestbook-operator-system",
        "CustomResourceDefinition/guestbooks.webapp.example.com",
        "CustomResourceDefinition/backups.ops.example.com",
        "ServiceAccount/guestbook-operator-controller-manager",
        "ClusterRole/guestbook-operator-manager-role",
        "ClusterRoleBinding/guestbook-operator-manager-rolebinding",
        "Role/guestbook-operator-leader-election-role",
        "Deployment/guestbook-operator-controller-manager",
        "MutatingWebhookConfiguration/guestbook-operator-mutating-webhook-configuration",
      ]),
    );
    const deployment = docs.find((d) => d.kind === "Deployment");
    expect(deployment?.metadata.namespace).toBe("guestbook-operator-system");
    expect(deployment?.spec?.template?.spec?.containers?.[0]?.image).toBe("registry.example.com/guestbook-operator:v0.1.0");

    const kubeconfig = join(base, "cluster-up.kubeconfig");
    const up = spawn(process.execPath, [cli, "cluster", "up", "--port", "0", "--kubeconfig", kubeconfig], { cwd: base, stdio: ["ignore", "pipe", "pipe"] });
    let upOut = "";
    up.stdout.on("data", (c: Buffer) => (upOut += c.toString()));
    up.stderr.on("data", (c: Buffer) => (upOut += c.toString()));
    const upExited = new Promise((r) => up.once("exit", r));
    try {
      for (let i = 0; i < 300 && !existsSync(kubeconfig); i++) {
        if (up.exitCode !== null) throw new Error(`cluster up exited:\n${upOut}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const k = (args: string[], input?: string): Promise<Run> =>
        input === undefined ? run(kubectl, ["--kubeconfig", kubeconfig, ...args], base, 60_000) : run("sh", ["-c", `cat <<'EOF' | ${kubectl} --kubeconfig ${kubeconfig} ${args.join(" ")}\n${input}\nEOF`], base, 60_000);
      expect((await k(["get", "--raw", "/readyz"])).stdout).toBe("ok");
      // what the installer needs to exist first, as on any cluster: cert-manager's kinds, and the namespace
      // (a server-side dry run does not create it, so the namespaced objects would be NotFound, as upstream)
      for (const [plural, kind] of [["issuers", "Issuer"], ["certificates", "Certificate"]]) {
        const crd = `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: ${plural}.cert-manager.io}\nspec: {group: cert-manager.io, scope: Namespaced, names: {plural: ${plural}, kind: ${kind}}, versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]}`;
        expect((await k(["apply", "-f", "-"], crd)).code).toBe(0);
      }
      expect((await k(["wait", "--for=condition=Established", "crd/issuers.cert-manager.io", "crd/certificates.cert-manager.io", "--timeout=20s"])).code).toBe(0);
      expect((await k(["create", "namespace", "guestbook-operator-system"])).code).toBe(0);
      const dry = await k(["apply", "--dry-run=server", "-f", join(proj, "dist/install.yaml")]);
      expect(dry.code, dry.stdout + dry.stderr).toBe(0);
      const lines = dry.stdout.trim().split("\n");
      expect(lines.length).toBe(docs.length);
      for (const l of lines) expect(l).toMatch(/ \(server dry run\)$/);
      // a dry run writes nothing
      expect((await k(["get", "crd", "guestbooks.webapp.example.com"])).stderr).toContain('customresourcedefinitions.apiextensions.k8s.io "guestbooks.webapp.example.com" not found');
    } finally {
      up.kill("SIGTERM");
      await upExited;
    }
  });
});

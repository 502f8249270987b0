/**
 * `kubeforge run`: regenerates the manifests, builds the project and runs its manager — against a local
 * control plane started on the spot (CRDs installed, the generated RBAC applied, the manager authenticated as
 * its ServiceAccount), or against a cluster with --kubeconfig. Flags after `--` go to the manager.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { stringify } from "yaml";
import { Client } from "../../runtime/client/index.js";
import { isAlreadyExists } from "../../runtime/core/errors.js";
import type { KubeObject } from "../../runtime/core/object.js";
import { installCRDs, readCRDs } from "../../runtime/testing/crds.js";
import { createServer } from "node:net";
import { localConversionPatches, localWebhookConfigurations } from "../scaffold/localwebhooks.js";
import { kubeforgePackage } from "../scaffold/package.js";
import { projectRBAC } from "../scaffold/rbac.js";
import { UsageError } from "./errors.js";
import { parseFlags } from "./flags.js";
import { loadProject } from "./project.js";
import { startLocalCluster, writeFileAtomic, type LocalCluster } from "./localcluster.js";

export const runUsage = `Usage: kubeforge run [--kubeconfig FILE] [--port PORT] [--skip-build] [-- <manager flags>]

Regenerates the manifests, builds the project and runs its manager until interrupted.

Without --kubeconfig, a local control plane is started first (admin kubeconfig in .kubeforge/kubeconfig):
the project's CRDs are installed, its RBAC (config/rbac) applied as "make deploy" would, and the manager runs
as its ServiceAccount, so a missing +kubebuilder:rbac marker shows up as a 403 here, not in production.

Options:
  --kubeconfig FILE   run against this cluster instead (CRDs are not installed: use "make install")
  --port PORT         port of the local control plane (default 0: a free one)
  --skip-build        do not run "kubeforge generate" and "tsc" first
  -h, --help          show this help

Example: kubeforge run -- --leader-elect --health-probe-bind-address=:8081
`;

function exec(cmd: string, args: string[], cwd: string): Promise<number> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd, stdio: "inherit" });
    child.on("error", rej);
    child.on("exit", (code, signal) => res(code ?? (signal ? 1 : 0)));
  });
}

async function prepare(dir: string): Promise<void> {
  const bin = join(kubeforgePackage().root, "bin", "kubeforge.js");
  if ((await exec(process.execPath, [bin, "generate"], dir)) !== 0) throw new UsageError("kubeforge generate failed (see above); fix the API types, then run again", 1);
  const tsc = join(dir, "node_modules", "typescript", "bin", "tsc");
  if (!existsSync(tsc)) throw new UsageError(`TypeScript is not installed in ${dir}: run "npm install" first`, 1);
  if ((await exec(process.execPath, [tsc, "-p", "tsconfig.build.json"], dir)) !== 0) throw new UsageError("the project does not compile (see above); fix it, then run again", 1);
}

async function createOrKeep(client: Client, obj: KubeObject): Promise<void> {
  try {
    await client.create(obj);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

interface Provisioned {
  kubeconfig: string;
  /** Flags for the manager (the local webhook server's port and certificate). */
  managerArgs: string[];
}

/**
 * Installs CRDs, webhooks and RBAC into the local control plane; returns a kubeconfig for the manager's
 * ServiceAccount and the manager flags that serve the webhooks on 127.0.0.1.
 */
async function provision(dir: string, projectName: string, cluster: LocalCluster): Promise<Provisioned> {
  const port = await freePort();
  const base = `https://127.0.0.1:${port}`;
  const certDir = join(dir, ".kubeforge", "webhook-certs");
  const serving = await cluster.ca.issue({ subject: "CN=kubeforge-webhook", dnsNames: ["localhost"], ips: ["127.0.0.1"], server: true });
  await writeFileAtomic(join(certDir, "tls.crt"), serving.certPEM);
  await writeFileAtomic(join(certDir, "tls.key"), serving.keyPEM);
  const managerArgs = ["--webhook-port", String(port), "--webhook-cert-path", certDir];

  const bases = join(dir, "config", "crd", "bases");
  if (existsSync(bases)) {
    const conversions = await localConversionPatches(dir, base, cluster.ca.certPEM);
    const crds = (await readCRDs([bases])).map((crd) => {
      const conv = conversions.get(crd.metadata.name ?? "");
      return conv ? { ...crd, spec: { ...(crd.spec as object), conversion: conv } } : crd;
    });
    await installCRDs(cluster.controlPlane, [], 10_000, crds);
  }
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  const admin = new Client(kc);
  try {
    for (const wh of await localWebhookConfigurations(dir, `${projectName}-`, base, cluster.ca.certPEM)) await createOrKeep(admin, wh);
    const rbac = await projectRBAC(dir, projectName);
    await createOrKeep(admin, { apiVersion: "v1", kind: "Namespace", metadata: { name: rbac.namespace } });
    for (const obj of rbac.objects) await createOrKeep(admin, obj);
    await createOrKeep(admin, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: rbac.serviceAccount, namespace: rbac.namespace } });
    const tr = await admin.subResource("token").create<KubeObject & { status: { token: string } }>(
      { apiVersion: "v1", kind: "ServiceAccount", namespace: rbac.namespace, name: rbac.serviceAccount },
      { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", metadata: {}, spec: { expirationSeconds: 86400 } },
    );
    const path = join(dir, ".kubeforge", "manager.kubeconfig");
    await writeFileAtomic(
      path,
      stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "kubeforge", cluster: { server: cluster.url, "certificate-authority-data": Buffer.from(cluster.ca.certPEM).toString("base64") } }],
        users: [{ name: rbac.serviceAccount, user: { token: tr.status.token } }],
        contexts: [{ name: "manager", context: { cluster: "kubeforge", user: rbac.serviceAccount, namespace: rbac.namespace } }],
        "current-context": "manager",
      }),
    );
    process.stderr.write(`kubeforge run: manager runs as system:serviceaccount:${rbac.namespace}:${rbac.serviceAccount} (RBAC from config/rbac)\n`);
    return { kubeconfig: path, managerArgs };
  } finally {
    admin.close();
  }
}

export async function runCommand(args: string[], cwd = process.cwd()): Promise<number> {
  const { flags, positionals, help } = parseFlags(args, { kubeconfig: "string", port: "string", "skip-build": "boolean" }, runUsage);
  if (help) {
    process.stdout.write(runUsage);
    return 0;
  }
  const dir = resolve(cwd);
  const project = await loadProject(dir);
  const portText = flags.port ?? "0";
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) throw new UsageError(`--port must be a number between 0 and 65535, got "${portText}"`);
  if (flags.kubeconfig && !existsSync(flags.kubeconfig)) throw new UsageError(`--kubeconfig ${flags.kubeconfig}: no such file`, 1);
  if (!flags["skip-build"]) await prepare(dir);
  const main = join(dir, "dist", "src", "main.js");
  if (!existsSync(main)) throw new UsageError(`${main} does not exist: build the project ("npm run build") or drop --skip-build`, 1);

  let cluster: LocalCluster | undefined;
  let kubeconfig = flags.kubeconfig ? resolve(flags.kubeconfig) : undefined;
  const managerArgs: string[] = [];
  if (!kubeconfig) {
    cluster = await startLocalCluster({ host: "127.0.0.1", port: Number(portText), kubeconfigPath: join(dir, ".kubeforge", "kubeconfig") });
    process.stderr.write(`kubeforge run: local control plane at ${cluster.url} (kubectl --kubeconfig ${cluster.kubeconfigPath} ...)\n`);
    try {
      const p = await provision(dir, project.projectName, cluster);
      kubeconfig = p.kubeconfig;
      managerArgs.push(...p.managerArgs);
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }
  const child = spawn(process.execPath, [main, "--kubeconfig", kubeconfig, ...managerArgs, ...positionals], { cwd: dir, stdio: "inherit" });
  const forward = (sig: NodeJS.Signals): void => {
    child.kill(sig);
  };
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  const code = await new Promise<number>((res) => child.on("exit", (c, s) => res(c ?? (s ? 1 : 0))));
  process.off("SIGINT", forward);
  process.off("SIGTERM", forward);
  await cluster?.stop();
  return code;
}

/**
 * `kubeforge run`: regenerates the manifests, builds the project and runs its manager — against a local
 * control plane started on the spot (--local, the default: CRDs and webhooks installed, the generated RBAC
 * applied, the manager authenticated as its ServiceAccount), or against the cluster of the current kubeconfig
 * (--use-current-context, --kubeconfig FILE). Flags after `--` go to the manager.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { loadKubeConfig } from "../../runtime/config/index.js";
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

export const runUsage = `Usage: kubeforge run [--local | --use-current-context | --kubeconfig FILE] [--port PORT] [--skip-build] [-- <manager flags>]

Regenerates the manifests, builds the project and runs its manager until interrupted. Choose where:

  --local                  (the default) start a local control plane first (admin kubeconfig in
                           .kubeforge/kubeconfig): the project's CRDs and webhooks are installed, its RBAC
                           (config/rbac) applied as "make deploy" would, and the manager runs as its
                           ServiceAccount, so a missing +kubebuilder:rbac marker shows up here as a 403;
                           the project's aggregated API server (create api --aggregated), if any, runs
                           beside it (in-memory storage) with its APIServices registered and Available
  --use-current-context    run against the cluster of the current kubeconfig ($KUBECONFIG, else
                           ~/.kube/config) with your own credentials; install the CRDs first ("make install")
  --kubeconfig FILE        the same, with the current context of FILE

Options:
  --port PORT         port of the local control plane (default 0: a free one; --local only)
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

/** What a 403 from the API server says, in upstream's wording: `... cannot <verb> resource "<resource>" in API group "<group>" ...`. */
const forbidden = /cannot ([a-z]+) resource \\?"([^"\\]+)\\?"(?: in API group \\?"([^"\\]*)\\?")?/g;

/**
 * Watches the manager's output for 403s and says, once per verb and resource, which RBAC marker is missing.
 * Returns a function that takes each chunk of output.
 */
export function forbiddenHints(write: (s: string) => void): (chunk: string) => void {
  const seen = new Set<string>();
  let tail = "";
  return (chunk) => {
    const text = tail + chunk;
    tail = text.slice(-512);
    for (const m of text.matchAll(forbidden)) {
      const [, verb, resource, group = ""] = m as unknown as [string, string, string, string | undefined];
      const key = `${verb} ${group}/${resource}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const groups = group === "" ? "core" : group;
      write(
        `kubeforge run: the manager was forbidden to ${verb} ${resource}${group ? ` in API group "${group}"` : ""} (HTTP 403): its RBAC (config/rbac/role.yaml) lacks that permission.\n` +
          `  Add a marker to the controller that needs it, e.g.\n    // +kubebuilder:rbac:groups=${groups},resources=${resource},verbs=${verb}\n  then run "kubeforge run" again (it regenerates config/rbac).\n`,
      );
    }
  };
}

type Target = { kind: "local"; port: number } | { kind: "kubeconfig"; file?: string };

function target(flags: { local?: boolean; "use-current-context"?: boolean; kubeconfig?: string; port?: string }): Target {
  const chosen = [flags.local && "--local", flags["use-current-context"] && "--use-current-context", flags.kubeconfig !== undefined && "--kubeconfig"].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(`${chosen.join(" and ")} exclude each other: choose one (--local is the default)`);
  if (flags.port !== undefined && chosen.length === 1 && chosen[0] !== "--local") throw new UsageError(`--port is the port of the local control plane; it does not go with ${chosen[0]}`);
  if (flags["use-current-context"] || flags.kubeconfig !== undefined) {
    if (flags.kubeconfig !== undefined) {
      if (!existsSync(flags.kubeconfig)) throw new UsageError(`--kubeconfig ${flags.kubeconfig}: no such file`, 1);
      return { kind: "kubeconfig", file: resolve(flags.kubeconfig) };
    }
    return { kind: "kubeconfig" };
  }
  const portText = flags.port ?? "0";
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) throw new UsageError(`--port must be a number between 0 and 65535, got "${portText}"`);
  return { kind: "local", port: Number(portText) };
}

/** The current context of a kubeconfig (the given file, or $KUBECONFIG / ~/.kube/config), or a UsageError saying what to do. */
function currentContext(file: string | undefined): { context: string; server: string } {
  let kc: KubeConfig;
  try {
    kc = loadKubeConfig(file ? { kubeconfig: file } : {});
  } catch (err) {
    const where = file ?? (process.env.KUBECONFIG ? `$KUBECONFIG (${process.env.KUBECONFIG})` : "~/.kube/config");
    throw new UsageError(`--use-current-context: no usable kubeconfig at ${where} (${err instanceof Error ? err.message : String(err)}); point KUBECONFIG at one, pass --kubeconfig FILE, or drop the flag to run on a local control plane`, 1);
  }
  const context = kc.getCurrentContext();
  const server = kc.getCurrentCluster()?.server;
  if (!context || !server) throw new UsageError(`the kubeconfig${file ? ` ${file}` : ""} has no current context with a cluster; set one (kubectl config use-context NAME) or drop the flag to run on a local control plane`, 1);
  return { context, server };
}

export async function runCommand(args: string[], cwd = process.cwd()): Promise<number> {
  const { flags, positionals, help } = parseFlags(args, { local: "boolean", "use-current-context": "boolean", kubeconfig: "string", port: "string", "skip-build": "boolean" }, runUsage);
  if (help) {
    process.stdout.write(runUsage);
    return 0;
  }
  const where = target(flags);
  const dir = resolve(cwd);
  const project = await loadProject(dir);
  let cluster: { context: string; server: string } | undefined;
  if (where.kind === "kubeconfig") cluster = currentContext(where.file);
  if (!flags["skip-build"]) await prepare(dir);
  const main = join(dir, "dist", "src", "main.js");
  if (!existsSync(main)) throw new UsageError(`${main} does not exist: build the project ("npm run build") or drop --skip-build`, 1);

  let local: LocalCluster | undefined;
  let aggregated: { stop(): Promise<void> } | undefined;
  const managerArgs: string[] = [];
  if (where.kind === "local") {
    local = await startLocalCluster({ host: "127.0.0.1", port: where.port, kubeconfigPath: join(dir, ".kubeforge", "kubeconfig") });
    process.stderr.write(`kubeforge run: local control plane at ${local.url} (kubectl --kubeconfig ${local.kubeconfigPath} ...)\n`);
    try {
      const p = await provision(dir, project.projectName, local);
      managerArgs.push("--kubeconfig", p.kubeconfig, ...p.managerArgs);
      // aggregated kinds (create api --aggregated): the project's API server, registered with the aggregator
      aggregated = await (await import("./aggregated-run.js")).startLocalAggregatedServer({ dir, project, kubeconfigPath: local.kubeconfigPath, url: local.url, ca: local.ca });
    } catch (err) {
      await local.stop();
      throw err;
    }
  } else {
    process.stderr.write(`kubeforge run: against context "${cluster?.context}" (${cluster?.server}) of ${where.file ?? "the current kubeconfig"}; CRDs are not installed by run (use "make install")\n`);
    if (where.file) managerArgs.push("--kubeconfig", where.file);
  }
  const child = spawn(process.execPath, [main, ...managerArgs, ...positionals], { cwd: dir, stdio: ["inherit", "pipe", "pipe"] });
  const hint = forbiddenHints((s) => process.stderr.write(s));
  child.stdout.on("data", (c: Buffer) => {
    process.stdout.write(c);
    hint(c.toString());
  });
  child.stderr.on("data", (c: Buffer) => {
    process.stderr.write(c);
    hint(c.toString());
  });
  const forward = (sig: NodeJS.Signals): void => {
    child.kill(sig);
  };
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  const code = await new Promise<number>((res) => child.on("exit", (c, s) => res(c ?? (s ? 1 : 0))));
  process.off("SIGINT", forward);
  process.off("SIGTERM", forward);
  await aggregated?.stop();
  await local?.stop();
  return code;
}

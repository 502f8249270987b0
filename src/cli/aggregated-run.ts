/**
 * `kubeforge run` for projects with aggregated kinds: the project's own API server (dist/src/apiserver/main.js)
 * started beside the local control plane and registered with its aggregator, as config/apiserver does in a
 * cluster — in-memory storage, a serving certificate for `<project>-apiserver.<project>-system.svc` from the
 * local CA, authentication and authorization delegated as its ServiceAccount (bound to system:auth-delegator
 * and kube-system/extension-apiserver-authentication-reader, nothing more), a Service with Endpoints on
 * 127.0.0.1, and one APIService per group-version with the local CA as caBundle. Resolves once every
 * APIService is Available, so kubectl sees the groups.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { stringify } from "yaml";
import { Client } from "../../runtime/client/index.js";
import type { CertificateAuthority } from "../../runtime/apiserver/certs.js";
import { isAlreadyExists } from "../../runtime/core/errors.js";
import type { KubeObject } from "../../runtime/core/object.js";
import { aggregatedGroupVersions, aggregatedResources } from "../scaffold/aggregated.js";
import type { Project } from "../scaffold/project.js";
import { UsageError } from "./errors.js";
import { writeFileAtomic } from "./localcluster.js";

export interface LocalAggregatedServer {
  /** https://127.0.0.1:PORT */
  url: string;
  /** The APIService names registered ("v1alpha1.wardle.example.com"). */
  apiServices: string[];
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface LocalAggregatedOptions {
  dir: string;
  project: Project;
  /** The local control plane's admin kubeconfig. */
  kubeconfigPath: string;
  /** The local control plane's URL and CA (the server's serving certificate is issued by it). */
  url: string;
  ca: CertificateAuthority;
  /** Where the server's output goes (each line prefixed with "[apiserver] "). */
  write?: (s: string) => void;
  /** Longest wait for the APIServices to become Available (default 60 s). */
  timeoutMs?: number;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
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

async function createOrReplace(client: Client, obj: KubeObject): Promise<void> {
  try {
    await client.create(obj);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    const cur = await client.get(obj);
    await client.update({ ...obj, metadata: { ...obj.metadata, resourceVersion: cur.metadata.resourceVersion } } as KubeObject);
  }
}

/** The ServiceAccount and bindings of config/apiserver, named as config/default deploys them. */
export function apiserverIdentity(projectName: string): { namespace: string; serviceAccount: string; objects: KubeObject[] } {
  const namespace = `${projectName}-system`;
  const serviceAccount = `${projectName}-apiserver`;
  const subject = [{ kind: "ServiceAccount", name: serviceAccount, namespace }];
  const rbac = "rbac.authorization.k8s.io/v1";
  return {
    namespace,
    serviceAccount,
    objects: [
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: serviceAccount, namespace } },
      { apiVersion: rbac, kind: "ClusterRoleBinding", metadata: { name: `${projectName}-apiserver-auth-delegator` }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" }, subjects: subject } as KubeObject,
      {
        apiVersion: rbac,
        kind: "RoleBinding",
        metadata: { name: `${projectName}-apiserver-auth-reader`, namespace: "kube-system" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "extension-apiserver-authentication-reader" },
        subjects: subject,
      } as KubeObject,
    ],
  };
}

/** Prefixes each complete line of the output (a partial last line waits for its end). */
function lineWriter(prefix: string, write: (s: string) => void): (chunk: Buffer) => void {
  let rest = "";
  return (chunk) => {
    const text = rest + chunk.toString();
    const lines = text.split("\n");
    rest = lines.pop() ?? "";
    for (const l of lines) write(`${prefix}${l}\n`);
  };
}

/** Starts and registers the project's aggregated API server; undefined when the project has no aggregated kind. */
export async function startLocalAggregatedServer(opts: LocalAggregatedOptions): Promise<LocalAggregatedServer | undefined> {
  if (aggregatedResources(opts.project).length === 0) return undefined;
  const kc = new KubeConfig();
  kc.loadFromFile(opts.kubeconfigPath);
  const admin = new Client(kc);
  try {
    return await start(opts, admin);
  } finally {
    admin.close();
  }
}

async function start(opts: LocalAggregatedOptions, admin: Client): Promise<LocalAggregatedServer> {
  const { dir, project } = opts;
  const write = opts.write ?? ((s: string) => process.stderr.write(s));
  const main = join(dir, "dist", "src", "apiserver", "main.js");
  if (!existsSync(main)) throw new UsageError(`${main} does not exist: the project has aggregated kinds (PROJECT) but its API server is not built; run "npm run build" or drop --skip-build`, 1);

  const id = apiserverIdentity(project.projectName);
  const service = id.serviceAccount;
  await createOrReplace(admin, { apiVersion: "v1", kind: "Namespace", metadata: { name: id.namespace } });
  for (const obj of id.objects) await createOrReplace(admin, obj);
  const tr = await admin.subResource("token").create<KubeObject & { status: { token: string } }>(
    { apiVersion: "v1", kind: "ServiceAccount", namespace: id.namespace, name: id.serviceAccount },
    { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", metadata: {}, spec: { expirationSeconds: 86400 } },
  );
  const kubeconfig = join(dir, ".kubeforge", "apiserver.kubeconfig");
  await writeFileAtomic(
    kubeconfig,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "kubeforge", cluster: { server: opts.url, "certificate-authority-data": Buffer.from(opts.ca.certPEM).toString("base64") } }],
      users: [{ name: id.serviceAccount, user: { token: tr.status.token } }],
      contexts: [{ name: "apiserver", context: { cluster: "kubeforge", user: id.serviceAccount, namespace: id.namespace } }],
      "current-context": "apiserver",
    }),
  );
  const certDir = join(dir, ".kubeforge", "apiserver-certs");
  const serving = await opts.ca.issue({ subject: `CN=${service}`, dnsNames: [`${service}.${id.namespace}.svc`, `${service}.${id.namespace}.svc.cluster.local`, "localhost"], ips: ["127.0.0.1"], server: true });
  await writeFileAtomic(join(certDir, "tls.crt"), serving.certPEM);
  await writeFileAtomic(join(certDir, "tls.key"), serving.keyPEM);

  const port = await freePort();
  const args = [main, "--secure-port", String(port), "--bind-address", "127.0.0.1", "--kubeconfig", kubeconfig, "--tls-cert-file", join(certDir, "tls.crt"), "--tls-private-key-file", join(certDir, "tls.key")];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const out = lineWriter("[apiserver] ", write);
  const collect = (c: Buffer): void => {
    if (output.length < 64_000) output += c.toString();
    out(c);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number>((res) => child.on("exit", (code, signal) => res(code ?? (signal ? 1 : 0))));
  const stop = async (graceMs = 10_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };

  try {
    await createOrReplace(admin, { apiVersion: "v1", kind: "Service", metadata: { name: service, namespace: id.namespace }, spec: { ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: port }] } } as KubeObject);
    await createOrReplace(admin, { apiVersion: "v1", kind: "Endpoints", metadata: { name: service, namespace: id.namespace }, subsets: [{ addresses: [{ ip: "127.0.0.1" }], ports: [{ name: "https", port, protocol: "TCP" }] }] } as KubeObject);
    const caBundle = Buffer.from(opts.ca.certPEM).toString("base64");
    const names: string[] = [];
    for (const gv of aggregatedGroupVersions(project)) {
      const name = `${gv.version}.${gv.group}`;
      names.push(name);
      await createOrReplace(admin, {
        apiVersion: "apiregistration.k8s.io/v1",
        kind: "APIService",
        metadata: { name, labels: { "app.kubernetes.io/name": project.projectName, "app.kubernetes.io/component": "apiserver" } },
        spec: { group: gv.group, version: gv.version, groupPriorityMinimum: 1000, versionPriority: 15, service: { namespace: id.namespace, name: service, port: 443 }, caBundle },
      } as KubeObject);
    }
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    for (const name of names) {
      let last: Condition | undefined;
      for (;;) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new UsageError(`the aggregated API server (${main}) exited with ${child.exitCode ?? child.signalCode} before APIService ${name} became Available; its output:\n${output.trim()}`, 1);
        }
        const svc = await admin.get<KubeObject & { status?: { conditions?: Condition[] } }>({ apiVersion: "apiregistration.k8s.io/v1", kind: "APIService", name });
        last = svc.status?.conditions?.find((c) => c.type === "Available");
        if (last?.status === "True") break;
        if (Date.now() > deadline) throw new UsageError(`APIService ${name} did not become Available (${last ? `${last.reason}: ${last.message}` : "no condition"}); the aggregated API server said:\n${output.trim()}`, 1);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    write(`kubeforge run: aggregated API server at https://127.0.0.1:${port} (as system:serviceaccount:${id.namespace}:${id.serviceAccount}), APIService${names.length > 1 ? "s" : ""} ${names.join(", ")} Available\n`);
    return { url: `https://127.0.0.1:${port}`, apiServices: names, stop };
  } catch (err) {
    await stop(2_000);
    throw err;
  }
}

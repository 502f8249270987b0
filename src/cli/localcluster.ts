/**
 * A local control plane for the CLI (`cluster up`, `run`): a fresh CA, HTTPS on host:port, the admin
 * kubeconfig written atomically once /readyz answers. Listening failures become UsageErrors that say what to do.
 */
import { request } from "node:https";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { createCA, type CertificateAuthority } from "../../runtime/controlplane/certs.js";
import { ControlPlane } from "../../runtime/controlplane/controlplane.js";
import { kubeconfigYAML } from "../../runtime/controlplane/kubeconfig.js";
import { UsageError } from "./errors.js";

export interface LocalCluster {
  controlPlane: ControlPlane;
  ca: CertificateAuthority;
  url: string;
  /** Where the admin kubeconfig was written. */
  kubeconfigPath: string;
  stop(): Promise<void>;
}

function getReadyz(url: string, ca: string): Promise<string> {
  return new Promise((res, rej) => {
    const req = request(`${url}/readyz`, { ca, method: "GET" }, (r) => {
      let body = "";
      r.setEncoding("utf8");
      r.on("data", (c: string) => (body += c));
      r.on("end", () => res(body));
    });
    req.on("error", rej);
    req.end();
  });
}

export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, path);
}

export async function startLocalCluster(opts: { host: string; port: number; kubeconfigPath: string }): Promise<LocalCluster> {
  const { host, port } = opts;
  const ca = await createCA("kubeforge-ca");
  const [serving, admin] = await Promise.all([
    ca.issue({ subject: "CN=kubeforge-apiserver", dnsNames: ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"], ips: ["127.0.0.1", "::1", ...(host !== "127.0.0.1" && /^[\d.]+$/.test(host) ? [host] : [])], server: true }),
    ca.issue({ subject: "CN=kubeforge-admin, O=system:masters", client: true }),
  ]);
  const cp = new ControlPlane();
  let addr;
  try {
    addr = await cp.listen(host, port, { certPEM: serving.certPEM, keyPEM: serving.keyPEM, clientCAPEM: ca.certPEM });
  } catch (err) {
    await cp.stop().catch(() => undefined);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new UsageError(`port ${port} on ${host} is already in use (is another control plane running?); stop it or pick another port with --port`, 1);
    if (code === "EACCES") throw new UsageError(`not allowed to listen on ${host}:${port}; pick a port above 1024 with --port`, 1);
    if (code === "EADDRNOTAVAIL") throw new UsageError(`cannot listen on ${host}: no such local address; use --host 127.0.0.1`, 1);
    throw err;
  }
  const url = `https://${host.includes(":") ? `[${host}]` : host}:${addr.port}`;
  const ready = await getReadyz(url, ca.certPEM);
  if (ready.trim() !== "ok") throw new Error(`control plane did not become ready: ${ready}`);
  await writeFileAtomic(opts.kubeconfigPath, kubeconfigYAML({ server: url, caPEM: ca.certPEM, clientCertPEM: admin.certPEM, clientKeyPEM: admin.keyPEM }));
  return { controlPlane: cp, ca, url, kubeconfigPath: opts.kubeconfigPath, stop: () => cp.stop() };
}

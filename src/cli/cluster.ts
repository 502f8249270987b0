/**
 * `kubeforge cluster up`: the local control plane over HTTPS on 127.0.0.1 with a fresh CA and an admin
 * client certificate; writes the kubeconfig once /readyz answers and runs until SIGINT/SIGTERM.
 */
import { request } from "node:https";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createCA } from "../../runtime/controlplane/certs.js";
import { ControlPlane } from "../../runtime/controlplane/controlplane.js";
import { kubeconfigYAML } from "../../runtime/controlplane/kubeconfig.js";
import { UsageError } from "./errors.js";

export const clusterUsage = `Usage: kubeforge cluster up [--port PORT] [--host HOST] [--kubeconfig FILE]

Runs a local Kubernetes-compatible control plane until interrupted (Ctrl-C / SIGTERM).

Options:
  --port PORT        HTTPS port (default 6443; 0 picks a free one)
  --host HOST        address to listen on (default 127.0.0.1)
  --kubeconfig FILE  where to write the admin kubeconfig once ready (default .kubeforge/kubeconfig)
  -h, --help         show this help
`;

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

export async function clusterCommand(args: string[], log: (s: string) => void = (s) => process.stderr.write(`${s}\n`)): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "-h" || sub === "--help") {
    process.stdout.write(clusterUsage);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== "up") throw new UsageError(`unknown cluster command "${sub}"; the only one is "up"\n\n${clusterUsage}`);
  let values: { port?: string; host?: string; kubeconfig?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { port: { type: "string" }, host: { type: "string" }, kubeconfig: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n\n${clusterUsage}`);
  }
  if (values.help) {
    process.stdout.write(clusterUsage);
    return 0;
  }
  const portText = values.port ?? "6443";
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) throw new UsageError(`--port must be a number between 0 and 65535, got "${portText}"`);
  const port = Number(portText);
  const host = values.host ?? "127.0.0.1";
  const kubeconfigPath = resolve(values.kubeconfig ?? ".kubeforge/kubeconfig");

  const started = performance.now();
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
  await mkdir(dirname(kubeconfigPath), { recursive: true });
  const tmp = `${kubeconfigPath}.tmp-${process.pid}`;
  await writeFile(tmp, kubeconfigYAML({ server: url, caPEM: ca.certPEM, clientCertPEM: admin.certPEM, clientKeyPEM: admin.keyPEM }), { mode: 0o600 });
  await rename(tmp, kubeconfigPath);
  log(`kubeforge control plane ready at ${url} in ${Math.round(performance.now() - started)} ms`);
  log(`kubeconfig: ${kubeconfigPath}   (try: kubectl --kubeconfig ${kubeconfigPath} get namespaces)`);

  await new Promise<void>((res) => {
    const stop = (sig: string): void => {
      log(`received ${sig}, shutting down`);
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      res();
    };
    const onInt = (): void => stop("SIGINT");
    const onTerm = (): void => stop("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
  });
  await cp.stop();
  log("stopped");
  return 0;
}

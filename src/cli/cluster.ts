/**
 * `kubeforge cluster up`: the local control plane over HTTPS on 127.0.0.1 with a fresh CA and an admin
 * client certificate; writes the kubeconfig once /readyz answers and runs until SIGINT/SIGTERM.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { UsageError } from "./errors.js";
import { startLocalCluster } from "./localcluster.js";

export const clusterUsage = `Usage: kubeforge cluster up [--port PORT] [--host HOST] [--kubeconfig FILE]

Runs a local Kubernetes-compatible control plane until interrupted (Ctrl-C / SIGTERM).

Options:
  --port PORT        HTTPS port (default 6443; 0 picks a free one)
  --host HOST        address to listen on (default 127.0.0.1)
  --kubeconfig FILE  where to write the admin kubeconfig once ready (default .kubeforge/kubeconfig)
  -h, --help         show this help
`;

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
  const cluster = await startLocalCluster({ host, port, kubeconfigPath });
  const { url } = cluster;
  const cp = cluster.controlPlane;
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

/**
 * The aggregated API server of <%= projectName %>: it serves the kinds of src/apiserver/resources.ts over HTTPS
 * behind the cluster's API server, which proxies their group-versions to it through the APIServices in
 * config/apiserver. Authentication and authorization are delegated to the cluster (TokenReview,
 * SubjectAccessReview, kube-system/extension-apiserver-authentication), so kubectl's RBAC applies as for any
 * other resource. "kubeforge run" starts it beside a local control plane; in a cluster, config/apiserver runs it.
 *
 * Flags (k8s.io/apiserver's names):
 *   --secure-port PORT              HTTPS port (default 8443)
 *   --bind-address IP               address to listen on (default 0.0.0.0)
 *   --etcd-servers URL[,URL...]     etcd to store objects in; without it they are kept in memory (lost when the
 *                                   process ends, and not shared between replicas: for development only)
 *   --etcd-prefix PREFIX            key prefix in etcd (default /registry/<%= projectName %>)
 *   --etcd-cafile, --etcd-certfile, --etcd-keyfile FILE   TLS to etcd
 *   --kubeconfig FILE               the cluster to delegate to (default: in-cluster, $KUBECONFIG, ~/.kube/config)
 *   --tls-cert-file, --tls-private-key-file FILE          serving certificate and key (default: self-signed for
 *                                   localhost; the APIService then needs that CA, printed at start, as caBundle)
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadKubeConfig } from "kubeforge";
import { AggregatedAPIServer, EtcdBackend, MemoryBackend, type StorageBackend } from "kubeforge/apiserver";
import { resources } from "./resources.js";

const { values: flags } = parseArgs({
  options: {
    "secure-port": { type: "string", default: "8443" },
    "bind-address": { type: "string", default: "0.0.0.0" },
    "etcd-servers": { type: "string" },
    "etcd-prefix": { type: "string", default: "/registry/<%= projectName %>" },
    "etcd-cafile": { type: "string" },
    "etcd-certfile": { type: "string" },
    "etcd-keyfile": { type: "string" },
    kubeconfig: { type: "string" },
    "tls-cert-file": { type: "string" },
    "tls-private-key-file": { type: "string" },
  },
  strict: true,
});

function log(msg: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ level: "info", ts: new Date().toISOString(), logger: "apiserver", msg, ...fields })}\n`);
}

function fail(msg: string): never {
  process.stderr.write(`${JSON.stringify({ level: "error", ts: new Date().toISOString(), logger: "apiserver", msg })}\n`);
  process.exit(1);
}

const port = Number(flags["secure-port"]);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--secure-port must be a port number, got "${flags["secure-port"]}"`);
if ((flags["tls-cert-file"] === undefined) !== (flags["tls-private-key-file"] === undefined)) fail("--tls-cert-file and --tls-private-key-file go together");

let storage: StorageBackend;
if (flags["etcd-servers"]) {
  const endpoints = flags["etcd-servers"].split(",").map((s) => s.trim()).filter(Boolean);
  const tls = flags["etcd-cafile"] ? { caPEM: readFileSync(flags["etcd-cafile"], "utf8"), ...(flags["etcd-certfile"] ? { certPEM: readFileSync(flags["etcd-certfile"], "utf8") } : {}), ...(flags["etcd-keyfile"] ? { keyPEM: readFileSync(flags["etcd-keyfile"], "utf8") } : {}) } : undefined;
  storage = new EtcdBackend({ endpoints, prefix: flags["etcd-prefix"], ...(tls ? { tls } : {}) });
  log("storing objects in etcd", { endpoints, prefix: flags["etcd-prefix"] });
} else {
  storage = new MemoryBackend();
  log("no --etcd-servers: objects are kept in memory and lost when the server stops");
}

const server = new AggregatedAPIServer({
  resources,
  storage,
  kubeConfig: loadKubeConfig(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
  host: flags["bind-address"],
  port,
  ...(flags["tls-cert-file"] && flags["tls-private-key-file"]
    ? { servingCertificate: { certPEM: readFileSync(flags["tls-cert-file"], "utf8"), keyPEM: readFileSync(flags["tls-private-key-file"], "utf8") } }
    : {}),
});

try {
  await server.start();
} catch (err) {
  fail(`cannot start: ${err instanceof Error ? err.message : String(err)}`);
}
const groupVersions = [...new Set(resources.map((r) => `${r.group}/${r.version}`))];
log("serving", { address: server.url, groupVersions, resources: resources.map((r) => r.names.plural) });
if (!flags["tls-cert-file"] && server.serving?.caPEM) log("self-signed serving certificate; its CA (base64, the APIService's caBundle)", { caBundle: Buffer.from(server.serving.caPEM).toString("base64") });

let stopping = false;
for (const sig of ["SIGTERM", "SIGINT"] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    log("shutting down", { signal: sig });
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => fail(`shutdown: ${err instanceof Error ? err.message : String(err)}`),
    );
  });
}

/**
 * Local webhooks for tests (envtest's WebhookInstallOptions): the manager's webhook server listens on
 * 127.0.0.1 with a serving certificate from the test CA, and the project's Mutating/ValidatingWebhookConfigurations
 * (e.g. config/webhook/manifests.yaml, generated from +kubebuilder:webhook markers) are installed pointing at it,
 * so a test's requests go through the API server's admission chain to the project's own handlers. CRDs whose
 * conversion is a webhook (or that are named in `conversionCRDs`) are pointed at the server's /convert.
 *
 *   const env = await startTestEnvironment({
 *     crdDirectoryPaths: ["config/crd/bases"],
 *     webhookInstallOptions: { paths: ["config/webhook/manifests.yaml"] },
 *   });
 *   setupGuestbookWebhook(env.manager);
 *   await env.start();          // resolves once the webhook server listens
 *
 * Guarantees: every configuration of `paths` is installed before startTestEnvironment resolves, with each
 * webhook's clientConfig replaced by `url: https://127.0.0.1:<port><path>` and the test CA as caBundle (the
 * service reference's path is kept, as envtest does); configurations are names as in the files. A path that
 * does not exist or does not parse is an error naming it.
 *
 * Caveats: until `start()` the server does not listen, so a request that reaches a webhook with
 * failurePolicy Fail is refused; the port is chosen free when the environment starts (as envtest does).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { createServer } from "node:net";
import { extname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { Client } from "../client/index.js";
import type { CertificateAuthority } from "../controlplane/certs.js";
import type { KubeObject } from "../core/object.js";
import type { Manager } from "../manager/index.js";
import { configureWebhookServer, webhookServerFor } from "../webhook/index.js";
import type { RunningControlPlane } from "./index.js";

export interface WebhookInstallOptions {
  /** Files or folders (.yaml, .yml, .json) with Mutating/ValidatingWebhookConfigurations, e.g. "config/webhook/manifests.yaml". */
  paths?: string[];
  /** Configurations given as objects, installed with those of `paths`. */
  mutatingWebhooks?: KubeObject[];
  validatingWebhooks?: KubeObject[];
  /** CRDs (by name, e.g. "guestbooks.webapp.example.com") whose conversion goes to the server's /convert; CRDs whose strategy is Webhook already are redirected too. */
  conversionCRDs?: string[];
  /** Where the manager's webhook server listens (default 127.0.0.1). */
  localServingHost?: string;
  /** Its port (default: a free one). */
  localServingPort?: number;
  /** How long to wait for a redirected CRD to be served again (default 10 s). */
  timeoutMs?: number;
}

/** The local webhook serving of a test environment. */
export interface LocalWebhooks {
  host: string;
  port: number;
  /** https://host:port */
  url: string;
  /** The webhook server's certificate and key (issued by the test CA) and the CA the configurations trust. */
  certPEM: string;
  keyPEM: string;
  caPEM: string;
  /** The configurations as installed (clientConfig rewritten). */
  configurations: KubeObject[];
  /** The CRDs whose conversion now goes to `${url}/convert`. */
  conversionCRDs: string[];
  /** Makes sure the manager runs the webhook server (call before the manager starts). */
  beforeStart(): void;
  /** Resolves once the webhook server listens. */
  ready(): Promise<void>;
}

interface ClientConfig {
  url?: string;
  service?: { name?: string; namespace?: string; path?: string; port?: number };
  caBundle?: string;
}

const webhookKinds = new Set(["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]);

async function manifestFiles(path: string): Promise<string[]> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new Error(`webhook manifest path ${path} does not exist (generate it first, e.g. "npm run manifests")`);
  }
  if (!st.isDirectory()) return [path];
  return (await readdir(path))
    .filter((n) => [".yaml", ".yml", ".json"].includes(extname(n)))
    .sort()
    .map((n) => join(path, n));
}

/** The webhook configurations in the files (other kinds are skipped); a file that does not parse is an error naming it. */
export async function readWebhookConfigurations(paths: readonly string[]): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const p of paths) {
    for (const file of await manifestFiles(p)) {
      for (const doc of parseAllDocuments(await readFile(file, "utf8"))) {
        if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message.split("\n")[0]}`);
        const obj = doc.toJS() as KubeObject | null;
        if (obj?.kind && webhookKinds.has(obj.kind)) out.push(obj);
      }
    }
  }
  return out;
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, host, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** `cc` pointing at `base` (the service's path, or the url's, is kept). */
function localClientConfig(cc: ClientConfig | undefined, base: string, caBundle: string, fallbackPath: string): ClientConfig {
  const path = cc?.service?.path ?? (cc?.url ? new URL(cc.url).pathname : fallbackPath);
  return { url: `${base}${path}`, caBundle };
}

/**
 * Issues the serving certificate, configures the manager's webhook server and installs the configurations
 * (and conversion redirects) into the control plane. Used by startTestEnvironment's `webhookInstallOptions`.
 */
export async function installLocalWebhooks(cp: RunningControlPlane, ca: CertificateAuthority, manager: Manager, opts: WebhookInstallOptions): Promise<LocalWebhooks> {
  const host = opts.localServingHost ?? "127.0.0.1";
  const port = opts.localServingPort ?? (await freePort(host));
  const isIP = /^[\d.]+$/.test(host) || host.includes(":");
  const serving = await ca.issue({ subject: "CN=kubeforge-test-webhook", dnsNames: ["localhost", ...(isIP ? [] : [host])], ips: isIP ? [host] : ["127.0.0.1"], server: true });
  const url = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const caBundle = Buffer.from(ca.certPEM).toString("base64");
  configureWebhookServer(manager, { host, port, tls: { certPEM: serving.certPEM, keyPEM: serving.keyPEM } });

  const configurations = [...(await readWebhookConfigurations(opts.paths ?? [])), ...(opts.mutatingWebhooks ?? []), ...(opts.validatingWebhooks ?? [])].map((o) => {
    const c = structuredClone(o);
    for (const w of (c.webhooks as { clientConfig?: ClientConfig }[] | undefined) ?? []) w.clientConfig = localClientConfig(w.clientConfig, url, caBundle, "/");
    return c;
  });
  const client = new Client(cp.kubeConfig);
  const redirected: string[] = [];
  try {
    for (const c of configurations) await client.create(c);
    redirected.push(...(await redirectConversions(cp, client, url, caBundle, opts)));
  } finally {
    client.close();
  }
  return {
    host,
    port,
    url,
    certPEM: serving.certPEM,
    keyPEM: serving.keyPEM,
    caPEM: ca.certPEM,
    configurations,
    conversionCRDs: redirected,
    beforeStart: () => void webhookServerFor(manager),
    ready: async () => {
      await webhookServerFor(manager).listening();
    },
  };
}

interface CRDLike extends KubeObject {
  spec: { group: string; names: { plural: string }; versions: { name: string; served: boolean }[]; conversion?: { strategy?: string; webhook?: { clientConfig?: ClientConfig; conversionReviewVersions?: string[] } } };
}

/** Points the CRDs' conversion at `${url}/convert` and waits until each is served with it. */
async function redirectConversions(cp: RunningControlPlane, client: Client, url: string, caBundle: string, opts: WebhookInstallOptions): Promise<string[]> {
  const list = await client.list<CRDLike>({ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition" });
  const named = new Set(opts.conversionCRDs ?? []);
  for (const n of named) {
    if (!list.items.some((c) => c.metadata.name === n)) throw new Error(`webhookInstallOptions.conversionCRDs: CRD ${n} is not installed (add its folder to crdDirectoryPaths)`);
  }
  const out: string[] = [];
  for (const crd of list.items) {
    const name = crd.metadata.name ?? "";
    if (!named.has(name) && crd.spec.conversion?.strategy !== "Webhook") continue;
    const served = crd.spec.versions.filter((v) => v.served).map((v) => v.name);
    const before = served.map((v) => cp.controlPlane.server.store(crd.spec.group, v, crd.spec.names.plural));
    crd.spec.conversion = {
      strategy: "Webhook",
      webhook: { clientConfig: localClientConfig(crd.spec.conversion?.webhook?.clientConfig, url, caBundle, "/convert"), conversionReviewVersions: crd.spec.conversion?.webhook?.conversionReviewVersions ?? ["v1"] },
    };
    await client.update(crd);
    // the CRD controller serves the changed CRD with new stores; wait for them, so the next request converts
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    while (served.some((v, i) => { const s = cp.controlPlane.server.store(crd.spec.group, v, crd.spec.names.plural); return !s || s === before[i]; })) {
      if (Date.now() > deadline) throw new Error(`CRD ${name} was not served with its conversion webhook within ${opts.timeoutMs ?? 10_000} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
    out.push(name);
  }
  return out;
}

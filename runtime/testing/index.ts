/**
 * `kubeforge/testing`: a local control plane for tests, in-process on an ephemeral port.
 *
 *   const cp = await startControlPlane();
 *   const client = cp.kubeConfig.makeApiClient(CoreV1Api);
 *   ...
 *   await cp.stop();
 */
import { writeFile } from "node:fs/promises";
import { KubeConfig } from "@kubernetes/client-node";
import { createCA, type CertificateAuthority, type KeyPairPEM } from "../controlplane/certs.js";
import { ControlPlane, type ControlPlaneOptions } from "../controlplane/controlplane.js";
import { generateFrontProxyCredentials, type FrontProxyCredentials } from "../controlplane/aggregator/index.js";
import { kubeconfigObject, kubeconfigYAML } from "../controlplane/kubeconfig.js";
import { Manager, silentLogger, type ManagerOptions } from "../manager/index.js";
import { installCRDs } from "./crds.js";
import { installLocalWebhooks, type LocalWebhooks, type WebhookInstallOptions } from "./webhooks.js";

export { installCRDs, readCRDs } from "./crds.js";
export { installLocalWebhooks, readWebhookConfigurations } from "./webhooks.js";
export type { LocalWebhooks, WebhookInstallOptions } from "./webhooks.js";

export interface StartOptions extends ControlPlaneOptions {
  port?: number;
  /** Files or directories of CRD manifests installed before the call resolves (envtest's CRDDirectoryPaths). */
  crdDirectoryPaths?: string[];
}

export interface RunningControlPlane {
  /** https://127.0.0.1:PORT */
  url: string;
  /** A client-node KubeConfig authenticated as the admin (system:masters). */
  kubeConfig: KubeConfig;
  /** The kubeconfig as YAML, for kubectl. */
  kubeconfigYAML: string;
  /** Writes the kubeconfig to `path` (for kubectl --kubeconfig). */
  writeKubeconfig(path: string): Promise<void>;
  /** PEM credentials of the admin user and the CA, for raw HTTPS clients. */
  credentials: { caPEM: string; certPEM: string; keyPEM: string };
  /**
   * The aggregator's front-proxy credentials: `caPEM` is the request-header CA an aggregated server verifies the
   * proxy's client certificate (CN=front-proxy-client: `certPEM`/`keyPEM`) against. The CA client certificates
   * chain to is `credentials.caPEM`. Both are also in kube-system/extension-apiserver-authentication.
   */
  frontProxy: FrontProxyCredentials;
  controlPlane: ControlPlane;
  /** A service account token for namespace/name (the account must exist), as `kubectl create token` issues it. */
  serviceAccountToken(namespace: string, name: string, opts?: { audiences?: string[]; expirationSeconds?: number }): Promise<string>;
  /** A client-node KubeConfig authenticated by a bearer token (no client certificate), e.g. a service account's. */
  kubeConfigForToken(token: string): KubeConfig;
  stop(): Promise<void>;
}

interface Credentials {
  ca: CertificateAuthority;
  serving: KeyPairPEM;
  admin: KeyPairPEM;
  frontProxy: FrontProxyCredentials;
}

let credentials: Promise<Credentials> | undefined;

/** One CA and key pairs per process: certificate generation is the slowest part of start-up. */
function processCredentials(): Promise<Credentials> {
  credentials ??= (async () => {
    const ca = await createCA("kubeforge-test-ca");
    const [serving, admin, frontProxy] = await Promise.all([
      ca.issue({ subject: "CN=kubeforge-apiserver", dnsNames: ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"], ips: ["127.0.0.1", "::1"], server: true }),
      ca.issue({ subject: "CN=kubeforge-admin, O=system:masters", client: true }),
      generateFrontProxyCredentials(),
    ]);
    return { ca, serving, admin, frontProxy };
  })();
  return credentials;
}

export async function startControlPlane(opts: StartOptions = {}): Promise<RunningControlPlane> {
  const creds = await processCredentials();
  const cp = new ControlPlane({ ...opts, frontProxy: opts.frontProxy ?? creds.frontProxy });
  const addr = await cp.listen("127.0.0.1", opts.port ?? 0, { certPEM: creds.serving.certPEM, keyPEM: creds.serving.keyPEM, clientCAPEM: creds.ca.certPEM });
  if (opts.crdDirectoryPaths && opts.crdDirectoryPaths.length > 0) {
    try {
      await installCRDs(cp, opts.crdDirectoryPaths);
    } catch (err) {
      await cp.stop();
      throw err;
    }
  }
  const url = `https://127.0.0.1:${addr.port}`;
  const params = { server: url, caPEM: creds.ca.certPEM, clientCertPEM: creds.admin.certPEM, clientKeyPEM: creds.admin.keyPEM };
  const kc = new KubeConfig();
  kc.loadFromString(JSON.stringify(kubeconfigObject(params)));
  const yaml = kubeconfigYAML(params);
  return {
    url,
    kubeConfig: kc,
    kubeconfigYAML: yaml,
    writeKubeconfig: (path) => writeFile(path, yaml, { mode: 0o600 }),
    credentials: { caPEM: creds.ca.certPEM, certPEM: creds.admin.certPEM, keyPEM: creds.admin.keyPEM },
    frontProxy: cp.aggregator.frontProxy,
    controlPlane: cp,
    async serviceAccountToken(namespace, name, tokenOpts = {}) {
      const sa = cp.server.store("", "v1", "serviceaccounts");
      if (!sa) throw new Error("serviceaccounts not served");
      const obj = await sa.get({ namespace, user: { username: "system:apiserver", groups: ["system:masters"] }, dryRun: false, warnings: [] }, name);
      const signer = cp.auth.signer;
      return signer.issue({ namespace, name, uid: obj.metadata.uid ?? "", audiences: tokenOpts.audiences ?? [...signer.apiAudiences], expirationSeconds: tokenOpts.expirationSeconds ?? 3600 }).token;
    },
    kubeConfigForToken(token) {
      const tk = new KubeConfig();
      tk.loadFromOptions({
        clusters: [{ name: "kubeforge", server: url, caData: Buffer.from(creds.ca.certPEM).toString("base64") }],
        users: [{ name: "token", token }],
        contexts: [{ name: "kubeforge", cluster: "kubeforge", user: "token" }],
        currentContext: "kubeforge",
      });
      return tk;
    },
    stop: () => cp.stop(),
  };
}

export { ControlPlane };
export type { ControlPlaneOptions };

export interface TestEnvironment {
  controlPlane: RunningControlPlane;
  manager: Manager;
  /** The local webhook serving, when `webhookInstallOptions` were given. */
  webhooks?: LocalWebhooks;
  /** Starts the manager in the background and resolves once its caches have synced and it leads. */
  start(): Promise<void>;
  /** Stops the manager (gracefully) and then the control plane. */
  stop(): Promise<void>;
}

/**
 * A control plane and a manager connected to it, for controller tests:
 *
 *   const env = await startTestEnvironment();
 *   controllerManagedBy(env.manager).for({ apiVersion: "v1", kind: "ConfigMap" }).complete(reconciler);
 *   await env.start();
 *   ...
 *   await env.stop();
 */
export async function startTestEnvironment(
  opts: { controlPlane?: StartOptions; manager?: Omit<ManagerOptions, "kubeConfig">; crdDirectoryPaths?: string[]; webhookInstallOptions?: WebhookInstallOptions } = {},
): Promise<TestEnvironment> {
  const cp = await startControlPlane({ ...opts.controlPlane, ...(opts.crdDirectoryPaths ? { crdDirectoryPaths: opts.crdDirectoryPaths } : {}) });
  const manager = new Manager({ gracefulShutdownTimeout: 5_000, logger: silentLogger, ...opts.manager, kubeConfig: cp.kubeConfig });
  const webhooks = opts.webhookInstallOptions ? await installLocalWebhooks(cp, (await processCredentials()).ca, manager, opts.webhookInstallOptions).catch(async (err: unknown) => {
    await cp.stop();
    throw err;
  }) : undefined;
  const abort = new AbortController();
  let running: Promise<void> | undefined;
  return {
    controlPlane: cp,
    manager,
    ...(webhooks ? { webhooks } : {}),
    async start() {
      webhooks?.beforeStart();
      running ??= manager.start(abort.signal);
      running.catch(() => undefined);
      await Promise.race([manager.elected(), running]);
      await manager.cache.waitForCacheSync(abort.signal);
      if (webhooks) await Promise.race([webhooks.ready(), running]);
    },
    async stop() {
      abort.abort();
      await running?.catch(() => undefined);
      await cp.stop();
    },
  };
}

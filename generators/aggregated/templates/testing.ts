/**
 * This project's aggregated API server against a local control plane, for tests (envtest's counterpart for
 * aggregated APIs): a control plane in-process, the server (in-memory storage, a self-signed serving
 * certificate) delegating authentication and authorization to it, and the Service, Endpoints (127.0.0.1) and
 * APIService of every group-version it serves, registered as "config/apiserver" registers them in a cluster.
 * Resolves once each APIService is Available, so requests through the control plane reach the server.
 *
 *   const env = await startAggregatedTestEnvironment();
 *   await env.client.create({ apiVersion: "<group>/<version>", kind: "<Kind>", ... });
 *   await env.stop();
 */
import { Client, type KubeObject } from "kubeforge";
import { AggregatedAPIServer, MemoryBackend, type ResourceDefinition } from "kubeforge/apiserver";
import { startControlPlane, type RunningControlPlane } from "kubeforge/testing";
import { resources as projectResources } from "./resources.js";

export interface AggregatedTestEnvironment {
  controlPlane: RunningControlPlane;
  server: AggregatedAPIServer;
  /** An admin client of the control plane (requests to the aggregated groups go through its aggregator). */
  client: Client;
  stop(): Promise<void>;
}

export interface AggregatedTestOptions {
  /** The kinds to serve (default: all of src/apiserver/resources.ts). */
  resources?: readonly ResourceDefinition[];
  /** Where the Service lives (default "<%= projectName %>-system"). */
  namespace?: string;
  /** How long to wait for the APIServices to become Available (default 30 s). */
  timeoutMs?: number;
}

const serviceName = "<%= projectName %>-apiserver";

async function createOrKeep(client: Client, obj: KubeObject): Promise<void> {
  try {
    await client.create(obj);
  } catch (err) {
    if ((err as { status?: { reason?: string } }).status?.reason !== "AlreadyExists") throw err;
  }
}

export async function startAggregatedTestEnvironment(opts: AggregatedTestOptions = {}): Promise<AggregatedTestEnvironment> {
  const resources = opts.resources ?? projectResources;
  const namespace = opts.namespace ?? "<%= projectName %>-system";
  const controlPlane = await startControlPlane();
  const client = new Client(controlPlane.kubeConfig);
  const server = new AggregatedAPIServer({
    resources,
    storage: new MemoryBackend(),
    kubeConfig: controlPlane.kubeConfig,
    host: "127.0.0.1",
    // the aggregator verifies the serving certificate for <service>.<namespace>.svc against the caBundle
    alternateDNS: [`${serviceName}.${namespace}.svc`],
    shutdownTimeoutMs: 2_000,
  });
  try {
    const { port } = await server.start();
    await createOrKeep(client, { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
    await createOrKeep(client, { apiVersion: "v1", kind: "Service", metadata: { name: serviceName, namespace }, spec: { ports: [{ name: "https", port: 443, targetPort: port }] } } as KubeObject);
    await createOrKeep(client, { apiVersion: "v1", kind: "Endpoints", metadata: { name: serviceName, namespace }, subsets: [{ addresses: [{ ip: "127.0.0.1" }], ports: [{ name: "https", port }] }] } as KubeObject);
    const caBundle = Buffer.from(server.serving?.caPEM ?? "").toString("base64");
    // one APIService per group-version, as config/apiserver/apiservice_<group>_<version>.yaml
    const groupVersions = new Map(resources.map((r) => [`${r.version}.${r.group}`, { group: r.group, version: r.version }]));
    for (const [name, gv] of groupVersions) {
      await createOrKeep(client, {
        apiVersion: "apiregistration.k8s.io/v1",
        kind: "APIService",
        metadata: { name },
        spec: { ...gv, groupPriorityMinimum: 1000, versionPriority: 15, service: { namespace, name: serviceName, port: 443 }, caBundle },
      } as KubeObject);
    }
    await waitForAvailable(client, [...groupVersions.keys()], opts.timeoutMs ?? 30_000);
  } catch (err) {
    client.close();
    await server.stop().catch(() => undefined);
    await controlPlane.stop();
    throw err;
  }
  return {
    controlPlane,
    server,
    client,
    async stop() {
      client.close();
      await server.stop();
      await controlPlane.stop();
    },
  };
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** Waits until each APIService has condition Available=True (throws with the last condition after `timeoutMs`). */
export async function waitForAvailable(client: Client, names: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    let last: Condition | undefined;
    for (;;) {
      const svc = await client.get<KubeObject & { status?: { conditions?: Condition[] } }>({ apiVersion: "apiregistration.k8s.io/v1", kind: "APIService", name });
      last = svc.status?.conditions?.find((c) => c.type === "Available");
      if (last?.status === "True") break;
      if (Date.now() > deadline) throw new Error(`APIService ${name} is not Available after ${timeoutMs} ms: ${last ? `${last.reason}: ${last.message}` : "no condition yet"}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

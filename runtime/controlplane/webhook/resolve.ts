/**
 * From a webhook's clientConfig to a WebhookEndpoint. A URL is called as written; a service reference is called
 * as `https://<name>.<namespace>.svc:<port><path>` (the name the serving certificate must carry) and connected to
 * one of the Service's endpoints, found like kube-apiserver's endpoint service resolver: the Service port with
 * that number, then the Endpoints port with the same name (webhook servers on this machine use 127.0.0.1).
 */
import { isPlainObject, type KubeObject } from "../../core/object.js";
import type { Storage } from "../../storage/interface.js";
import type { WebhookEndpoint } from "./client.js";

export interface ClientConfig {
  url?: string;
  service?: { namespace: string; name: string; path?: string; port?: number };
  caBundle?: string;
}

/** Resolves a Service port to an address to connect to. */
export interface ServiceResolver {
  resolve(namespace: string, name: string, port: number): Promise<{ host: string; port: number }>;
}

/** The PEM text of a base64 caBundle (undefined when empty: the system roots are trusted). */
export function caBundlePEM(caBundle: string | undefined): string | undefined {
  if (!caBundle) return undefined;
  const pem = Buffer.from(caBundle, "base64").toString("utf8");
  return pem.trim() ? pem : undefined;
}

export function webhookEndpoint(cc: ClientConfig, services: ServiceResolver): WebhookEndpoint {
  const caPEM = caBundlePEM(cc.caBundle);
  if (cc.url !== undefined) {
    const url = new URL(cc.url);
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const port = url.port ? Number(url.port) : 443;
    return { url, display: cc.url, resolve: () => Promise.resolve({ host, port }), ...(caPEM ? { caPEM } : {}) };
  }
  const svc = cc.service;
  if (!svc) throw new Error("webhook clientConfig has neither url nor service");
  const port = svc.port ?? 443;
  const display = `https://${svc.name}.${svc.namespace}.svc:${port}${svc.path ?? ""}`;
  return { url: new URL(display), display, resolve: () => services.resolve(svc.namespace, svc.name, port), ...(caPEM ? { caPEM } : {}) };
}

interface ServicePort {
  name?: string;
  port?: number;
}

interface EndpointSubset {
  addresses?: { ip?: string }[];
  ports?: { name?: string; port?: number }[];
}

/** Service → Endpoints resolution against the control plane's own storage. */
export class EndpointsServiceResolver implements ServiceResolver {
  constructor(
    private readonly services: Storage,
    private readonly endpoints: Storage,
  ) {}

  async resolve(namespace: string, name: string, port: number): Promise<{ host: string; port: number }> {
    const svc: KubeObject | undefined = await this.services.get(`${namespace}/${name}`);
    if (!svc) throw new Error(`service "${name}" not found`);
    const spec = isPlainObject(svc["spec"]) ? svc["spec"] : {};
    const ports = (Array.isArray(spec["ports"]) ? spec["ports"] : []) as ServicePort[];
    const svcPort = ports.find((p) => p.port === port);
    if (!svcPort) throw new Error(`no service port ${port} found for service "${name}"`);
    const eps = await this.endpoints.get(`${namespace}/${name}`);
    if (!eps) throw new Error(`endpoints "${name}" not found`);
    const portName = svcPort.name ?? "";
    for (const ss of (Array.isArray(eps["subsets"]) ? eps["subsets"] : []) as EndpointSubset[]) {
      for (const p of ss.ports ?? []) {
        if ((p.name ?? "") !== portName || p.port === undefined) continue;
        const addrs = (ss.addresses ?? []).filter((a) => a.ip);
        if (addrs.length === 0) continue;
        const pick = addrs[Math.floor(Math.random() * addrs.length)];
        return { host: pick?.ip ?? "", port: p.port };
      }
    }
    throw new Error(`no endpoints available for service "${name}"`);
  }
}

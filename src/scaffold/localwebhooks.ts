/**
 * Webhooks of a project served locally: the generated webhook configurations (config/webhook/manifests.yaml)
 * and CRD conversion patches (config/crd/patches) rewritten to call the manager on 127.0.0.1 with a certificate
 * from the local control plane's CA — no cert-manager, no Service.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import type { KubeObject } from "../../runtime/core/object.js";

interface ClientConfig {
  url?: string;
  service?: { name: string; namespace: string; path?: string; port?: number };
  caBundle?: string;
}

async function docs(file: string): Promise<KubeObject[]> {
  if (!existsSync(file)) return [];
  const out: KubeObject[] = [];
  for (const d of parseAllDocuments(await readFile(file, "utf8"))) {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]?.message.split("\n")[0]}`);
    const obj = d.toJS() as KubeObject | null;
    if (obj?.kind) out.push(obj);
  }
  return out;
}

function local(cc: ClientConfig | undefined, base: string, caBundle: string, fallbackPath: string): ClientConfig {
  return { url: `${base}${cc?.service?.path ?? (cc?.url ? new URL(cc.url).pathname : fallbackPath)}`, caBundle };
}

/** The project's webhook configurations pointing at `base` (https://127.0.0.1:PORT), names prefixed as deploy does. */
export async function localWebhookConfigurations(projectDir: string, prefix: string, base: string, caPEM: string): Promise<KubeObject[]> {
  const caBundle = Buffer.from(caPEM).toString("base64");
  return (await docs(join(projectDir, "config", "webhook", "manifests.yaml")))
    .filter((o) => o.kind === "MutatingWebhookConfiguration" || o.kind === "ValidatingWebhookConfiguration")
    .map((o) => {
      const c = structuredClone(o);
      c.metadata.name = `${prefix}${c.metadata.name ?? ""}`;
      for (const w of (c.webhooks as { clientConfig?: ClientConfig }[] | undefined) ?? []) w.clientConfig = local(w.clientConfig, base, caBundle, "/");
      return c;
    });
}

/** The conversion settings of config/crd/kustomization.yaml's patches, by CRD name, pointing at `base`. */
export async function localConversionPatches(projectDir: string, base: string, caPEM: string): Promise<Map<string, unknown>> {
  const dir = join(projectDir, "config", "crd");
  const out = new Map<string, unknown>();
  const k = existsSync(join(dir, "kustomization.yaml")) ? (parse(await readFile(join(dir, "kustomization.yaml"), "utf8")) as { patches?: { path?: string }[] } | null) : null;
  for (const p of k?.patches ?? []) {
    if (!p.path) continue;
    for (const patch of await docs(join(dir, p.path))) {
      const conv = (patch.spec as { conversion?: { strategy?: string; webhook?: { clientConfig?: ClientConfig; conversionReviewVersions?: string[] } } } | undefined)?.conversion;
      if (patch.kind !== "CustomResourceDefinition" || conv?.strategy !== "Webhook") continue;
      out.set(patch.metadata.name ?? "", {
        strategy: "Webhook",
        webhook: { clientConfig: local(conv.webhook?.clientConfig, base, Buffer.from(caPEM).toString("base64"), "/convert"), conversionReviewVersions: conv.webhook?.conversionReviewVersions ?? ["v1"] },
      });
    }
  }
  return out;
}

/**
 * Registering a kind's webhooks with a manager (controller-runtime's ctrl.NewWebhookManagedBy): paths follow
 * Kubebuilder's convention, /mutate-<group with dashes>-<version>-<lower-case kind> and /validate-..., which
 * the generated webhook configurations point at.
 */
import type { KubeObject } from "../core/object.js";
import { parseApiVersion } from "../core/gvk.js";
import type { Runnable } from "../controller/runnable.js";
import { defaultingHandler, validatingHandler, type Defaulter, type Validator } from "./admission.js";
import type { Converter } from "./conversion.js";
import { WebhookServer, type WebhookServerOptions } from "./server.js";

export interface WebhookManager {
  add(r: Runnable): void;
}

const servers = new WeakMap<WebhookManager, WebhookServer>();
/** Per server: the converters of each group/kind, behind one /convert path (as Kubebuilder's conversion webhook). */
const converters = new WeakMap<WebhookServer, Map<string, Converter>>();

function registerConverter(server: WebhookServer, type: { apiVersion: string; kind: string }, convert: Converter): void {
  let byKind = converters.get(server);
  if (!byKind) {
    const map = new Map<string, Converter>();
    converters.set(server, (byKind = map));
    server.registerConversion("/convert", (obj, desired) => {
      const key = `${parseApiVersion(obj.apiVersion ?? "").group}/${obj.kind ?? ""}`;
      const c = map.get(key);
      if (!c) throw new Error(`no conversion registered for ${key}`);
      return c(obj, desired);
    });
  }
  byKind.set(`${parseApiVersion(type.apiVersion).group}/${type.kind}`, convert);
}

const configured = new WeakMap<WebhookManager, WebhookServerOptions>();

/**
 * Sets the options of the manager's webhook server (port, certificate folder) without creating it: a
 * manager without webhooks then runs no server. Call before registering webhooks.
 */
export function configureWebhookServer(mgr: WebhookManager, options: WebhookServerOptions): void {
  if (servers.has(mgr)) throw new Error("configureWebhookServer: the webhook server already exists; configure it before registering webhooks");
  configured.set(mgr, options);
}

/** The manager's webhook server, created (and added to the manager) on first use. */
export function webhookServerFor(mgr: WebhookManager, options?: WebhookServerOptions): WebhookServer {
  let s = servers.get(mgr);
  if (!s) {
    s = new WebhookServer(options ?? configured.get(mgr) ?? {});
    servers.set(mgr, s);
    mgr.add(s);
  }
  return s;
}

/** Kubebuilder's webhook path for a kind: `/<prefix>-<group with dots as dashes>-<version>-<kind lower-case>`. */
export function webhookPath(prefix: "mutate" | "validate", type: { apiVersion: string; kind: string }): string {
  const { group, version } = parseApiVersion(type.apiVersion);
  return `/${prefix}-${group.replace(/\./g, "-")}-${version}-${type.kind.toLowerCase()}`;
}

export class WebhookBuilder<T extends KubeObject> {
  private defaulter: Defaulter<T> | undefined;
  private validator: Validator<T> | undefined;
  private converter: Converter | undefined;
  private type: { apiVersion: string; kind: string } | undefined;

  constructor(private readonly mgr: WebhookManager) {}

  for(type: { apiVersion: string; kind: string }): this {
    this.type = type;
    return this;
  }

  withDefaulter(d: Defaulter<T>): this {
    this.defaulter = d;
    return this;
  }

  withValidator(v: Validator<T>): this {
    this.validator = v;
    return this;
  }

  /** Serves /convert for this kind's CRD (strategy Webhook). */
  withConverter(c: Converter): this {
    this.converter = c;
    return this;
  }

  complete(): void {
    if (!this.type) throw new Error("webhookManagedBy: call .for({ apiVersion, kind }) first");
    if (!this.defaulter && !this.validator && !this.converter) throw new Error(`webhookManagedBy(${this.type.kind}): nothing to serve; add withDefaulter, withValidator or withConverter`);
    const server = webhookServerFor(this.mgr);
    if (this.defaulter) server.registerAdmission(webhookPath("mutate", this.type), defaultingHandler(this.defaulter));
    if (this.validator) server.registerAdmission(webhookPath("validate", this.type), validatingHandler(this.validator));
    if (this.converter) registerConverter(server, this.type, this.converter);
  }
}

export function webhookManagedBy<T extends KubeObject = KubeObject>(mgr: WebhookManager): WebhookBuilder<T> {
  return new WebhookBuilder<T>(mgr);
}

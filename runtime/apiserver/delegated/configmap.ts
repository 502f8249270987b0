/**
 * The cluster's authentication configuration for extension API servers: the `kube-system/extension-apiserver-
 * authentication` ConfigMap that the core API server publishes (dynamiccertificates.ConfigMapCAController +
 * headerrequest.RequestHeaderAuthRequestController), read through the delegation kubeconfig and followed with
 * a watch, so that a rotated CA or changed allowed names apply without a restart.
 *
 * Keys: `client-ca-file` and `requestheader-client-ca-file` (PEM bundles); `requestheader-allowed-names`,
 * `requestheader-username-headers`, `requestheader-uid-headers`, `requestheader-group-headers` and
 * `requestheader-extra-headers-prefix` (JSON arrays of strings; absent = empty).
 *
 * Updates, as upstream: the client CA, the request-header CA and the header lists are three parts, each
 * replaced only by a valid new value — a missing or unparsable value keeps the previous one (and is
 * reported); a deleted ConfigMap keeps everything. Each change publishes a new immutable snapshot.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { isNotFound } from "../../core/errors.js";
import { isPlainObject, type KubeObject } from "../../core/object.js";
import { isForbidden, isGone } from "../../client/errors.js";
import { Transport } from "../../client/transport.js";
import { watchEvents } from "../../client/watch.js";
import type { RequestHeaderConfig } from "./requestheader.js";
import { CABundle } from "./x509.js";

export const authenticationConfigMapNamespace = "kube-system";
export const authenticationConfigMapName = "extension-apiserver-authentication";
/** The Role that grants reading it (bound by `config/rbac` of an aggregated server: the auth-reader binding). */
export const authenticationReaderRole = "extension-apiserver-authentication-reader";

export const configMapKeys = {
  clientCA: "client-ca-file",
  requestHeaderClientCA: "requestheader-client-ca-file",
  allowedNames: "requestheader-allowed-names",
  usernameHeaders: "requestheader-username-headers",
  uidHeaders: "requestheader-uid-headers",
  groupHeaders: "requestheader-group-headers",
  extraHeaderPrefixes: "requestheader-extra-headers-prefix",
} as const;

type HeaderLists = Omit<RequestHeaderConfig, "clientCA">;

const emptyHeaders: HeaderLists = { allowedNames: [], usernameHeaders: [], uidHeaders: [], groupHeaders: [], extraHeaderPrefixes: [] };

function deserializeStrings(key: string, value: string | undefined): string[] {
  if (!value) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new Error(`${key}: ${(err as Error).message}`);
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed) || !parsed.every((s): s is string => typeof s === "string")) {
    throw new Error(`${key}: json: cannot unmarshal ${Array.isArray(parsed) ? "array element" : typeof parsed} into Go value of type []string`);
  }
  return parsed;
}

/** The header lists of the ConfigMap's data; throws for a value that is not a JSON string array. */
export function parseHeaderLists(data: Readonly<Record<string, string>>): HeaderLists {
  return {
    allowedNames: deserializeStrings(configMapKeys.allowedNames, data[configMapKeys.allowedNames]),
    usernameHeaders: deserializeStrings(configMapKeys.usernameHeaders, data[configMapKeys.usernameHeaders]),
    uidHeaders: deserializeStrings(configMapKeys.uidHeaders, data[configMapKeys.uidHeaders]),
    groupHeaders: deserializeStrings(configMapKeys.groupHeaders, data[configMapKeys.groupHeaders]),
    extraHeaderPrefixes: deserializeStrings(configMapKeys.extraHeaderPrefixes, data[configMapKeys.extraHeaderPrefixes]),
  };
}

function parseCA(name: string, pem: string | undefined): CABundle {
  if (!pem) throw new Error(`missing content for CA bundle ${JSON.stringify(name)}`);
  try {
    return CABundle.parse(pem);
  } catch (err) {
    throw new Error(`CA bundle ${JSON.stringify(name)}: ${(err as Error).message}`);
  }
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

function sameHeaders(a: HeaderLists, b: HeaderLists): boolean {
  return (
    sameList(a.allowedNames, b.allowedNames) &&
    sameList(a.usernameHeaders, b.usernameHeaders) &&
    sameList(a.uidHeaders, b.uidHeaders) &&
    sameList(a.groupHeaders, b.groupHeaders) &&
    sameList(a.extraHeaderPrefixes, b.extraHeaderPrefixes)
  );
}

export interface AuthenticationConfigMapOptions {
  /** Default kube-system (upstream's fixed location; other values are for tests). */
  namespace?: string;
  /** Default extension-apiserver-authentication. */
  name?: string;
  /** Background failures (a watch that fails, an invalid value); default process.emitWarning. */
  onError?: (err: Error) => void;
}

/** The ConfigMap's content, loaded once (`runOnce`) and then followed (`start`). */
export class AuthenticationConfigMap {
  readonly namespace: string;
  readonly name: string;
  private readonly transport: Transport;
  private readonly onError: (err: Error) => void;
  private clientCABundle: CABundle | undefined;
  private requestHeaderCA: CABundle | undefined;
  private headers: HeaderLists = emptyHeaders;
  private snapshot: RequestHeaderConfig = { clientCA: undefined, ...emptyHeaders };
  private readonly listeners = new Set<() => void>();
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private hasSynced = false;

  constructor(kubeConfig: KubeConfig, opts: AuthenticationConfigMapOptions = {}) {
    this.namespace = opts.namespace ?? authenticationConfigMapNamespace;
    this.name = opts.name ?? authenticationConfigMapName;
    this.transport = new Transport(kubeConfig, { qps: 200, burst: 400, userAgent: "kubeforge-delegated-auth" });
    let last = "";
    this.onError =
      opts.onError ??
      ((err) => {
        if (err.message === last) return;
        last = err.message;
        process.emitWarning(`kubeforge delegated authentication: configmap/${this.name} in ${this.namespace}: ${err.message}`);
      });
  }

  /** The `client-ca-file` bundle (undefined until one was loaded). */
  clientCA(): CABundle | undefined {
    return this.clientCABundle;
  }

  /** The request-header configuration (clientCA undefined until `requestheader-client-ca-file` was loaded). */
  requestHeader(): RequestHeaderConfig {
    return this.snapshot;
  }

  /** True once the ConfigMap was read (found or not) after `start`. */
  get synced(): boolean {
    return this.hasSynced;
  }

  /** Calls `fn` after each change of a CA bundle or of the header lists. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private path(): string {
    return `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/configmaps`;
  }

  /**
   * Reads the ConfigMap once (RunOnce). Not found: nothing is configured yet (not an error). Forbidden or any
   * other failure: throws, with upstream's hint about the reader Role for a 403; the invalid values of a
   * found ConfigMap throw as well.
   */
  async runOnce(): Promise<void> {
    let cm: KubeObject;
    try {
      cm = await this.transport.requestJSON<KubeObject>({ method: "GET", path: `${this.path()}/${encodeURIComponent(this.name)}`, timeoutMs: 10_000 });
    } catch (err) {
      if (isNotFound(err)) return;
      if (isForbidden(err)) {
        throw new Error(
          `unable to get configmap/${this.name} in ${this.namespace}. Usually fixed by 'kubectl create rolebinding -n ${this.namespace} ROLEBINDING_NAME --role=${authenticationReaderRole} --serviceaccount=YOUR_NS:YOUR_SA': ${(err as Error).message}`,
          { cause: err },
        );
      }
      throw err;
    }
    const errs = this.apply(cm);
    if (errs.length > 0) throw errs[0];
  }

  /** Applies a ConfigMap; returns the errors of the parts it kept. */
  private apply(cm: KubeObject): Error[] {
    const data: Record<string, string> = {};
    if (isPlainObject(cm.data)) for (const [k, v] of Object.entries(cm.data)) if (typeof v === "string") data[k] = v;
    const errs: Error[] = [];
    let changed = false;
    try {
      const ca = parseCA("client-ca", data[configMapKeys.clientCA]);
      if (!ca.sameAs(this.clientCABundle)) {
        this.clientCABundle = ca;
        changed = true;
      }
    } catch (err) {
      errs.push(err as Error);
    }
    try {
      const ca = parseCA("request-header", data[configMapKeys.requestHeaderClientCA]);
      if (!ca.sameAs(this.requestHeaderCA)) {
        this.requestHeaderCA = ca;
        changed = true;
      }
    } catch (err) {
      errs.push(err as Error);
    }
    try {
      const h = parseHeaderLists(data);
      if (!sameHeaders(h, this.headers)) {
        this.headers = h;
        changed = true;
      }
    } catch (err) {
      errs.push(err as Error);
    }
    if (changed) {
      this.snapshot = Object.freeze({ clientCA: this.requestHeaderCA, ...this.headers });
      for (const fn of this.listeners) {
        try {
          fn();
        } catch (err) {
          this.onError(err as Error);
        }
      }
    }
    return errs;
  }

  /** Follows the ConfigMap (list, then watch from the list's resourceVersion; relist on 410; retry on errors). */
  start(): void {
    if (this.running) return;
    this.abort = new AbortController();
    this.running = this.run(this.abort.signal);
  }

  /** Resolves once the first list after `start` completed (or `stop` was called). */
  async waitForSync(timeoutMs = 30_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.hasSynced && this.running && !this.abort?.signal.aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.hasSynced;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const fieldSelector = `metadata.name=${this.name}`;
    let delay = 500;
    while (!signal.aborted) {
      try {
        const list = await this.transport.requestJSON<{ metadata?: { resourceVersion?: string }; items?: KubeObject[] }>({
          method: "GET",
          path: this.path(),
          query: new URLSearchParams({ fieldSelector }),
          signal,
        });
        const item = list.items?.find((i) => i.metadata.name === this.name);
        if (item) for (const e of this.apply(item)) this.onError(e);
        this.hasSynced = true;
        delay = 500;
        let rv = list.metadata?.resourceVersion ?? "";
        while (!signal.aborted) {
          const query = new URLSearchParams({ fieldSelector, watch: "true", allowWatchBookmarks: "true", timeoutSeconds: String(300 + Math.floor(Math.random() * 300)) });
          if (rv) query.set("resourceVersion", rv);
          for await (const ev of watchEvents(() => this.transport.stream({ method: "GET", path: this.path(), query, signal }), { signal })) {
            rv = ev.object.metadata.resourceVersion ?? rv;
            if (ev.type === "ADDED" || ev.type === "MODIFIED") for (const e of this.apply(ev.object)) this.onError(e);
          }
        }
      } catch (err) {
        if (signal.aborted) return;
        if (isGone(err)) continue;
        this.onError(err instanceof Error ? err : new Error(String(err)));
        await new Promise<void>((resolve) => {
          const done = (): void => {
            clearTimeout(t);
            signal.removeEventListener("abort", done);
            resolve();
          };
          const t = setTimeout(done, delay * (1 + Math.random() * 0.5));
          signal.addEventListener("abort", done, { once: true });
        });
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }

  /** Stops following and closes the connections. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.running?.catch(() => undefined);
    this.running = undefined;
    this.transport.close();
  }
}

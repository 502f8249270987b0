/**
 * Delegated authentication of an extension (aggregated) API server, as k8s.io/apiserver's
 * DelegatingAuthenticationOptions + authenticatorfactory.DelegatingAuthenticatorConfig build it:
 *
 *   1. front proxy: X-Remote-* headers, trusted only from a client certificate of the request-header CA with
 *      an allowed CN (requestheader.ts);
 *   2. client certificates of the client CA: CN → user, O → groups (clientcert.ts);
 *   3. bearer tokens (header or WebSocket subprotocol) checked by TokenReview, cached (tokenreview.ts);
 *   then `system:authenticated` is added, and — only when none of them applied — the request is anonymous
 *   (system:anonymous, system:unauthenticated), if allowed. A rejected credential is a 401 `Unauthorized`.
 *
 * Configuration sources (upstream's ApplyTo): an explicit `clientCA` replaces the ConfigMap's `client-ca-file`;
 * an explicit `requestHeader` (with its CA) replaces every `requestheader-*` key; whatever is not explicit is
 * read from kube-system/extension-apiserver-authentication through the kubeconfig and followed (configmap.ts),
 * unless `skipInClusterLookup`. A failed lookup of the request-header configuration fails `start` unless
 * `tolerateInClusterLookupFailure` (then front-proxy authentication stays off, as upstream).
 *
 * After a request is authenticated, its `Authorization` header and the request-header headers are removed, so
 * nothing behind the filter can read or forward them.
 */
import type { IncomingMessage } from "node:http";
import type { KubeConfig } from "@kubernetes/client-node";
import type { UserInfo } from "../admission/types.js";
import {
  anonymousAuthenticator,
  authenticatedGroupAdder,
  unionAuthenticator,
  userOrUnauthorized,
  withFallback,
  type AnonymousOptions,
  type RequestAuthenticator,
} from "./authenticator.js";
import { bearerTokenAuthenticator, webSocketProtocolAuthenticator } from "./bearertoken.js";
import { clientCertificateAuthenticator } from "./clientcert.js";
import { AuthenticationConfigMap, type AuthenticationConfigMapOptions } from "./configmap.js";
import { delegationKubeConfig } from "./kubeconfig.js";
import { clearAuthenticationHeaders, requestHeaderAuthenticator, type RequestHeaderConfig } from "./requestheader.js";
import { KubeReviewClient, type RetryBackoff } from "./review.js";
import { cachedTokenAuthenticator, tokenReviewAuthenticator } from "./tokenreview.js";
import { CABundle } from "./x509.js";

/** Explicit front-proxy configuration (the --requestheader-* flags). */
export interface RequestHeaderOptions {
  /** PEM bundle the front proxy's client certificate must chain to (--requestheader-client-ca-file). */
  clientCA: string;
  /** CNs allowed to assert users (--requestheader-allowed-names); default empty = any CN `clientCA` signed. */
  allowedNames?: readonly string[];
  /** Default ["x-remote-user"]. */
  usernameHeaders?: readonly string[];
  /** Default none (X-Remote-Uid is the suggested value). */
  uidHeaders?: readonly string[];
  /** Default ["x-remote-group"]. */
  groupHeaders?: readonly string[];
  /** Default ["x-remote-extra-"]. */
  extraHeaderPrefixes?: readonly string[];
}

export interface DelegatingAuthenticationOptions {
  /**
   * The core API server (--authentication-kubeconfig): TokenReviews and the ConfigMap lookup. Default: the
   * in-cluster service account; an error when not in a cluster, unless `kubeConfigOptional`.
   */
  kubeConfig?: KubeConfig;
  /** Without a kubeconfig, run without token review and cluster lookup (RemoteKubeConfigFileOptional). */
  kubeConfigOptional?: boolean;
  /** PEM bundle of client certificate signers (--client-ca-file); default: the ConfigMap's client-ca-file. */
  clientCA?: string;
  /** Front-proxy configuration; default: the ConfigMap's requestheader-* keys. */
  requestHeader?: RequestHeaderOptions;
  /** Do not read the ConfigMap for what is not given explicitly (--authentication-skip-lookup). */
  skipInClusterLookup?: boolean;
  /** A failed ConfigMap lookup is not fatal (--authentication-tolerate-lookup-failure). */
  tolerateInClusterLookupFailure?: boolean;
  /** TTL of token review answers (ms); default 10000 (--authentication-token-webhook-cache-ttl). */
  tokenCacheTTLMs?: number;
  /** TTL of tokens rejected without an error message (ms); default tokenCacheTTLMs, as upstream. */
  tokenFailureCacheTTLMs?: number;
  /** Audiences tokens must be for (sent in the TokenReview); default none (the core server's own). */
  audiences?: readonly string[];
  /** Anonymous requests (default true); `{ paths }` allows them on those paths only; false: a 401. */
  anonymous?: boolean | AnonymousOptions;
  /** Bound on one TokenReview, retries included (ms); default 10000. */
  tokenReviewTimeoutMs?: number;
  /** Retries of failed TokenReviews; default 500 ms × 1.5, jitter 0.2, 5 attempts. */
  retryBackoff?: RetryBackoff;
  /** Where the ConfigMap is and how its background failures are reported. */
  configMap?: AuthenticationConfigMapOptions;
  /** Why a request was rejected with 401 (upstream logs it); default: not reported. */
  onAuthenticationError?: (err: Error, req: IncomingMessage) => void;
}

const defaultUsernameHeaders = ["x-remote-user"];
const defaultGroupHeaders = ["x-remote-group"];
const defaultExtraHeaderPrefixes = ["x-remote-extra-"];

function trimHeaders(flag: string, names: readonly string[]): string[] {
  return names.map((n) => {
    const t = n.trim();
    if (!t) throw new Error(`empty value in ${JSON.stringify(flag)}`);
    return t;
  });
}

function requestHeaderFromOptions(o: RequestHeaderOptions): RequestHeaderConfig {
  let clientCA: CABundle;
  try {
    clientCA = CABundle.parse(o.clientCA);
  } catch (err) {
    throw new Error(`unable to create request header authentication config: ${(err as Error).message}`, { cause: err });
  }
  return Object.freeze({
    clientCA,
    allowedNames: trimHeaders("requestheader-allowed-names", o.allowedNames ?? []),
    usernameHeaders: trimHeaders("requestheader-username-headers", o.usernameHeaders ?? defaultUsernameHeaders),
    uidHeaders: trimHeaders("requestheader-uid-headers", o.uidHeaders ?? []),
    groupHeaders: trimHeaders("requestheader-group-headers", o.groupHeaders ?? defaultGroupHeaders),
    extraHeaderPrefixes: trimHeaders("requestheader-extra-headers-prefix", o.extraHeaderPrefixes ?? defaultExtraHeaderPrefixes),
  });
}

/** The delegated authenticator; call `start` before serving, `stop` when done. */
export class DelegatingAuthenticator {
  private readonly staticClientCA: CABundle | undefined;
  private readonly staticRequestHeader: RequestHeaderConfig | undefined;
  private chain: RequestAuthenticator | undefined;
  private configMap: AuthenticationConfigMap | undefined;
  private reviews: KubeReviewClient | undefined;
  private requestHeaderSource: (() => RequestHeaderConfig | undefined) | undefined;
  private clientCASource: (() => CABundle | undefined) | undefined;
  private readonly changeListeners = new Set<() => void>();
  private starting: Promise<void> | undefined;

  constructor(private readonly opts: DelegatingAuthenticationOptions = {}) {
    if (opts.clientCA !== undefined) {
      try {
        this.staticClientCA = CABundle.parse(opts.clientCA);
      } catch (err) {
        throw new Error(`unable to load client CA provider: ${(err as Error).message}`, { cause: err });
      }
    }
    if (opts.requestHeader) this.staticRequestHeader = requestHeaderFromOptions(opts.requestHeader);
  }

  /** Resolves the kubeconfig, reads the ConfigMap once, starts following it and builds the chain. Idempotent. */
  start(): Promise<void> {
    this.starting ??= this.doStart().catch((err: unknown) => {
      this.starting = undefined;
      throw err;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const o = this.opts;
    const kc = await delegationKubeConfig(o.kubeConfig, o.kubeConfigOptional ?? false, "authentication");
    const lookup = !!kc && !o.skipInClusterLookup;
    if (lookup && kc && (!this.staticClientCA || !this.staticRequestHeader)) {
      const cm = new AuthenticationConfigMap(kc, o.configMap);
      let lookupFailed = false;
      try {
        await cm.runOnce();
      } catch (err) {
        // upstream: the client CA controller ignores its first failure; the request-header one is fatal
        // unless tolerated, and then front-proxy authentication stays off
        if (!this.staticRequestHeader) {
          if (!o.tolerateInClusterLookupFailure) {
            await cm.stop();
            throw new Error(`unable to load configmap based request-header-client-ca-file: ${(err as Error).message}`, { cause: err });
          }
          lookupFailed = true;
          const warning = new Error(
            `error looking up in-cluster authentication configuration: ${(err as Error).message}. Continuing without authentication configuration. This may treat all requests as anonymous.`,
            { cause: err },
          );
          if (o.configMap?.onError) o.configMap.onError(warning);
          else process.emitWarning(`kubeforge delegated authentication: ${warning.message}`);
        }
      }
      cm.onChange(() => this.notifyChange());
      cm.start();
      this.configMap = cm;
      if (!this.staticClientCA) this.clientCASource = () => cm.clientCA();
      if (!this.staticRequestHeader && !lookupFailed) this.requestHeaderSource = () => cm.requestHeader();
    }
    if (this.staticClientCA) {
      const ca = this.staticClientCA;
      this.clientCASource = () => ca;
    }
    if (this.staticRequestHeader) {
      const rh = this.staticRequestHeader;
      this.requestHeaderSource = () => rh;
    }

    const authenticators: RequestAuthenticator[] = [];
    if (this.requestHeaderSource) authenticators.push(requestHeaderAuthenticator(this.requestHeaderSource));
    if (this.clientCASource) authenticators.push(clientCertificateAuthenticator(this.clientCASource));
    if (kc) {
      this.reviews = new KubeReviewClient(kc, { timeoutMs: o.tokenReviewTimeoutMs ?? 10_000, ...(o.retryBackoff ? { retryBackoff: o.retryBackoff } : {}) });
      const audiences = o.audiences ?? [];
      const tokens = cachedTokenAuthenticator(tokenReviewAuthenticator(this.reviews, audiences), {
        successTTLMs: o.tokenCacheTTLMs ?? 10_000,
        failureTTLMs: o.tokenFailureCacheTTLMs ?? o.tokenCacheTTLMs ?? 10_000,
        audiences,
      });
      authenticators.push(bearerTokenAuthenticator(tokens), webSocketProtocolAuthenticator(tokens));
    }
    const anonymous = o.anonymous ?? true;
    const anon = anonymous === false ? undefined : anonymousAuthenticator(anonymous === true ? {} : anonymous);
    if (authenticators.length === 0) {
      if (!anon) throw new Error("no authentication method configured");
      this.chain = anon;
      return;
    }
    const chain = authenticatedGroupAdder(unionAuthenticator(authenticators));
    this.chain = anon ? withFallback(chain, anon) : chain;
  }

  private notifyChange(): void {
    for (const fn of this.changeListeners) fn();
  }

  /**
   * The user of a request (for `APIServer`'s `authenticate`): throws the 401 Status when a credential is
   * rejected, or when nothing applies and anonymous requests are off.
   */
  async authenticate(req: IncomingMessage): Promise<UserInfo> {
    const chain = this.chain;
    if (!chain) throw new Error("DelegatingAuthenticator.start has not completed");
    const report = this.opts.onAuthenticationError;
    const user = await userOrUnauthorized(chain, req, report ? (err) => report(err, req) : undefined);
    if (req.headers.authorization !== undefined) {
      delete req.headers.authorization;
      const raw = req.rawHeaders;
      for (let i = raw.length - 2; i >= 0; i -= 2) if ((raw[i] ?? "").toLowerCase() === "authorization") raw.splice(i, 2);
    }
    clearAuthenticationHeaders(req, this.requestHeaderSource?.());
    return user;
  }

  /** The CA bundles client certificates are checked against now (client CA, request-header CA), as PEM. */
  clientCAs(): string[] {
    const out: string[] = [];
    const ca = this.clientCASource?.();
    if (ca) out.push(ca.pem);
    const rh = this.requestHeaderSource?.()?.clientCA;
    if (rh) out.push(rh.pem);
    return out;
  }

  /** The request-header configuration in effect (undefined: front-proxy authentication is off). */
  requestHeaderConfig(): RequestHeaderConfig | undefined {
    return this.requestHeaderSource?.();
  }

  /** Calls `fn` when a CA bundle or the request-header configuration read from the ConfigMap changes. */
  onConfigChange(fn: () => void): () => void {
    this.changeListeners.add(fn);
    return () => this.changeListeners.delete(fn);
  }

  /** Readiness: undefined once started (and, when the ConfigMap is followed, once it was listed). */
  notReadyReason(): string | undefined {
    if (!this.chain) return "authentication not started";
    if (this.configMap && !this.configMap.synced) return `configmap ${this.configMap.namespace}/${this.configMap.name} not synced`;
    return undefined;
  }

  /** Waits (up to `timeoutMs`) for the ConfigMap's first list, when it is followed. */
  async waitForSync(timeoutMs = 30_000): Promise<boolean> {
    return this.configMap ? this.configMap.waitForSync(timeoutMs) : true;
  }

  /** Stops following the ConfigMap and closes connections to the core server. */
  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    await this.configMap?.stop();
    this.reviews?.close();
  }
}

/**
 * Delegated authorization of an extension (aggregated) API server, as k8s.io/apiserver's
 * DelegatingAuthorizationOptions builds it: a union of
 *
 *   1. members of `alwaysAllowGroups` (default system:masters, which the core server allows anyway);
 *   2. `alwaysAllowPaths` (default /healthz, /readyz, /livez — so kubelet probes need no review);
 *   3. a SubjectAccessReview to the core API server for everything else, cached (subjectaccessreview.ts).
 *
 * No opinion from all of them is a 403 worded like upstream (`User "x" cannot list resource "flunders" in API
 * group "wardle.example.com" in the namespace "default"`, plus `: <reason>` when the review gave one); a review
 * that could not be made is a 500.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import type { AuthorizationAttributes, Authorize } from "../authorization.js";
import { pathAuthorizer, privilegedGroupsAuthorizer, toAuthorize, unionAuthorizer, type Authorizer, type AuthorizerResult } from "./authorizer.js";
import { delegationKubeConfig } from "./kubeconfig.js";
import { KubeReviewClient, type RetryBackoff } from "./review.js";
import { subjectAccessReviewAuthorizer } from "./subjectaccessreview.js";

export interface DelegatingAuthorizationOptions {
  /**
   * The core API server (--authorization-kubeconfig). Default: the in-cluster service account; an error when
   * not in a cluster, unless `kubeConfigOptional` (then only the groups and paths below are allowed).
   */
  kubeConfig?: KubeConfig;
  kubeConfigOptional?: boolean;
  /** Cache TTL of allowed answers (ms); default 10000 (--authorization-webhook-cache-authorized-ttl). */
  allowCacheTTLMs?: number;
  /** Cache TTL of denied answers (ms); default 10000 (--authorization-webhook-cache-unauthorized-ttl). */
  denyCacheTTLMs?: number;
  /** Paths allowed without review (--authorization-always-allow-paths); default ["/healthz", "/readyz", "/livez"]. */
  alwaysAllowPaths?: readonly string[];
  /** Groups allowed everything without review; default ["system:masters"]. */
  alwaysAllowGroups?: readonly string[];
  /** Bound on one SubjectAccessReview, retries included (ms); default 10000. */
  timeoutMs?: number;
  retryBackoff?: RetryBackoff;
}

export const defaultAlwaysAllowPaths: readonly string[] = ["/healthz", "/readyz", "/livez"];
export const defaultAlwaysAllowGroups: readonly string[] = ["system:masters"];

/** The delegated authorizer; call `start` before serving, `stop` when done. */
export class DelegatingAuthorizer implements Authorizer {
  private chain: Authorizer | undefined;
  private reviews: KubeReviewClient | undefined;
  private starting: Promise<void> | undefined;
  /** `APIServer`'s `authorize` option. */
  readonly authorizeRequest: Authorize = toAuthorize(this);

  constructor(private readonly opts: DelegatingAuthorizationOptions = {}) {
    // validate the paths now: a bad pattern is a configuration error
    pathAuthorizer(opts.alwaysAllowPaths ?? defaultAlwaysAllowPaths);
  }

  start(): Promise<void> {
    this.starting ??= this.doStart().catch((err: unknown) => {
      this.starting = undefined;
      throw err;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const o = this.opts;
    const authorizers: Authorizer[] = [];
    const groups = o.alwaysAllowGroups ?? defaultAlwaysAllowGroups;
    if (groups.length > 0) authorizers.push(privilegedGroupsAuthorizer(groups));
    const paths = o.alwaysAllowPaths ?? defaultAlwaysAllowPaths;
    if (paths.length > 0) authorizers.push(pathAuthorizer(paths));
    const kc = await delegationKubeConfig(o.kubeConfig, o.kubeConfigOptional ?? false, "authorization");
    if (kc) {
      this.reviews = new KubeReviewClient(kc, { timeoutMs: o.timeoutMs ?? 10_000, ...(o.retryBackoff ? { retryBackoff: o.retryBackoff } : {}) });
      authorizers.push(
        subjectAccessReviewAuthorizer(this.reviews, {
          ...(o.allowCacheTTLMs !== undefined ? { allowTTLMs: o.allowCacheTTLMs } : {}),
          ...(o.denyCacheTTLMs !== undefined ? { denyTTLMs: o.denyCacheTTLMs } : {}),
        }),
      );
    } else {
      process.emitWarning("kubeforge delegated authorization: no authorization kubeconfig, so SubjectAccessReview of requests won't work");
    }
    this.chain = unionAuthorizer(authorizers);
  }

  async authorize(attrs: AuthorizationAttributes): Promise<AuthorizerResult> {
    if (!this.chain) return { decision: "NoOpinion", reason: "", error: new Error("DelegatingAuthorizer.start has not completed") };
    return this.chain.authorize(attrs);
  }

  notReadyReason(): string | undefined {
    return this.chain ? undefined : "authorization not started";
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    this.reviews?.close();
  }
}

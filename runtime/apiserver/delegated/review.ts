/**
 * The client of the core API server that delegated authentication and authorization post their reviews to
 * (TokenReview, SubjectAccessReview), with upstream's webhook retry rules (util/webhook.WithExponentialBackoff
 * and DefaultShouldRetry): a reset connection, 500 InternalError, 504 Timeout, 429, or any response with
 * Retry-After is retried with exponential backoff; everything else fails at once. The whole exchange,
 * retries included, is bounded by a timeout (upstream's 10 s).
 *
 * It uses the project's client transport over a @kubernetes/client-node KubeConfig (keep-alive sockets,
 * every credential kind a kubeconfig can hold), with upstream's rate limits for this client (200 qps, burst 400).
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { StatusError } from "../../core/errors.js";
import { isPlainObject } from "../../core/object.js";
import { ApiError, TransportError } from "../../client/errors.js";
import { Transport } from "../../client/transport.js";

/** Exponential backoff of retried reviews (wait.Backoff). */
export interface RetryBackoff {
  /** First delay (ms). */
  initialMs: number;
  factor: number;
  /** Each delay is lengthened by up to this fraction, at random. */
  jitter: number;
  /** Attempts in all (≥ 1). */
  steps: number;
}

/** DefaultAuthWebhookRetryBackoff: 500 ms × 1.5, jitter 0.2, 5 attempts. */
export const defaultRetryBackoff: RetryBackoff = { initialMs: 500, factor: 1.5, jitter: 0.2, steps: 5 };

/** Posts a review object and returns the server's answer (the review with its status). */
export interface ReviewClient {
  create(path: string, review: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export interface KubeReviewClientOptions {
  /** Bound on one review, retries included (ms). Default 10000. */
  timeoutMs?: number;
  retryBackoff?: RetryBackoff;
}

/** Whether a failed review is worth retrying (webhook.DefaultShouldRetry). */
export function shouldRetryReview(err: unknown): boolean {
  if (err instanceof TransportError) {
    const code = (err.cause as NodeJS.ErrnoException | undefined)?.code;
    return code === "ECONNRESET" || code === "EPIPE";
  }
  if (err instanceof ApiError && err.retryAfterSeconds !== undefined) return true;
  if (err instanceof StatusError) return err.reason === "InternalError" || err.reason === "Timeout" || err.reason === "TooManyRequests" || err.code === 429;
  return false;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal.reason);
    };
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** A ReviewClient over a kubeconfig (the `--authentication-kubeconfig` / `--authorization-kubeconfig`). */
export class KubeReviewClient implements ReviewClient {
  private readonly transport: Transport;
  private readonly timeoutMs: number;
  private readonly backoff: RetryBackoff;

  constructor(kubeConfig: KubeConfig, opts: KubeReviewClientOptions = {}) {
    this.transport = new Transport(kubeConfig, { qps: 200, burst: 400, maxRetries: 0, userAgent: "kubeforge-delegated-auth" });
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.backoff = opts.retryBackoff ?? defaultRetryBackoff;
    if (!(this.backoff.steps >= 1)) throw new RangeError(`number of webhook retry attempts must be greater than 1, but is: ${this.backoff.steps}`);
  }

  async create(path: string, review: Record<string, unknown>): Promise<Record<string, unknown>> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    let delay = this.backoff.initialMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const out = await this.transport.requestJSON<unknown>({ method: "POST", path, body: review, signal });
        if (!isPlainObject(out)) throw new Error(`${path}: the server answered with something other than an object`);
        return out;
      } catch (err) {
        if (signal.aborted) throw new Error(`${path}: no answer within ${this.timeoutMs} ms (context deadline exceeded)`, { cause: err });
        if (attempt >= this.backoff.steps || !shouldRetryReview(err)) throw err;
      }
      await sleep(delay * (1 + Math.random() * this.backoff.jitter), signal).catch((err: unknown) => {
        throw new Error(`${path}: no answer within ${this.timeoutMs} ms (context deadline exceeded)`, { cause: err });
      });
      delay *= this.backoff.factor;
    }
  }

  /** Closes the keep-alive sockets. */
  close(): void {
    this.transport.close();
  }
}

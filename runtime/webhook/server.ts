/**
 * The webhook server (controller-runtime's webhook.Server): HTTPS on port 9443 with the certificate from
 * `certDir` (tls.crt / tls.key, as cert-manager or `kubeforge run` writes them) or given PEMs, serving
 * AdmissionReview and ConversionReview handlers by path. A manager runnable that runs on every replica.
 */
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import type { Runnable, LeaderElectionRunnable } from "../controller/runnable.js";
import type { AdmissionHandler } from "./admission.js";
import { convertReview, type Converter } from "./conversion.js";
import type { AdmissionReview, ConversionReview } from "./types.js";

export interface WebhookServerOptions {
  /** Interface to listen on (default "" = all). */
  host?: string;
  /** Default 9443; 0 picks a free port. */
  port?: number;
  /** Folder with the serving certificate (default <tmp>/k8s-webhook-server/serving-certs). */
  certDir?: string;
  certName?: string;
  keyName?: string;
  /** Certificate and key as PEM (instead of certDir). */
  tls?: { certPEM: string; keyPEM: string };
}

const maxBody = 7 * 1024 * 1024;

type Handler = (body: unknown) => Promise<unknown>;

export class WebhookServer implements Runnable, LeaderElectionRunnable {
  private readonly handlers = new Map<string, Handler>();
  private server: Server | undefined;
  private resolveListening!: (a: AddressInfo) => void;
  private readonly listeningPromise = new Promise<AddressInfo>((r) => (this.resolveListening = r));

  constructor(readonly options: WebhookServerOptions = {}) {}

  needLeaderElection(): boolean {
    return false;
  }

  /** Serves an admission handler at `path` (e.g. /mutate-webapp-example-com-v1-guestbook). */
  registerAdmission(path: string, handler: AdmissionHandler): void {
    this.register(path, async (body) => {
      const review = body as AdmissionReview;
      if (review?.kind !== "AdmissionReview" || !review.request) throw new BadRequest("expected an admission.k8s.io/v1 AdmissionReview with a request");
      const response = await handler(review.request);
      return { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response } satisfies AdmissionReview;
    });
  }

  /** Serves a conversion webhook at `path` (Kubebuilder uses /convert). */
  registerConversion(path: string, convert: Converter): void {
    this.register(path, async (body) => {
      const review = body as ConversionReview;
      if (review?.kind !== "ConversionReview" || !review.request) throw new BadRequest("expected an apiextensions.k8s.io/v1 ConversionReview with a request");
      return convertReview(review, convert);
    });
  }

  private register(path: string, handler: Handler): void {
    if (this.handlers.has(path)) throw new Error(`webhook path ${path} is registered twice`);
    this.handlers.set(path, handler);
  }

  /** Resolves with the bound address once listening. */
  listening(): Promise<AddressInfo> {
    return this.listeningPromise;
  }

  private async credentials(): Promise<{ cert: string; key: string }> {
    if (this.options.tls) return { cert: this.options.tls.certPEM, key: this.options.tls.keyPEM };
    const dir = this.options.certDir ?? join(tmpdir(), "k8s-webhook-server", "serving-certs");
    const certFile = join(dir, this.options.certName ?? "tls.crt");
    const keyFile = join(dir, this.options.keyName ?? "tls.key");
    try {
      return { cert: await readFile(certFile, "utf8"), key: await readFile(keyFile, "utf8") };
    } catch {
      throw new Error(`webhook server: no serving certificate at ${certFile} / ${keyFile} (mount one, e.g. from cert-manager, or use "kubeforge run" which creates one)`);
    }
  }

  async start(signal: AbortSignal): Promise<void> {
    if (this.server) throw new Error("webhook server started twice");
    const { cert, key } = await this.credentials();
    const server = createServer({ cert, key }, (req, res) => void this.serve(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port ?? 9443, this.options.host || undefined, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.resolveListening(server.address() as AddressInfo);
    if (!signal.aborted) await new Promise<void>((r) => signal.addEventListener("abort", () => r(), { once: true }));
    await new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "https://localhost").pathname;
    const handler = this.handlers.get(path);
    const reply = (code: number, text: string, type = "text/plain; charset=utf-8"): void => {
      res.writeHead(code, { "Content-Type": type });
      res.end(text);
    };
    if (!handler) return reply(404, `no webhook at ${path}\n`);
    if (req.method !== "POST") return reply(405, "webhooks accept POST only\n");
    if (!/^application\/json\b/.test(req.headers["content-type"] ?? "")) return reply(415, `contentType=${req.headers["content-type"] ?? ""}, expected application/json\n`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > maxBody) return reply(413, "request body too large\n");
      chunks.push(c as Buffer);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch (err) {
      return reply(400, `unable to decode the request: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    try {
      reply(200, JSON.stringify(await handler(body)), "application/json");
    } catch (err) {
      if (err instanceof BadRequest) return reply(400, `${err.message}\n`);
      reply(500, `webhook failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
}

class BadRequest extends Error {}

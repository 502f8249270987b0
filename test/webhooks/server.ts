/** Starts the fixture webhook server (a separate Node process) with a serving certificate from a fresh CA. */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createCA } from "../../runtime/controlplane/certs.js";

export interface RecordedReview {
  path: string;
  timeout: string | null;
  request: Record<string, unknown> & { uid: string; dryRun?: boolean; options?: Record<string, unknown>; object?: { metadata?: { name?: string } } | null };
}

export interface WebhookServer {
  /** The address it listens on. */
  host: string;
  port: number;
  /** base64 PEM of the CA that signed the serving certificate (a webhook clientConfig.caBundle). */
  caBundle: string;
  /** Every review received so far. */
  reviews(): RecordedReview[];
  stop(): Promise<void>;
}

const script = fileURLToPath(new URL("./fixtures/webhook-server.mjs", import.meta.url));

/** `dnsNames`: the names the certificate is valid for (e.g. `webhook.<ns>.svc`), besides the `host` it listens on. */
export async function startWebhookServer(dnsNames: string[], host: string): Promise<WebhookServer> {
  const ca = await createCA("webhook-test-ca");
  const serving = await ca.issue({ subject: "CN=webhook", dnsNames, ips: [host], server: true });
  const child: ChildProcess = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH ?? "", WEBHOOK_CERT: serving.certPEM, WEBHOOK_KEY: serving.keyPEM, WEBHOOK_HOST: host },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const reviews: RecordedReview[] = [];
  let buf = "";
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`webhook server did not start: ${stderr}`)), 10_000);
    child.on("exit", (code) => reject(new Error(`webhook server exited ${code}: ${stderr}`)));
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      buf += d;
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const msg = JSON.parse(line) as { port?: number } & RecordedReview;
        if (typeof msg.port === "number") {
          clearTimeout(timer);
          resolve(msg.port);
        } else reviews.push(msg);
      }
    });
  });
  return {
    host,
    port,
    caBundle: Buffer.from(ca.certPEM).toString("base64"),
    reviews: () => [...reviews],
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

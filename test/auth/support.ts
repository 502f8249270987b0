/** Helpers for the auth suite: kubeconfigs without client credentials (token or anonymous), JWT payloads. */
import { writeFile } from "node:fs/promises";
import { request } from "node:https";
import { join } from "node:path";
import { stringify } from "yaml";
import type { KubectlEnv } from "../support/kubectl.js";

/** Writes a kubeconfig that trusts the control plane's CA and carries no credentials (or `token`); returns its path. */
export async function credentiallessKubeconfig(env: KubectlEnv, name: string, token?: string): Promise<string> {
  const path = join(env.dir, `${name}.kubeconfig`);
  const cfg = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "kubeforge", cluster: { server: env.cp.url, "certificate-authority-data": Buffer.from(env.cp.credentials.caPEM).toString("base64") } }],
    users: [{ name: "user", user: token ? { token } : {} }],
    contexts: [{ name: "kubeforge", context: { cluster: "kubeforge", user: "user" } }],
    "current-context": "kubeforge",
  };
  await writeFile(path, stringify(cfg), { mode: 0o600 });
  return path;
}

/** The decoded payload of a JWT. */
export function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

export interface PlainResponse {
  status: number;
  text: string;
  json: Record<string, unknown> | undefined;
}

/** An HTTPS request without a client certificate: anonymous, or with `token` as a bearer token. */
export function plainRequest(cp: KubectlEnv["cp"], method: string, path: string, opts: { token?: string; body?: object; headers?: Record<string, string> } = {}): Promise<PlainResponse> {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
  if (opts.token !== undefined) headers.Authorization = `Bearer ${opts.token}`;
  if (payload !== undefined) headers["Content-Type"] = "application/json";
  return new Promise((resolve, reject) => {
    const r = request(`${cp.url}${path}`, { method, headers, ca: cp.credentials.caPEM, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: Record<string, unknown> | undefined;
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, text, json });
      });
      res.on("error", reject);
    });
    r.on("error", reject);
    if (payload !== undefined) r.write(payload);
    r.end();
  });
}

/** Shared by the runtime benchmarks' parent and children (no side effects on import). */
import { performance } from "node:perf_hooks";
import { KubeConfig } from "@kubernetes/client-node";
import type { Endpoint } from "./lib/client.js";

/** Wall-clock milliseconds with sub-millisecond resolution, comparable between processes on one machine. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

/** A client-node KubeConfig for the admin user of a control plane child (client certificate). */
export function kubeConfigFor(ep: Endpoint): KubeConfig {
  const b64 = (pem: string): string => Buffer.from(pem).toString("base64");
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "bench", server: ep.url, caData: b64(ep.caPEM), skipTLSVerify: false }],
    users: [{ name: "admin", certData: b64(ep.certPEM), keyData: b64(ep.keyPEM) }],
    contexts: [{ name: "bench", cluster: "bench", user: "admin" }],
    currentContext: "bench",
  });
  return kc;
}

export interface SeedArg {
  namespace: string;
  count: number;
  prefix: string;
}

export interface TouchArg extends SeedArg {
  round: number;
}

/** Collects garbage thoroughly (the child must run with --expose-gc). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with --expose-gc");
  for (let i = 0; i < 4; i++) gc();
}

export type RuntimeTarget = "kubeforge" | "client-node";

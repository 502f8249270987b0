/**
 * Benchmark 10: an aggregated API server called through the local control plane's aggregator vs the same
 * server called directly, in the same run: get and list latency and throughput at 1 and 8 clients, watch event
 * throughput, and heap per open watch. Three processes: the load generator (this one), the control plane
 * (aggregator-cp-child) and the aggregated server (aggregated-child, AggregatedAPIServer on memory storage).
 * Both paths use the admin's client certificate (system:masters), so neither side makes SubjectAccessReviews:
 * the difference is the proxy hop (TLS to the backend, front-proxy headers, streaming the body back).
 */
import { performance } from "node:perf_hooks";
import { Child } from "./lib/child.js";
import { HttpsClient, type Endpoint, type StreamHandle } from "./lib/client.js";
import { runLoad } from "./lib/load.js";
import type { Recorder, TargetName } from "./lib/results.js";

export interface AggregatorConfig {
  concurrencies: number[];
  runs: number;
  durationMs: number;
  listSize: number;
  watchers: number;
  watchEvents: number;
  openWatches: number;
}

interface CPHello {
  url: string;
  credentials: { caPEM: string; certPEM: string; keyPEM: string };
  frontProxyCAPEM: string;
  kubeconfigYAML: string;
}

const base = "/apis/bench.kubeforge.dev/v1/namespaces/default/flunders";
const flunder = (name: string): string => JSON.stringify({ apiVersion: "bench.kubeforge.dev/v1", kind: "Flunder", metadata: { name }, spec: { reference: "x".repeat(64) } });

async function watchThroughput(client: HttpsClient, writer: HttpsClient, watchers: number, events: number, tag: string): Promise<number> {
  let received = 0;
  const want = watchers * events;
  let done: () => void = () => undefined;
  const all = new Promise<void>((r) => (done = r));
  const rv = (JSON.parse((await writer.expectOK("GET", `${base}?limit=1`)).toString()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const handles: StreamHandle[] = [];
  for (let i = 0; i < watchers; i++) {
    handles.push(
      await client.stream("GET", `${base}?watch=true&resourceVersion=${rv}&labelSelector=run%3D${tag}`, undefined, (chunk) => {
        for (const b of chunk) if (b === 10) received++;
        if (received >= want) done();
      }),
    );
  }
  const t0 = performance.now();
  for (let i = 0; i < events; i += 8) {
    await Promise.all(
      Array.from({ length: Math.min(8, events - i) }, (_, j) => {
        const body = JSON.parse(flunder(`w-${tag}-${i + j}`)) as { metadata: Record<string, unknown> };
        body.metadata["labels"] = { run: tag };
        return writer.expectOK("POST", base, JSON.stringify(body), { "Content-Type": "application/json" });
      }),
    );
  }
  await Promise.race([all, new Promise((_, rej) => setTimeout(() => rej(new Error(`watch: ${received}/${want} events after 30 s`)), 30_000))]);
  const seconds = (performance.now() - t0) / 1000;
  for (const h of handles) h.close();
  return want / seconds;
}

export async function benchAggregator(rec: Recorder, cfg: AggregatorConfig, log: (s: string) => void): Promise<void> {
  const cp = await Child.start<CPHello>("../children/aggregator-cp-child.js", [], ["--expose-gc"]);
  process.env["BENCH_KUBECONFIG"] = cp.ready.kubeconfigYAML;
  process.env["BENCH_CLIENT_CA"] = cp.ready.credentials.caPEM;
  process.env["BENCH_REQUESTHEADER_CA"] = cp.ready.frontProxyCAPEM;
  let backend: Child<{ port: number; caPEM: string }> | undefined;
  const clients: HttpsClient[] = [];
  try {
    backend = await Child.start<{ port: number; caPEM: string }>("../children/aggregated-child.js", [], ["--expose-gc"]);
    await cp.call("register", { port: backend.ready.port, caBundle: Buffer.from(backend.ready.caPEM).toString("base64") });
    const { certPEM, keyPEM } = cp.ready.credentials;
    const endpoints: Record<"kubeforge" | "direct", Endpoint> = {
      kubeforge: { url: cp.ready.url, caPEM: cp.ready.credentials.caPEM, certPEM, keyPEM },
      direct: { url: `https://127.0.0.1:${backend.ready.port}`, caPEM: backend.ready.caPEM, certPEM, keyPEM },
    };
    const through: Record<"kubeforge" | "direct", HttpsClient> = { kubeforge: new HttpsClient(endpoints.kubeforge), direct: new HttpsClient(endpoints.direct) };
    clients.push(through.kubeforge, through.direct);
    for (let i = 0; i < cfg.listSize; i++) await through.direct.expectOK("POST", base, flunder(`f-${i}`), { "Content-Type": "application/json" });
    const names: Record<"kubeforge" | "direct", TargetName> = { kubeforge: "kubeforge", direct: "direct" };
    log("   kubeforge = through the aggregator; direct = the same aggregated server called directly");

    for (const [op, path] of [["get", `${base}/f-0`], [`list ${cfg.listSize}`, base]] as const) {
      for (const c of cfg.concurrencies) {
        for (const t of ["kubeforge", "direct"] as const) {
          const runs: Record<string, number>[] = [];
          await runLoad({ concurrency: c, durationMs: 200, op: async () => void (await through[t].expectOK("GET", path)) });
          for (let r = 0; r < cfg.runs; r++) {
            const res = await runLoad({ concurrency: c, durationMs: cfg.durationMs, op: async () => void (await through[t].expectOK("GET", path)) });
            if (res.errors > 0) throw new Error(`${op} via ${t}: ${res.errors} errors, first: ${res.firstError ?? ""}`);
            runs.push({ "ops/s": res.opsPerSec, "p50 ms": res.p50Ms, "p99 ms": res.p99Ms });
          }
          const m = rec.add("10. aggregator", `${op} c=${c}`, names[t], runs);
          log(`   ${op.padEnd(9)} c=${String(c).padEnd(2)} ${t.padEnd(9)} ${m.median["ops/s"]?.toFixed(0)} ops/s  p50 ${m.median["p50 ms"]?.toFixed(2)} ms  p99 ${m.median["p99 ms"]?.toFixed(2)} ms`);
        }
      }
    }

    for (const t of ["kubeforge", "direct"] as const) {
      const runs: Record<string, number>[] = [];
      for (let r = 0; r < cfg.runs; r++) runs.push({ "events/s": await watchThroughput(through[t], through.direct, cfg.watchers, cfg.watchEvents, `${t}-${r}`) });
      const m = rec.add("10. aggregator", `watch ${cfg.watchers} watchers`, names[t], runs);
      log(`   watch ×${cfg.watchers}  ${t.padEnd(9)} ${m.median["events/s"]?.toFixed(0)} events/s delivered`);
    }

    // heap per open watch: the control plane's (proxy) plus the backend's, against the backend's alone
    for (const t of ["kubeforge", "direct"] as const) {
      const runs: Record<string, number>[] = [];
      for (let r = 0; r < Math.min(cfg.runs, 3); r++) {
        const [cp0, be0] = [await cp.call<number>("heap"), await backend.call<number>("heap")];
        const handles: StreamHandle[] = [];
        for (let i = 0; i < cfg.openWatches; i++) handles.push(await through[t].stream("GET", `${base}?watch=true`, undefined, () => undefined));
        await new Promise((res) => setTimeout(res, 300));
        const [cp1, be1] = [await cp.call<number>("heap"), await backend.call<number>("heap")];
        for (const h of handles) h.close();
        await new Promise((res) => setTimeout(res, 500));
        const proxy = t === "kubeforge" ? (cp1 - cp0) / cfg.openWatches : 0;
        const server = (be1 - be0) / cfg.openWatches;
        runs.push({ "heap B/watch": proxy + server, ...(t === "kubeforge" ? { "aggregator heap B/watch": proxy } : {}) });
      }
      const m = rec.add("10. aggregator", `${cfg.openWatches} open watches`, names[t], runs);
      log(`   ${cfg.openWatches} open watches ${t.padEnd(9)} ${m.median["heap B/watch"]?.toFixed(0)} B heap per watch${t === "kubeforge" ? ` (aggregator's share ${m.median["aggregator heap B/watch"]?.toFixed(0)} B)` : ""}`);
    }
  } finally {
    for (const c of clients) c.close();
    await backend?.stop();
    await cp.stop();
  }
}

/**
 * Benchmark 2b: watch. N watchers (1, 8, 32) watch the pods of one namespace while a writer creates pods with 4
 * concurrent requests; measured: events/s delivered (all watchers together), the write rate, and per event the
 * latency from the write being sent, and from its acknowledgement, to the event's receipt (the latter is
 * negative when the event arrives before the response to the write, which kubeforge allows: it dispatches the
 * event before it answers).
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { HttpsClient, type StreamHandle } from "./lib/client.js";
import { lineSplitter } from "./lib/lines.js";
import { runLoad } from "./lib/load.js";
import { realisticPod } from "./lib/pods.js";
import type { Recorder, TargetName } from "./lib/results.js";
import { percentile } from "./lib/stats.js";
import type { Targets } from "./targets/index.js";
import { b64, etcdKV, prefixEnd } from "./targets/etcd.js";

export interface WatchOptions {
  watchers: number[];
  runs: number;
  writeMs: number;
  writers: number;
}

const ns = "bench-watch";

interface Driver {
  /** Opens one watch; `onName` gets the pod name of each event. */
  open(onName: (name: string) => void): Promise<StreamHandle>;
  write(name: string): Promise<void>;
}

const nameRe = /"name":"(w\d+-\d+)"/;
const keyRe = /"key":"([A-Za-z0-9+/=]+)"/g;

function drivers(t: Targets, clients: { kf: HttpsClient; node: HttpsClient; etcd: HttpsClient | undefined }, storedPod: string): Partial<Record<TargetName, Driver>> {
  const template = JSON.stringify(realisticPod(ns, "NAME"));
  const body = (name: string): string => template.replace('"NAME"', JSON.stringify(name));
  const json = { "Content-Type": "application/json" };
  const byLine = (onName: (n: string) => void) =>
    lineSplitter((line) => {
      const m = nameRe.exec(line.slice(0, 1000));
      if (m?.[1]) onName(m[1]);
    });
  const out: Partial<Record<TargetName, Driver>> = {
    kubeforge: {
      async open(onName) {
        const list = await clients.kf.json<{ metadata: { resourceVersion: string } }>("GET", `/api/v1/namespaces/${ns}/pods?limit=1`);
        return clients.kf.stream("GET", `/api/v1/namespaces/${ns}/pods?watch=1&resourceVersion=${list.metadata.resourceVersion}`, undefined, byLine(onName));
      },
      write: async (name) => void (await clients.kf.expectOK("POST", `/api/v1/namespaces/${ns}/pods`, body(name), json)),
    },
    "node-https": {
      open: (onName) => clients.node.stream("GET", "/watch", undefined, byLine(onName)),
      write: async (name) => void (await clients.node.expectOK("POST", "/publish", body(name), json)),
    },
  };
  const etcd = clients.etcd;
  if (etcd && t.etcd) {
    const prefix = `/registry/pods/${ns}/`;
    out.etcd = {
      open(onName) {
        let created: (() => void) | undefined;
        const ready = new Promise<void>((resolve) => (created = resolve));
        const onLine = lineSplitter((line) => {
          if (line.includes('"created":true')) created?.();
          for (const m of line.matchAll(keyRe)) {
            const key = Buffer.from(m[1] ?? "", "base64").toString();
            onName(key.slice(key.lastIndexOf("/") + 1));
          }
        });
        return etcd.stream("POST", "/v3/watch", JSON.stringify({ create_request: { key: b64(prefix), range_end: b64(prefixEnd(prefix)) } }), onLine).then(async (h) => {
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("etcd watch not created within 10 s")), 10_000)));
          try {
            await Promise.race([ready, timeout]);
          } finally {
            clearTimeout(timer);
          }
          return h;
        });
      },
      write: async (name) => void (await etcd.expectOK("POST", "/v3/kv/put", etcdKV.put(prefix + name, storedPod))),
    };
  }
  return out;
}

interface WatchRun {
  "events/s": number;
  "writes/s": number;
  "send→event p50 ms": number;
  "send→event p99 ms": number;
  "ack→event p50 ms": number;
  "ack→event p99 ms": number;
  "lost events": number;
}

async function oneRun(d: Driver, watchers: number, runId: number, o: WatchOptions): Promise<WatchRun> {
  const sent = new Map<string, number>();
  const acked = new Map<string, number>();
  const receipts: { name: string; at: number }[] = [];
  const prefix = `w${runId}-`;
  const handles = await Promise.all(
    Array.from({ length: watchers }, () =>
      d.open((name) => {
        if (name.startsWith(prefix)) receipts.push({ name, at: performance.now() });
      }),
    ),
  );
  try {
    const t0 = performance.now();
    const load = await runLoad({
      concurrency: o.writers,
      durationMs: o.writeMs,
      op: async (seq) => {
        const name = `${prefix}${seq}`;
        sent.set(name, performance.now());
        await d.write(name);
        acked.set(name, performance.now());
      },
    });
    if (load.errors) throw new Error(`watch writes failed: ${load.firstError ?? ""}`);
    const expected = acked.size * watchers;
    const deadline = performance.now() + 10_000;
    while (receipts.length < expected && performance.now() < deadline) await sleep(5);
    const last = receipts.reduce((m, r) => Math.max(m, r.at), t0);
    const fromSend: number[] = [];
    const fromAck: number[] = [];
    for (const r of receipts) {
      const s = sent.get(r.name);
      const a = acked.get(r.name);
      if (s !== undefined) fromSend.push(r.at - s);
      if (a !== undefined) fromAck.push(r.at - a);
    }
    return {
      "events/s": (receipts.length / (last - t0)) * 1000,
      "writes/s": load.opsPerSec,
      "send→event p50 ms": percentile(fromSend, 50),
      "send→event p99 ms": percentile(fromSend, 99),
      "ack→event p50 ms": percentile(fromAck, 50),
      "ack→event p99 ms": percentile(fromAck, 99),
      "lost events": Math.max(0, expected - receipts.length),
    };
  } finally {
    for (const h of handles) h.close();
  }
}

export async function benchWatch(t: Targets, rec: Recorder, o: WatchOptions, log: (s: string) => void): Promise<void> {
  const clients = { kf: new HttpsClient(t.kubeforge.ready, 16), node: new HttpsClient(t.node.ready, 16), etcd: t.etcd ? new HttpsClient(t.etcd.endpoint, 16) : undefined };
  try {
    await t.kubeforge.call("ensureNamespace", ns);
    const storedPod = (await clients.kf.expectOK("POST", `/api/v1/namespaces/${ns}/pods`, JSON.stringify(realisticPod(ns, "probe")), { "Content-Type": "application/json" })).toString();
    const ds = drivers(t, clients, storedPod);
    // targets interleaved run by run, so that background load on the machine hits every target alike
    const targets = (["kubeforge", "node-https", "etcd"] as const).filter((tg) => ds[tg]);
    let runId = 0;
    for (const target of targets) {
      const d = ds[target];
      if (d) await oneRun(d, 1, runId++, { ...o, writeMs: 200 }); // warm-up
    }
    for (const n of o.watchers) {
      const runs = new Map<TargetName, WatchRun[]>();
      for (let i = 0; i < o.runs; i++) {
        for (const target of targets) {
          const d = ds[target];
          if (d) runs.set(target, [...(runs.get(target) ?? []), await oneRun(d, n, runId++, o)]);
        }
      }
      for (const [target, rs] of runs) {
        const m = rec.add("watch", `${n} watchers`, target, rs.map((r) => ({ ...r })));
        const v = (k: keyof WatchRun): string => (m.median[k] ?? Number.NaN).toFixed(k.endsWith("/s") ? 0 : 2);
        log(`  ${String(n).padStart(2)} watchers ${target.padEnd(11)} ${v("events/s").padStart(7)} events/s  ${v("writes/s").padStart(6)} writes/s  send→event p50 ${v("send→event p50 ms")} p99 ${v("send→event p99 ms")} ms  ack→event p50 ${v("ack→event p50 ms")} p99 ${v("ack→event p99 ms")} ms  lost ${v("lost events")}`);
      }
    }
  } finally {
    clients.kf.close();
    clients.node.close();
    clients.etcd?.close();
  }
}

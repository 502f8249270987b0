/**
 * Benchmark 2a: create / get / list throughput and p50/p99 latency with 1, 8 and 32 concurrent clients
 * (keep-alive HTTPS, client certificate), against kubeforge, the Node HTTPS ceiling and etcd's gateway.
 */
import { HttpsClient } from "./lib/client.js";
import { runLoad, type LoadResult } from "./lib/load.js";
import { realisticPod } from "./lib/pods.js";
import type { Recorder, TargetName } from "./lib/results.js";
import type { Targets } from "./targets/index.js";
import { etcdKV } from "./targets/etcd.js";

export interface CrudOptions {
  concurrencies: number[];
  runs: number;
  durationMs: number;
  warmupMs: number;
  /** Pods in the namespace that `get` reads and `list` lists. */
  listSize: number;
}

type Op = "create" | "get" | "list";
type OpFn = (seq: number, run: number) => Promise<void>;

const listNS = "bench-list";
const createNS = "bench-crud";

export async function benchCrud(t: Targets, rec: Recorder, o: CrudOptions, log: (s: string) => void): Promise<void> {
  const kf = new HttpsClient(t.kubeforge.ready, 64);
  const node = new HttpsClient(t.node.ready, 64);
  const etcd = t.etcd ? new HttpsClient(t.etcd.endpoint, 64) : undefined;
  try {
    await t.kubeforge.call("seed", { namespace: listNS, count: o.listSize, prefix: "l" });
    await t.kubeforge.call("ensureNamespace", createNS);

    // the bodies kubeforge answers, for the peers to answer / store the same bytes
    const podBody = await kf.expectOK("GET", `/api/v1/namespaces/${listNS}/pods/l-0`);
    const listBody = await kf.expectOK("GET", `/api/v1/namespaces/${listNS}/pods`);
    const createTemplate = JSON.stringify(realisticPod(createNS, "NAME"));
    const createdBody = await kf.expectOK("POST", `/api/v1/namespaces/${createNS}/pods`, createTemplate.replace('"NAME"', '"probe"'), { "Content-Type": "application/json" });
    await t.loadFixed("pod", podBody);
    await t.loadFixed("created", createdBody);
    await t.loadFixed("list", listBody);
    const storedPod = podBody.toString();
    if (etcd) {
      const items = (JSON.parse(listBody.toString()) as { items: { metadata: { name: string } }[] }).items;
      await Promise.all(items.map((p) => etcd.expectOK("POST", "/v3/kv/put", etcdKV.put(`/registry/pods/${listNS}/${p.metadata.name}`, JSON.stringify({ kind: "Pod", apiVersion: "v1", ...p })))));
    }
    const body = (name: string): string => createTemplate.replace('"NAME"', JSON.stringify(name));
    const json = { "Content-Type": "application/json" };

    const ops: Record<TargetName, Partial<Record<Op, OpFn>>> = {
      kubeforge: {
        create: async (seq, run) => void (await kf.expectOK("POST", `/api/v1/namespaces/${createNS}/pods`, body(`c-${run}-${seq}`), json)),
        get: async (seq) => void (await kf.expectOK("GET", `/api/v1/namespaces/${listNS}/pods/l-${seq % o.listSize}`)),
        list: async () => void (await kf.expectOK("GET", `/api/v1/namespaces/${listNS}/pods`)),
      },
      "node-https": {
        create: async (seq, run) => void (await node.expectOK("POST", "/fixed/created", body(`c-${run}-${seq}`), json)),
        get: async () => void (await node.expectOK("GET", "/fixed/pod")),
        list: async () => void (await node.expectOK("GET", "/fixed/list")),
      },
      etcd: etcd
        ? {
            create: async (seq, run) => void (await etcd.expectOK("POST", "/v3/kv/put", etcdKV.put(`/registry/pods/${createNS}/c-${run}-${seq}`, storedPod))),
            get: async (seq) => void (await etcd.expectOK("POST", "/v3/kv/range", etcdKV.get(`/registry/pods/${listNS}/l-${seq % o.listSize}`))),
            list: async () => void (await etcd.expectOK("POST", "/v3/kv/range", etcdKV.prefix(`/registry/pods/${listNS}/`))),
          }
        : {},
      "client-node": {},
      direct: {},
    };

    // targets interleaved run by run, so that background load on the machine hits every target alike
    const targets = (["kubeforge", "node-https", "etcd"] as const).filter((tg) => ops[tg].create);
    let run = 0;
    for (const op of ["create", "get", "list"] as const) {
      for (const target of targets) {
        const fn = ops[target][op];
        const r0 = run++;
        if (fn) await runLoad({ concurrency: 8, durationMs: o.warmupMs, op: (seq) => fn(seq, r0) });
      }
      for (const c of o.concurrencies) {
        const results = new Map<TargetName, LoadResult[]>();
        for (let i = 0; i < o.runs; i++) {
          for (const target of targets) {
            const fn = ops[target][op];
            if (!fn) continue;
            const r = run++;
            const res = await runLoad({ concurrency: c, durationMs: o.durationMs, op: (seq) => fn(seq, r) });
            if (res.errors > 0) throw new Error(`${target} ${op} c=${c}: ${res.errors} errors, first: ${res.firstError ?? ""}`);
            results.set(target, [...(results.get(target) ?? []), res]);
          }
        }
        for (const [target, rs] of results) {
          const m = rec.add(
            "crud",
            `${op} c=${c}`,
            target,
            rs.map((r) => ({ "ops/s": r.opsPerSec, "p50 ms": r.p50Ms, "p99 ms": r.p99Ms })),
          );
          log(`  ${op.padEnd(6)} c=${String(c).padEnd(3)} ${target.padEnd(11)} ${m.median["ops/s"]?.toFixed(0).padStart(7)} ops/s  p50 ${m.median["p50 ms"]?.toFixed(2)} ms  p99 ${m.median["p99 ms"]?.toFixed(2)} ms`);
        }
      }
    }
    rec.notes.push(`crud: pod body ${podBody.length} B, created body ${createdBody.length} B, list of ${o.listSize} pods ${listBody.length} B`);
  } finally {
    kf.close();
    node.close();
    etcd?.close();
  }
}

/**
 * Benchmark 4: LIST of 10,000 pods — one JSON response, one Table response (`kubectl get`), and paginated with
 * limit=500 — against the Node HTTPS ceiling answering bodies of the same sizes and etcd ranging the same pods.
 * Latency is to the last byte of the response (the client does not parse it, except to find the next page).
 * Also records etcd's memory for the 10,000 pods (RSS and database size), the peer of benchmark 3.
 */
import { performance } from "node:perf_hooks";
import { HttpsClient } from "./lib/client.js";
import type { Recorder, TargetName } from "./lib/results.js";
import { percentile } from "./lib/stats.js";
import type { Targets } from "./targets/index.js";
import { etcdKV } from "./targets/etcd.js";

export interface BigListOptions {
  pods: number;
  pageSize: number;
  runs: number;
}

const ns = "bench-big";
const tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

interface PageResult {
  bytes: number;
  /** Next page's request, undefined when this was the last page. */
  next: string | undefined;
}

interface ListDriver {
  full(): Promise<number>;
  table?(): Promise<number>;
  /** Fetches one page: `cursor` undefined for the first. */
  page(cursor: string | undefined): Promise<PageResult>;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function paginate(d: ListDriver): Promise<{ totalMs: number; pages: number; pageLatencies: number[] }> {
  const pageLatencies: number[] = [];
  const t0 = performance.now();
  let cursor: string | undefined;
  do {
    const p0 = performance.now();
    cursor = (await d.page(cursor)).next;
    pageLatencies.push(performance.now() - p0);
  } while (cursor !== undefined);
  return { totalMs: performance.now() - t0, pages: pageLatencies.length, pageLatencies };
}

const continueRe = /"continue":"([^"]+)"/;

function drivers(kf: HttpsClient, node: HttpsClient, etcd: HttpsClient | undefined, pods: number, pageSize: number): Partial<Record<TargetName, ListDriver>> {
  const out: Partial<Record<TargetName, ListDriver>> = {
    kubeforge: {
      full: async () => (await kf.expectOK("GET", `/api/v1/namespaces/${ns}/pods`)).length,
      table: async () => (await kf.expectOK("GET", `/api/v1/namespaces/${ns}/pods`, undefined, { Accept: tableAccept })).length,
      async page(cursor) {
        const buf = await kf.expectOK("GET", `/api/v1/namespaces/${ns}/pods?limit=${pageSize}${cursor ? `&continue=${encodeURIComponent(cursor)}` : ""}`);
        const m = continueRe.exec(buf.subarray(0, 2000).toString());
        return { bytes: buf.length, next: m?.[1] };
      },
    },
  };
  let nodePages = 0;
  out["node-https"] = {
    full: async () => (await node.expectOK("GET", "/fixed/list")).length,
    table: async () => (await node.expectOK("GET", "/fixed/table")).length,
    async page(cursor) {
      const buf = await node.expectOK("GET", "/fixed/page");
      nodePages = cursor === undefined ? 1 : nodePages + 1;
      return { bytes: buf.length, next: nodePages * pageSize < pods ? "more" : undefined };
    },
  };
  if (etcd) {
    const prefix = `/registry/pods/${ns}/`;
    const lastKeyRe = /"key":"([A-Za-z0-9+/=]+)"/;
    out.etcd = {
      full: async () => (await etcd.expectOK("POST", "/v3/kv/range", etcdKV.prefix(prefix))).length,
      async page(cursor) {
        const buf = await etcd.expectOK("POST", "/v3/kv/range", cursor === undefined ? etcdKV.prefix(prefix, pageSize) : etcdKV.after(cursor, prefix, pageSize));
        if (!buf.includes('"more":true')) return { bytes: buf.length, next: undefined };
        const at = buf.lastIndexOf('"key":"');
        const m = lastKeyRe.exec(buf.subarray(at, at + 400).toString());
        return { bytes: buf.length, next: Buffer.from(m?.[1] ?? "", "base64").toString() };
      },
    };
  }
  return out;
}

interface EtcdMemory {
  rssBefore: number;
  rssAfter: number;
  dbSize: number;
}

/** Stores the pods of `listBody` in etcd under /registry/pods/<ns>/<name>, 16 puts at a time. */
async function seedEtcd(t: Targets, etcd: HttpsClient, listBody: Buffer): Promise<EtcdMemory | undefined> {
  if (!t.etcd) return undefined;
  const items = (JSON.parse(listBody.toString()) as { items: { metadata: { name: string } }[] }).items;
  const rssBefore = await t.etcd.rssBytes();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) {
      const p = items[i];
      if (!p) continue;
      await etcd.expectOK("POST", "/v3/kv/put", etcdKV.put(`/registry/pods/${ns}/${p.metadata.name}`, JSON.stringify({ kind: "Pod", apiVersion: "v1", ...p })));
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const status = JSON.parse((await etcd.expectOK("POST", "/v3/maintenance/status", "{}")).toString()) as { dbSize?: string };
  return { rssBefore, rssAfter: await t.etcd.rssBytes(), dbSize: Number(status.dbSize ?? Number.NaN) };
}

export async function benchBigList(t: Targets, rec: Recorder, o: BigListOptions, log: (s: string) => void): Promise<void> {
  const kf = new HttpsClient(t.kubeforge.ready, 4);
  const node = new HttpsClient(t.node.ready, 4);
  const etcd = t.etcd ? new HttpsClient(t.etcd.endpoint, 16) : undefined;
  try {
    const s0 = performance.now();
    await t.kubeforge.call("seed", { namespace: ns, count: o.pods, prefix: "big" });
    log(`  seeded ${o.pods} pods in kubeforge (registry create, no HTTP) in ${((performance.now() - s0) / 1000).toFixed(1)} s`);
    const listBody = await kf.expectOK("GET", `/api/v1/namespaces/${ns}/pods`);
    const tableBody = await kf.expectOK("GET", `/api/v1/namespaces/${ns}/pods`, undefined, { Accept: tableAccept });
    const pageBody = await kf.expectOK("GET", `/api/v1/namespaces/${ns}/pods?limit=${o.pageSize}`);
    if (!tableBody.subarray(0, 200).toString().includes('"kind":"Table"')) throw new Error("the Table request did not answer a Table");
    await t.loadFixed("list", listBody);
    await t.loadFixed("table", tableBody);
    await t.loadFixed("page", pageBody);
    rec.notes.push(`biglist: ${o.pods} pods: JSON ${(listBody.length / 1e6).toFixed(1)} MB, Table ${(tableBody.length / 1e6).toFixed(1)} MB, page of ${o.pageSize} ${(pageBody.length / 1e6).toFixed(2)} MB`);
    if (etcd) {
      const e0 = performance.now();
      const mem = await seedEtcd(t, etcd, listBody);
      log(`  seeded ${o.pods} pods in etcd (gateway puts, 16 concurrent) in ${((performance.now() - e0) / 1000).toFixed(1)} s`);
      if (mem) {
        rec.add("memory", `${o.pods} pods`, "etcd", [{ "RSS B/pod": (mem.rssAfter - mem.rssBefore) / o.pods, "db B/pod": mem.dbSize / o.pods }], "one run; etcd process RSS growth and backend database size after storing the pods");
      }
    }
    const ds = drivers(kf, node, etcd, o.pods, o.pageSize);
    const runs: Record<string, Record<string, Record<string, number>[]>> = {};
    const push = (kase: string, target: string, r: Record<string, number>): void => {
      ((runs[kase] ??= {})[target] ??= []).push(r);
    };
    for (let i = -1; i < o.runs; i++) {
      for (const target of ["kubeforge", "node-https", "etcd"] as const) {
        const d = ds[target];
        if (!d) continue;
        let bytes = 0;
        const full = await timed(async () => (bytes = await d.full()));
        const table = d.table ? await timed(() => d.table?.() ?? Promise.resolve(0)) : undefined;
        const paged = await paginate(d);
        if (i < 0) continue; // warm-up
        push(`JSON ${o.pods} pods`, target, { ms: full, MB: bytes / 1e6 });
        if (table !== undefined) push(`Table ${o.pods} pods`, target, { ms: table });
        push(`paginated limit=${o.pageSize}`, target, { "total ms": paged.totalMs, pages: paged.pages, "page p50 ms": percentile(paged.pageLatencies, 50), "page p99 ms": percentile(paged.pageLatencies, 99) });
      }
    }
    for (const [kase, byTarget] of Object.entries(runs)) {
      for (const [target, rs] of Object.entries(byTarget)) {
        const m = rec.add("biglist", kase, target as TargetName, rs);
        log(`  ${kase.padEnd(22)} ${target.padEnd(11)} ${Object.entries(m.median).map(([k, v]) => `${k} ${v.toFixed(1)}`).join("  ")}`);
      }
    }
  } finally {
    kf.close();
    node.close();
    etcd?.close();
  }
}

/**
 * EtcdBackend against a real etcd (started from /usr/bin/etcd; install with `apt-get install -y etcd-server`).
 * Without the binary every test here fails with that instruction: nothing is skipped.
 */
import { Etcd3 } from "etcd3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { StatusError } from "../core/errors.js";
import type { KubeObject } from "../core/object.js";
import { continueExpiredMessage, decodeContinue } from "./continue.js";
import { Recorder, storageConformance } from "./conformance.js";
import { EtcdBackend, type EtcdBackendOptions } from "./etcd.js";
import { EtcdProcess } from "./etcd/process.js";
import type { StorageBackend } from "./interface.js";

let etcd: EtcdProcess | undefined;
const prefix = `/kubeforge-test-${process.pid}`;

beforeAll(async () => {
  etcd = await EtcdProcess.start();
}, 30_000);

afterAll(async () => {
  await etcd?.stop();
});

function endpoint(): string {
  if (!etcd) throw new Error("etcd did not start (see the beforeAll error): install etcd-server (apt-get install -y etcd-server)");
  return etcd.endpoint;
}

storageConformance("etcd", (opts) => new EtcdBackend({ endpoints: [endpoint()], prefix, historyRevisions: opts.historyCapacity, bookmarkIntervalMs: opts.bookmarkIntervalMs }));

const cm = (name: string, ns = "ns", data: Record<string, string> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: ns, uid: `uid-${name}` },
  data,
});

const withData = (o: KubeObject | undefined, data: Record<string, string>): KubeObject => {
  if (!o) throw new Error("no object");
  return { ...o, data: { ...(o["data"] as Record<string, string>), ...data } };
};

async function failure(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error("expected a StatusError");
}

describe("EtcdBackend", () => {
  const open: StorageBackend[] = [];
  const raw: Etcd3[] = [];
  let seq = 0;
  const backend = (o: Partial<EtcdBackendOptions> = {}): EtcdBackend => {
    const b = new EtcdBackend({ endpoints: [endpoint()], prefix, ...o });
    open.push(b);
    return b;
  };
  const rawClient = (): Etcd3 => {
    const c = new Etcd3({ hosts: [endpoint()] });
    raw.push(c);
    return c;
  };
  const resource = () => `etcd.kubeforge.dev/things-${Date.now()}-${++seq}`;

  afterEach(async () => {
    for (const b of open.splice(0)) await b.close();
    for (const c of raw.splice(0)) c.close();
  });

  it("stores JSON under <prefix>/<resource>/<key> with resourceVersion = mod revision", async () => {
    const res = resource();
    const s = backend().forResource(res);
    const a = await s.create("ns/a", { ...cm("a"), metadata: { ...cm("a").metadata, resourceVersion: "12345" } });
    const kv = (await rawClient().kv.range({ key: Buffer.from(`${prefix}/${res}/ns/a`) })).kvs[0];
    expect(kv?.mod_revision).toBe(a.metadata.resourceVersion);
    expect(JSON.parse(kv?.value.toString() ?? "null")).toEqual(cm("a")); // no resourceVersion stored
    expect(a.metadata.resourceVersion).not.toBe("12345");
  });

  it("several replicas on one etcd see each other's writes in get, list and watch", async () => {
    const res = resource();
    const [r1, r2] = [backend().forResource(res), backend().forResource(res)];
    const w1 = new Recorder();
    const w2 = new Recorder();
    await r1.watch({ resourceVersion: "" }, w1);
    await r2.watch({ resourceVersion: "" }, w2);
    const a = await r1.create("ns/a", cm("a"));
    expect(await r2.get("ns/a")).toEqual(a);
    const b = await r2.create("ns/b", cm("b"));
    expect((await r1.list({})).items).toEqual([a, b]);
    expect((await r2.list({})).items).toEqual([a, b]);
    expect(await r1.create("ns/b", cm("b")).catch((e: Error) => e.message)).toMatch(/already exists/);
    // Concurrent read-modify-write from both replicas loses nothing.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? r1 : r2).guaranteedUpdate("ns/a", {}, async (cur) => {
          await new Promise((r) => setImmediate(r));
          return withData(cur, { n: String(Number((cur?.["data"] as Record<string, string>)["n"] ?? 0) + 1) });
        }),
      ),
    );
    expect((await r1.get("ns/a"))?.["data"]).toEqual({ n: "20" });
    const gone = await r1.delete("ns/b");
    expect(await r2.get("ns/b")).toBeUndefined();
    for (const w of [w1, w2]) {
      await w.until((evs) => evs.length >= 23);
      expect(w.events.map((e) => e.type)).toEqual(["ADDED", "ADDED", ...Array<string>(20).fill("MODIFIED"), "DELETED"]);
      expect(w.events.at(-1)?.object.metadata.resourceVersion).toBe(gone.metadata.resourceVersion);
    }
    expect(w1.events).toEqual(w2.events);
    // A watch on one replica resumes from a resourceVersion another replica handed out.
    const resumed = new Recorder();
    await r2.watch({ resourceVersion: a.metadata.resourceVersion }, resumed);
    await resumed.until((evs) => evs.length >= 22);
    expect(resumed.events.map((e) => e.object.metadata.resourceVersion)).toEqual(w1.events.slice(1).map((e) => e.object.metadata.resourceVersion));
  });

  it("answers 410 Expired for watches, Exact lists and continue tokens at a compacted revision", async () => {
    const res = resource();
    const b = backend();
    const s = b.forResource(res);
    const first = await s.create("ns/a", cm("a"));
    for (const n of ["b", "c", "d"]) await s.create(`ns/${n}`, cm(n));
    const page = await s.list({ limit: 2 });
    const live = new Recorder();
    await s.watch({ resourceVersion: first.metadata.resourceVersion }, live);
    for (let i = 0; i < 3; i++) await s.guaranteedUpdate("ns/c", {}, (c) => withData(c, { i: String(i) }));
    await live.until((evs) => evs.length >= 6); // caught up: compaction does not affect it
    const current = await b.currentResourceVersion();
    await rawClient().kv.compact({ revision: current });

    const watchErr = await failure(s.watch({ resourceVersion: first.metadata.resourceVersion }, new Recorder()));
    expect(watchErr.status).toMatchObject({ code: 410, reason: "Expired" });
    expect((await failure(s.list({ resourceVersion: first.metadata.resourceVersion, resourceVersionMatch: "Exact" }))).status.code).toBe(410);
    const contErr = await failure(s.list({ limit: 2, continue: page.continue ?? "" }));
    expect(contErr.status).toMatchObject({ code: 410, reason: "Expired", message: continueExpiredMessage });
    // The 410 carries a token that continues from the same key at the latest state.
    const fresh = (contErr.status.metadata as { continue?: string }).continue ?? "";
    expect(decodeContinue(fresh, "").revision).toBe(-1);
    const rest = await s.list({ limit: 2, continue: fresh });
    expect(rest.items.map((o) => o.metadata.name)).toEqual(["c", "d"]);
    expect(rest.items[0]?.["data"]).toEqual({ i: "2" });
    expect(rest.resourceVersion).toBe(current);
    // The compacted revision itself and later ones still work; a watch started before compaction keeps going.
    expect((await s.list({ resourceVersion: current, resourceVersionMatch: "Exact" })).items).toHaveLength(4);
    const after = new Recorder();
    await s.watch({ resourceVersion: current }, after);
    const e = await s.create("ns/e", cm("e"));
    await after.until((evs) => evs.length >= 1);
    await live.until((evs) => evs.length >= 7);
    expect(after.events.map((x) => x.object.metadata.resourceVersion)).toEqual([e.metadata.resourceVersion]);
    expect(live.events.at(-1)?.object.metadata.resourceVersion).toBe(e.metadata.resourceVersion);
    expect(live.closed).toBe(false);
  });

  it("ends a watch with 410 when etcd compacts revisions it is still catching up on", async () => {
    const b = backend();
    const s = b.forResource(resource());
    const first = await s.create("ns/a", cm("a"));
    // etcd replays at most 1000 revisions per 100 ms to a watcher catching up: 3000 take a while.
    for (let i = 0; i < 3000; i++) await s.guaranteedUpdate("ns/a", {}, (c) => withData(c, { i: String(i) }));
    const slow = new Recorder();
    await s.watch({ resourceVersion: first.metadata.resourceVersion }, slow);
    await rawClient().kv.compact({ revision: await b.currentResourceVersion() });
    await slow.until(() => slow.closed);
    expect(slow.closeError?.status).toMatchObject({ code: 410, reason: "Expired" });
    expect(slow.events.length).toBeLessThan(3000);
    // The client survives etcd's cancellation: other watches still work.
    const other = new Recorder();
    await s.watch({ resourceVersion: "" }, other);
    await s.create("ns/b", cm("b"));
    await other.until((evs) => evs.length >= 2);
    expect(slow.closeCalls).toBe(1);
  });

  it("historyRevisions compacts etcd as writes go by", async () => {
    const b = backend({ historyRevisions: 5 });
    const s = b.forResource(resource());
    const first = await s.create("ns/a", cm("a"));
    for (let i = 0; i < 20; i++) await s.guaranteedUpdate("ns/a", {}, (c) => withData(c, { i: String(i) }));
    expect((await failure(s.list({ resourceVersion: first.metadata.resourceVersion, resourceVersionMatch: "Exact" }))).status.code).toBe(410);
    const recent = String(Number(await b.currentResourceVersion()) - 4);
    expect((await s.list({ resourceVersion: recent, resourceVersionMatch: "Exact" })).items).toHaveLength(1);
  });

  it("fails operations with 503 after close", async () => {
    const b = backend();
    const s = b.forResource(resource());
    await b.close();
    expect((await failure(s.create("ns/a", cm("a")))).status.code).toBe(503);
    await b.close();
  });

  it("EtcdProcess names the package to install when the binary is missing", async () => {
    await expect(EtcdProcess.start("/nonexistent/etcd")).rejects.toThrow(/apt-get install -y etcd-server/);
  });
});

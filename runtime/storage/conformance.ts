/**
 * The storage conformance kit: vitest suites that check a StorageBackend against the contract in interface.ts.
 * Every backend (memory, etcd) runs it from its own test file:
 *
 *   storageConformance("memory", (opts) => new MemoryBackend(opts));
 *
 * The kit only uses the public contract. It makes a fresh backend per test through the factory and closes it
 * afterwards; each test uses its own resource name, so a backend sharing an etcd between tests also works. The
 * factory receives the options a test needs:
 * - `historyCapacity`: the backend may forget revisions of a resource older than its last `historyCapacity`
 *   writes, and must have forgotten those older than its last `4 × historyCapacity` writes (the expiry tests write
 *   that many and expect 410 Expired).
 * - `bookmarkIntervalMs`: the period of BOOKMARK events for watches with allowWatchBookmarks.
 *
 * Events may be delivered asynchronously (the kit waits for them), but in order and exactly once. Nothing but the
 * test may write to a backend while it runs: some tests expect currentResourceVersion() to equal their last write.
 */
import { afterEach, describe, expect, it } from "vitest";
import { StatusError } from "../core/errors.js";
import type { KubeObject } from "../core/object.js";
import { isStorageError, type ListResult, type Storage, type StorageBackend, type StorageErrorCode, type WatchEvent, type WatchHandler } from "./interface.js";

export interface ConformanceBackendOptions {
  /** Events of a resource the backend must be able to serve (see the module comment). */
  historyCapacity: number;
  /** Period of BOOKMARK events for watches with allowWatchBookmarks. */
  bookmarkIntervalMs: number;
}

export type ConformanceBackendFactory = (opts: ConformanceBackendOptions) => Promise<StorageBackend> | StorageBackend;

export interface ConformanceOptions {
  /** History capacity of the backends used by the expiry (410) tests. Default 16. */
  historyCapacity?: number;
}

/** Capacity of the backends of all other tests: large enough that nothing they do expires. */
const AMPLE_HISTORY = 100_000;
const QUIET_BOOKMARKS = 600_000;

/** Registers the conformance suites for one backend. */
export function storageConformance(name: string, makeBackend: ConformanceBackendFactory, opts: ConformanceOptions = {}): void {
  const smallHistory = opts.historyCapacity ?? 16;

  describe(`storage conformance: ${name}`, () => {
    const open: StorageBackend[] = [];
    let seq = 0;

    /** A fresh backend and a storage for a resource no other test uses. */
    async function setup(o: Partial<ConformanceBackendOptions> = {}): Promise<{ backend: StorageBackend; s: Storage }> {
      const backend = await makeBackend({ historyCapacity: AMPLE_HISTORY, bookmarkIntervalMs: QUIET_BOOKMARKS, ...o });
      open.push(backend);
      seq++;
      return { backend, s: backend.forResource(`conformance.kubeforge.dev/things-${process.pid}-${Date.now()}-${seq}`) };
    }

    afterEach(async () => {
      for (const b of open.splice(0)) await b.close();
    });

    describe("versioner", () => {
      it("parses and formats decimal revisions; rejects anything else with 400", async () => {
        const { s } = await setup();
        expect(s.versioner.parse("")).toBe(0);
        expect(s.versioner.parse(undefined)).toBe(0);
        expect(s.versioner.parse("0")).toBe(0);
        expect(s.versioner.parse("42")).toBe(42);
        expect(s.versioner.format(42)).toBe("42");
        for (const bad of ["abc", "-1", "1.5", " 1", "1e3", "0x10"]) {
          expect(statusCode(catchSync(() => s.versioner.parse(bad))), bad).toBe(400);
        }
      });
    });

    describe("create / get / count", () => {
      it("creates, reads back and counts objects", async () => {
        const { backend, s } = await setup();
        expect(await s.get("ns/a")).toBeUndefined();
        expect(await s.count()).toBe(0);
        const created = await s.create("ns/a", obj("a", "ns", { x: "1" }));
        expect(created.metadata.name).toBe("a");
        expect(created["data"]).toEqual({ x: "1" });
        expect(rvOf(s, created)).toBeGreaterThan(0);
        expect(await backend.currentResourceVersion()).toBe(created.metadata.resourceVersion);
        expect(await s.get("ns/a")).toEqual(created);
        expect(await s.count()).toBe(1);
      });

      it("gives every write a strictly greater resourceVersion, shared across resources", async () => {
        const { backend, s } = await setup();
        const other = backend.forResource(`conformance.kubeforge.dev/others-${seq}`);
        expect(backend.forResource(`conformance.kubeforge.dev/others-${seq}`)).toBe(other);
        const a = await s.create("a", obj("a"));
        const b = await other.create("b", obj("b"));
        const c = await s.guaranteedUpdate("a", {}, (cur) => withData(must(cur), { v: "2" }));
        expect(rvOf(s, b)).toBeGreaterThan(rvOf(s, a));
        expect(rvOf(s, c)).toBeGreaterThan(rvOf(s, b));
        expect(await backend.currentResourceVersion()).toBe(c.metadata.resourceVersion);
      });

      it("rejects an existing key with KeyExists", async () => {
        const { s } = await setup();
        await s.create("ns/a", obj("a", "ns"));
        expect(storageCode(await caught(s.create("ns/a", obj("a", "ns"))))).toBe("KeyExists");
        expect(await s.count()).toBe(1);
      });

      it("keeps its own copy: later mutation of the input does not leak in", async () => {
        const { s } = await setup();
        const input = obj("a", "ns", { x: "1" });
        const created = await s.create("ns/a", input);
        (input["data"] as Record<string, string>)["x"] = "mutated";
        input.metadata.name = "mutated";
        expect(created).not.toBe(input);
        const got = must(await s.get("ns/a"));
        expect(got["data"]).toEqual({ x: "1" });
        expect(got.metadata.name).toBe("a");
      });
    });

    describe("list", () => {
      it("returns every object in key order at a resourceVersion covering them", async () => {
        const { backend, s } = await setup();
        const keys = ["ns2/b", "ns1/c", "ns10/a", "ns1/a", "ns2/a", "ns1/b"];
        for (const k of keys) await s.create(k, objForKey(k));
        const current = await backend.currentResourceVersion();
        const res = await s.list({});
        expect(res.items.map(keyOf)).toEqual([...keys].sort());
        expect(res.resourceVersion).toBe(current);
        for (const it of res.items) expect(rvOf(s, it)).toBeLessThanOrEqual(s.versioner.parse(res.resourceVersion));
        expect(res.continue).toBeUndefined();
        expect(res.remainingItemCount).toBeUndefined();
        expect((await s.list({ resourceVersion: "0" })).items.map(keyOf)).toEqual([...keys].sort());
      });

      it("filters by key prefix", async () => {
        const { s } = await setup();
        for (const k of ["ns1/a", "ns10/a", "ns1/b", "ns2/a", "ns1x/a"]) await s.create(k, objForKey(k));
        expect((await s.list({ prefix: "ns1/" })).items.map(keyOf)).toEqual(["ns1/a", "ns1/b"]);
        expect((await s.list({ prefix: "ns10/" })).items.map(keyOf)).toEqual(["ns10/a"]);
        expect((await s.list({ prefix: "nope/" })).items).toEqual([]);
      });

      it("filters by predicate", async () => {
        const { s } = await setup();
        for (let i = 0; i < 10; i++) await s.create(`ns/o${i}`, obj(`o${i}`, "ns", {}, { parity: i % 2 ? "odd" : "even" }));
        const res = await s.list({ predicate: (o) => o.metadata.labels?.["parity"] === "odd" });
        expect(res.items.map((o) => o.metadata.name)).toEqual(["o1", "o3", "o5", "o7", "o9"]);
      });

      it("pages with limit and continue, reporting remainingItemCount", async () => {
        const { s } = await setup();
        const all = await createMany(s, 25);
        const p1 = await s.list({ limit: 10 });
        expect(p1.items.map(keyOf)).toEqual(all.slice(0, 10));
        expect(p1.remainingItemCount).toBe(15);
        expect(p1.continue).toBeTruthy();
        const p2 = await s.list({ limit: 10, continue: must(p1.continue) });
        expect(p2.items.map(keyOf)).toEqual(all.slice(10, 20));
        expect(p2.remainingItemCount).toBe(5);
        expect(p2.resourceVersion).toBe(p1.resourceVersion);
        const p3 = await s.list({ limit: 10, continue: must(p2.continue) });
        expect(p3.items.map(keyOf)).toEqual(all.slice(20));
        expect(p3.continue).toBeUndefined();
        expect(p3.remainingItemCount).toBeUndefined();
        expect(p3.resourceVersion).toBe(p1.resourceVersion);
        const whole = await s.list({ limit: 25 });
        expect(whole.items).toHaveLength(25);
        expect(whole.continue).toBeUndefined();
      });

      it("pages within a prefix", async () => {
        const { s } = await setup();
        for (const ns of ["a", "b", "c"]) for (let i = 0; i < 5; i++) await s.create(`${ns}/o${i}`, obj(`o${i}`, ns));
        const got = await listAll(s, { prefix: "b/", limit: 2 });
        expect(got.items.map(keyOf)).toEqual(["b/o0", "b/o1", "b/o2", "b/o3", "b/o4"]);
        expect(got.pages).toBe(3);
      });

      it("pages with a predicate: pages hold at most limit matches and no remainingItemCount", async () => {
        const { s } = await setup();
        const all = await createMany(s, 30);
        const pred = (o: KubeObject) => Number(o.metadata.name?.slice(1)) % 3 === 0;
        const first = await s.list({ limit: 4, predicate: pred });
        expect(first.items).toHaveLength(4);
        expect(first.remainingItemCount).toBeUndefined();
        const got = await listAll(s, { limit: 4, predicate: pred });
        expect(got.items.map(keyOf)).toEqual(all.filter((k) => Number(k.split("/")[1]?.slice(1)) % 3 === 0));
        for (const p of got.results) {
          expect(p.items.length).toBeLessThanOrEqual(4);
          expect(p.remainingItemCount).toBeUndefined();
        }
      });

      it("serves every continue page from the first page's snapshot despite concurrent writes", async () => {
        const { s } = await setup();
        const all = await createMany(s, 20);
        const before = await s.list({});
        const p1 = await s.list({ limit: 5 });
        // Writes that would change the later pages: delete, modify, create in the middle and at the end.
        await s.delete(must(all[7]));
        await s.guaranteedUpdate(must(all[10]), {}, (cur) => withData(must(cur), { changed: "yes" }));
        await s.create("ns/o055", obj("o055", "ns"));
        await s.create("ns/zz", obj("zz", "ns"));
        const rest = await listAll(s, { limit: 5 }, must(p1.continue));
        for (const r of rest.results) expect(r.resourceVersion).toBe(p1.resourceVersion);
        expect([...p1.items, ...rest.items]).toEqual(before.items);
        expect(rest.results.at(0)?.remainingItemCount).toBe(10);
        // A fresh list sees the new state.
        const now = await s.list({});
        expect(now.items.map(keyOf)).toEqual([...all.filter((k) => k !== all[7]), "ns/o055", "ns/zz"].sort());
      });

      it("rejects malformed continue tokens with 400", async () => {
        const { s } = await setup();
        await createMany(s, 3);
        const tok = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
        const bad = [
          "%%%not-base64%%%",
          Buffer.from("not json").toString("base64url"),
          tok({ v: "meta.k8s.io/v1", rv: 0, start: "ns/o1\u0000" }),
          tok({ v: "meta.k8s.io/v2", rv: 1, start: "ns/o1\u0000" }),
          tok({ v: "meta.k8s.io/v1", rv: 1, start: "" }),
          tok({ v: "meta.k8s.io/v1", rv: 1, start: "../../secrets/x" }),
          tok([1, 2]),
        ];
        for (const token of bad) expect(statusCode(await caught(s.list({ limit: 1, continue: token }))), token).toBe(400);
      });

      it("rejects an invalid resourceVersion with 400", async () => {
        const { s } = await setup();
        expect(statusCode(await caught(s.list({ resourceVersion: "abc" })))).toBe(400);
      });

      it("serves resourceVersionMatch=Exact from the state at that revision", async () => {
        const { s } = await setup();
        const a1 = await s.create("ns/a", obj("a", "ns", { v: "1" }));
        const b1 = await s.create("ns/b", obj("b", "ns"));
        const a2 = await s.guaranteedUpdate("ns/a", {}, (cur) => withData(must(cur), { v: "2" }));
        const bDel = await s.delete("ns/b");
        const c1 = await s.create("ns/c", obj("c", "ns"));
        const at = async (o: KubeObject) => {
          const res = await s.list({ resourceVersion: must(o.metadata.resourceVersion), resourceVersionMatch: "Exact" });
          expect(res.resourceVersion).toBe(o.metadata.resourceVersion);
          return res.items;
        };
        expect(await at(a1)).toEqual([a1]);
        expect(await at(b1)).toEqual([a1, b1]);
        expect(await at(a2)).toEqual([a2, b1]);
        expect(await at(bDel)).toEqual([a2]);
        expect(await at(c1)).toEqual([a2, c1]);
        // Paging at an exact revision stays at that revision.
        const p1 = await s.list({ resourceVersion: must(b1.metadata.resourceVersion), resourceVersionMatch: "Exact", limit: 1 });
        expect(p1.items).toEqual([a1]);
        expect(p1.remainingItemCount).toBe(1);
        const p2 = await s.list({ limit: 1, continue: must(p1.continue) });
        expect(p2.items).toEqual([b1]);
        expect(p2.resourceVersion).toBe(b1.metadata.resourceVersion);
        expect(p2.continue).toBeUndefined();
      });

      it("serves resourceVersion=N (NotOlderThan) from a state at least as new, waiting for N", async () => {
        const { backend, s } = await setup();
        const a = await s.create("ns/a", obj("a", "ns"));
        for (const match of ["", "NotOlderThan"] as const) {
          const res = await s.list({ resourceVersion: must(a.metadata.resourceVersion), resourceVersionMatch: match });
          expect(res.items).toEqual([a]);
          expect(s.versioner.parse(res.resourceVersion)).toBeGreaterThanOrEqual(rvOf(s, a));
        }
        // A revision not reached yet: the list waits for it.
        const next = String(s.versioner.parse(await backend.currentResourceVersion()) + 1);
        const pending = s.list({ resourceVersion: next, resourceVersionMatch: "NotOlderThan" });
        await sleep(100);
        const b = await s.create("ns/b", obj("b", "ns"));
        const res = await pending;
        expect(res.items).toEqual([a, b]);
        expect(s.versioner.parse(res.resourceVersion)).toBeGreaterThanOrEqual(rvOf(s, b));
      });

      it("answers 504 ResourceVersionTooLarge for a list or watch at a revision never reached (after ~3 s)", async () => {
        const { backend, s } = await setup();
        await s.create("ns/a", obj("a", "ns"));
        const far = String(s.versioner.parse(await backend.currentResourceVersion()) + 1_000_000);
        const started = Date.now();
        const rec = new Recorder();
        const [listErr, watchErr] = await Promise.all([caught(s.list({ resourceVersion: far, resourceVersionMatch: "NotOlderThan" })), caught(s.watch({ resourceVersion: far }, rec))]);
        expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
        for (const err of [listErr, watchErr]) {
          expect(statusCode(err)).toBe(504);
          expect((err as StatusError).status.details?.causes?.[0]?.reason).toBe("ResourceVersionTooLarge");
        }
        expect(rec.events).toEqual([]);
      }, 20_000);
    });

    describe("guaranteedUpdate", () => {
      it("updates with a new resourceVersion and hands tryUpdate a private copy", async () => {
        const { s } = await setup();
        const a = await s.create("ns/a", obj("a", "ns", { v: "1" }));
        const seen: KubeObject[] = [];
        const b = await s.guaranteedUpdate("ns/a", {}, (cur) => {
          const c = must(cur);
          seen.push(c);
          expect(c).toEqual(a);
          expect(c).not.toBe(a);
          return withData(c, { v: "2" });
        });
        expect(seen).toHaveLength(1);
        expect(b["data"]).toEqual({ v: "2" });
        expect(rvOf(s, b)).toBeGreaterThan(rvOf(s, a));
        expect(await s.get("ns/a")).toEqual(b);
        // Mutating the copy tryUpdate got, then aborting, changes nothing.
        const boom = new Error("abort");
        expect(
          await caught(
            s.guaranteedUpdate("ns/a", {}, (cur) => {
              (must(cur)["data"] as Record<string, string>)["v"] = "leaked";
              throw boom;
            }),
          ),
        ).toBe(boom);
        expect(await s.get("ns/a")).toEqual(b);
        // Mutating what tryUpdate returned, after the fact, changes nothing either.
        let returned: KubeObject | undefined;
        const c = await s.guaranteedUpdate("ns/a", {}, (cur) => (returned = withData(must(cur), { v: "3" })));
        (must(returned)["data"] as Record<string, string>)["v"] = "leaked";
        expect(must(await s.get("ns/a"))["data"]).toEqual({ v: "3" });
        expect(c["data"]).toEqual({ v: "3" });
      });

      it("fails with KeyNotFound for an absent key unless ignoreNotFound, which creates it", async () => {
        const { s } = await setup();
        let called = 0;
        const err = await caught(s.guaranteedUpdate("ns/a", {}, () => (called++, obj("a", "ns"))));
        expect(storageCode(err)).toBe("KeyNotFound");
        expect(called).toBe(0);
        const created = await s.guaranteedUpdate("ns/a", { ignoreNotFound: true }, (cur) => {
          expect(cur).toBeUndefined();
          return obj("a", "ns", { v: "new" });
        });
        expect(created["data"]).toEqual({ v: "new" });
        expect(await s.get("ns/a")).toEqual(created);
      });

      it("does not write a no-op update (same content, any resourceVersion)", async () => {
        const { backend, s } = await setup();
        const a = await s.create("ns/a", obj("a", "ns", { v: "1" }));
        const rec = new Recorder();
        const w = await s.watch({ resourceVersion: must(a.metadata.resourceVersion) }, rec);
        const same = await s.guaranteedUpdate("ns/a", {}, (cur) => must(cur));
        expect(same).toEqual(a);
        const sameButRv = await s.guaranteedUpdate("ns/a", {}, (cur) => ({ ...must(cur), metadata: { ...must(cur).metadata, resourceVersion: "1" } }));
        expect(sameButRv.metadata.resourceVersion).toBe(a.metadata.resourceVersion);
        expect(await backend.currentResourceVersion()).toBe(a.metadata.resourceVersion);
        const b = await s.guaranteedUpdate("ns/a", {}, (cur) => withData(must(cur), { v: "2" }));
        await rec.until((evs) => evs.length >= 1);
        await sleep(50);
        expect(rec.events.map((e) => [e.type, e.object.metadata.resourceVersion])).toEqual([["MODIFIED", b.metadata.resourceVersion]]);
        w.stop();
      });

      it("checks uid and resourceVersion preconditions", async () => {
        const { s } = await setup();
        const a = await s.create("ns/a", obj("a", "ns"));
        const uid = must(a.metadata.uid);
        const upd = (pre: { uid?: string; resourceVersion?: string }) => s.guaranteedUpdate("ns/a", { preconditions: pre }, (cur) => withData(must(cur), { n: String(Math.random()) }));
        const e1 = await caught(upd({ uid: "other-uid" }));
        expect(storageCode(e1)).toBe("PreconditionFailed");
        expect((e1 as Error).message).toBe(`Precondition failed: UID in precondition: other-uid, UID in object meta: ${uid}`);
        const e2 = await caught(upd({ resourceVersion: "1" + must(a.metadata.resourceVersion) }));
        expect(storageCode(e2)).toBe("PreconditionFailed");
        expect((e2 as Error).message).toBe(`Precondition failed: ResourceVersion in precondition: 1${a.metadata.resourceVersion}, ResourceVersion in object meta: ${a.metadata.resourceVersion}`);
        expect(await s.get("ns/a")).toEqual(a);
        const ok = await upd({ uid, resourceVersion: must(a.metadata.resourceVersion) });
        expect(rvOf(s, ok)).toBeGreaterThan(rvOf(s, a));
      });

      it("loses no update under many concurrent updaters (retries on change)", async () => {
        const { s } = await setup();
        const a = await s.create("ns/counter", obj("counter", "ns", { n: "0" }));
        const rec = new Recorder();
        await s.watch({ resourceVersion: must(a.metadata.resourceVersion) }, rec);
        const N = 50;
        let calls = 0;
        const results = await Promise.all(
          Array.from({ length: N }, async (_, i) => {
            await sleep(i % 3);
            return s.guaranteedUpdate("ns/counter", {}, async (cur) => {
              calls++;
              const n = Number((must(cur)["data"] as Record<string, string>)["n"]);
              await new Promise((r) => setImmediate(r)); // let the others interleave
              return withData(must(cur), { n: String(n + 1) });
            });
          }),
        );
        expect((must(await s.get("ns/counter"))["data"] as Record<string, string>)["n"]).toBe(String(N));
        expect(calls).toBeGreaterThan(N);
        expect(new Set(results.map((r) => r.metadata.resourceVersion)).size).toBe(N);
        await rec.until((evs) => evs.length >= N);
        expect(rec.events.map((e) => (e.object["data"] as Record<string, string>)["n"])).toEqual(Array.from({ length: N }, (_, i) => String(i + 1)));
        expect(rec.events.every((e) => e.type === "MODIFIED")).toBe(true);
      });
    });

    describe("delete", () => {
      it("deletes and returns the last state with the deletion's resourceVersion", async () => {
        const { backend, s } = await setup();
        const a = await s.create("ns/a", obj("a", "ns", { v: "1" }));
        await s.create("ns/b", obj("b", "ns"));
        const gone = await s.delete("ns/a");
        expect(gone["data"]).toEqual({ v: "1" });
        expect(gone.metadata.uid).toBe(a.metadata.uid);
        expect(rvOf(s, gone)).toBeGreaterThan(rvOf(s, a));
        expect(await backend.currentResourceVersion()).toBe(gone.metadata.resourceVersion);
        expect(await s.get("ns/a")).toBeUndefined();
        expect(await s.count()).toBe(1);
        expect((await s.list({})).items.map(keyOf)).toEqual(["ns/b"]);
        expect(storageCode(await caught(s.delete("ns/a")))).toBe("KeyNotFound");
      });

      it("checks preconditions and validate before deleting", async () => {
        const { s } = await setup();
        const a = await s.create("ns/a", obj("a", "ns"));
        const e1 = await caught(s.delete("ns/a", { uid: "other" }));
        expect(storageCode(e1)).toBe("PreconditionFailed");
        expect((e1 as Error).message).toBe(`Precondition failed: UID in precondition: other, UID in object meta: ${a.metadata.uid}`);
        expect(storageCode(await caught(s.delete("ns/a", { resourceVersion: "999999999" })))).toBe("PreconditionFailed");
        const veto = new Error("has finalizers");
        let validated: KubeObject | undefined;
        expect(
          await caught(
            s.delete("ns/a", undefined, (cur) => {
              validated = cur;
              throw veto;
            }),
          ),
        ).toBe(veto);
        expect(validated).toEqual(a);
        expect(await s.get("ns/a")).toEqual(a);
        const gone = await s.delete("ns/a", { uid: a.metadata.uid, resourceVersion: a.metadata.resourceVersion }, async () => {
          await sleep(1);
        });
        expect(gone.metadata.uid).toBe(a.metadata.uid);
        expect(await s.get("ns/a")).toBeUndefined();
      });

      it("re-validates when the object changes during validate", async () => {
        const { s } = await setup();
        await s.create("ns/a", obj("a", "ns", { v: "1" }));
        const seen: string[] = [];
        const gone = await s.delete("ns/a", undefined, async (cur) => {
          seen.push((cur["data"] as Record<string, string>)["v"] ?? "");
          if (seen.length === 1) await s.guaranteedUpdate("ns/a", {}, (c) => withData(must(c), { v: "2" }));
        });
        expect(seen).toEqual(["1", "2"]);
        expect(gone["data"]).toEqual({ v: "2" });
      });
    });

    describe("watch", () => {
      it('sends the current state as ADDED for "" and "0", then live changes', async () => {
        const { s } = await setup();
        const initial = await createMany(s, 3);
        for (const rv of ["", "0", undefined]) {
          const rec = new Recorder();
          const w = await s.watch(rv === undefined ? {} : { resourceVersion: rv }, rec);
          await rec.until((evs) => evs.length >= 3);
          expect(rec.events.map((e) => e.type)).toEqual(["ADDED", "ADDED", "ADDED"]);
          expect(rec.events.map((e) => keyOf(e.object)).sort()).toEqual(initial);
          w.stop();
        }
        const rec = new Recorder();
        await s.watch({ resourceVersion: "" }, rec);
        await rec.until((evs) => evs.length >= 3);
        const x = await s.create("ns/x", obj("x", "ns"));
        const x2 = await s.guaranteedUpdate("ns/x", {}, (cur) => withData(must(cur), { v: "2" }));
        const gone = await s.delete("ns/x");
        await rec.until((evs) => evs.length >= 6);
        expect(rec.events.slice(3).map((e) => [e.type, e.object.metadata.resourceVersion])).toEqual([
          ["ADDED", x.metadata.resourceVersion],
          ["MODIFIED", x2.metadata.resourceVersion],
          ["DELETED", gone.metadata.resourceVersion],
        ]);
        expect(must(rec.events[5]).object["data"]).toEqual({ v: "2" });
      });

      it("sendInitialEvents=false skips the initial state", async () => {
        const { s } = await setup();
        await createMany(s, 3);
        const rec = new Recorder();
        await s.watch({ resourceVersion: "", sendInitialEvents: false }, rec);
        const x = await s.create("ns/x", obj("x", "ns"));
        await rec.until((evs) => evs.length >= 1);
        await sleep(30);
        expect(rec.events.map((e) => [e.type, keyOf(e.object), e.object.metadata.resourceVersion])).toEqual([["ADDED", "ns/x", x.metadata.resourceVersion]]);
      });

      it("from an exact resourceVersion replays the changes after it, then live ones", async () => {
        const { s } = await setup();
        const writes: KubeObject[] = [];
        writes.push(await s.create("ns/a", obj("a", "ns")));
        writes.push(await s.create("ns/b", obj("b", "ns")));
        writes.push(await s.guaranteedUpdate("ns/a", {}, (c) => withData(must(c), { v: "2" })));
        writes.push(await s.delete("ns/b"));
        writes.push(await s.create("ns/c", obj("c", "ns")));
        const types = ["ADDED", "ADDED", "MODIFIED", "DELETED", "ADDED"];
        for (let i = 0; i < writes.length; i++) {
          const rec = new Recorder();
          const w = await s.watch({ resourceVersion: must(writes[i]?.metadata.resourceVersion) }, rec);
          const want = writes.slice(i + 1).map((o, j) => [types[i + 1 + j], keyOf(o), o.metadata.resourceVersion]);
          if (want.length) await rec.until((evs) => evs.length >= want.length);
          await sleep(10);
          expect(rec.events.map((e) => [e.type, keyOf(e.object), e.object.metadata.resourceVersion])).toEqual(want);
          w.stop();
        }
        const rec = new Recorder();
        await s.watch({ resourceVersion: must(writes[1]?.metadata.resourceVersion) }, rec);
        const d = await s.create("ns/d", obj("d", "ns"));
        await rec.until((evs) => evs.length >= 4);
        expect(rec.events.map((e) => e.object.metadata.resourceVersion)).toEqual([...writes.slice(2), d].map((o) => o.metadata.resourceVersion));
      });

      it("a watch from a list's resourceVersion sees exactly the changes after the list", async () => {
        const { s } = await setup();
        await createMany(s, 5);
        const list = await s.list({});
        const later = [await s.create("ns/late", obj("late", "ns")), await s.delete("ns/o00")];
        const rec = new Recorder();
        await s.watch({ resourceVersion: list.resourceVersion }, rec);
        await rec.until((evs) => evs.length >= 2);
        await sleep(20);
        expect(rec.events.map((e) => [e.type, e.object.metadata.resourceVersion])).toEqual([
          ["ADDED", later[0]?.metadata.resourceVersion],
          ["DELETED", later[1]?.metadata.resourceVersion],
        ]);
      });

      it("filters by prefix", async () => {
        const { s } = await setup();
        await s.create("ns1/pre", obj("pre", "ns1"));
        await s.create("ns10/pre", obj("pre", "ns10"));
        const rec = new Recorder();
        await s.watch({ prefix: "ns1/" }, rec);
        await s.create("ns10/x", obj("x", "ns10"));
        await s.create("ns1/x", obj("x", "ns1"));
        await rec.until((evs) => evs.length >= 2);
        await sleep(20);
        expect(rec.events.map((e) => [e.type, keyOf(e.object)])).toEqual([
          ["ADDED", "ns1/pre"],
          ["ADDED", "ns1/x"],
        ]);
      });

      it("turns predicate transitions into ADDED / MODIFIED / DELETED", async () => {
        const { s } = await setup();
        const pred = (o: KubeObject) => o.metadata.labels?.["app"] === "web";
        await s.create("ns/match", obj("match", "ns", {}, { app: "web" }));
        await s.create("ns/other", obj("other", "ns", {}, { app: "db" }));
        const rec = new Recorder();
        await s.watch({ predicate: pred }, rec);
        await rec.until((evs) => evs.length >= 1);
        const relabel = (key: string, app: string | undefined, v = "1") =>
          s.guaranteedUpdate(key, {}, (c) => {
            const o = withData(must(c), { v });
            o.metadata.labels = app ? { app } : {};
            return o;
          });
        await relabel("ns/other", "db", "2"); // neither: skipped
        const became = await relabel("ns/other", "web"); // starts matching: ADDED
        const changed = await relabel("ns/other", "web", "3"); // still matching: MODIFIED
        const left = await relabel("ns/other", undefined, "4"); // stops matching: DELETED with the new object
        await s.delete("ns/other"); // not matching: skipped
        const gone = await s.delete("ns/match"); // matching: DELETED
        await rec.until((evs) => evs.length >= 5);
        await sleep(20);
        expect(rec.events.map((e) => [e.type, keyOf(e.object), e.object.metadata.resourceVersion])).toEqual([
          ["ADDED", "ns/match", rec.events[0]?.object.metadata.resourceVersion],
          ["ADDED", "ns/other", became.metadata.resourceVersion],
          ["MODIFIED", "ns/other", changed.metadata.resourceVersion],
          ["DELETED", "ns/other", left.metadata.resourceVersion],
          ["DELETED", "ns/match", gone.metadata.resourceVersion],
        ]);
        expect(rec.events[3]?.object.metadata.labels).toEqual({});
      });

      it("sendInitialEvents=true ends the initial events with an annotated BOOKMARK", async () => {
        const { s } = await setup();
        const objs = [await s.create("ns/a", obj("a", "ns", {}, { keep: "y" })), await s.create("ns/b", obj("b", "ns")), await s.create("ns/c", obj("c", "ns", {}, { keep: "y" }))];
        for (const rv of ["", "0", objs[0]?.metadata.resourceVersion]) {
          const rec = new Recorder();
          const w = await s.watch({ resourceVersion: rv, sendInitialEvents: true, allowWatchBookmarks: true, predicate: (o) => o.metadata.labels?.["keep"] === "y" }, rec);
          await rec.until((evs) => evs.some((e) => e.type === "BOOKMARK"));
          expect(rec.events.map((e) => e.type)).toEqual(["ADDED", "ADDED", "BOOKMARK"]);
          expect(rec.events.slice(0, 2).map((e) => keyOf(e.object)).sort()).toEqual(["ns/a", "ns/c"]);
          const bm = must(rec.events[2]).object;
          expect(bm.metadata.annotations).toEqual({ "k8s.io/initial-events-end": "true" });
          expect(s.versioner.parse(bm.metadata.resourceVersion)).toBeGreaterThanOrEqual(rvOf(s, must(objs[2])));
          const d = await s.create("ns/d", obj("d", "ns", {}, { keep: "y" }));
          await rec.until((evs) => evs.length >= 4);
          expect(rec.events[3]?.object.metadata.resourceVersion).toBe(d.metadata.resourceVersion);
          await s.delete("ns/d");
          w.stop();
        }
      });

      it("sends periodic BOOKMARKs only with allowWatchBookmarks, at a valid resume point", async () => {
        const { s } = await setup({ bookmarkIntervalMs: 50 });
        const withBm = new Recorder();
        const without = new Recorder();
        await s.watch({ resourceVersion: "", allowWatchBookmarks: true }, withBm);
        await s.watch({ resourceVersion: "" }, without);
        const a = await s.create("ns/a", obj("a", "ns"));
        await withBm.until((evs) => evs.filter((e) => e.type === "BOOKMARK").length >= 2, 5_000);
        const bms = withBm.events.filter((e) => e.type === "BOOKMARK");
        for (const bm of bms) {
          expect(Object.keys(bm.object)).toEqual(["metadata"]);
          expect(bm.object.metadata.annotations?.["k8s.io/initial-events-end"]).toBeUndefined();
        }
        const last = must(bms.at(-1)).object.metadata.resourceVersion;
        expect(s.versioner.parse(last)).toBeGreaterThanOrEqual(rvOf(s, a));
        await sleep(150);
        expect(without.events.map((e) => e.type)).toEqual(["ADDED"]);
        // Resuming from a bookmark yields exactly what came after it.
        const resumed = new Recorder();
        await s.watch({ resourceVersion: last }, resumed);
        const b = await s.create("ns/b", obj("b", "ns"));
        await resumed.until((evs) => evs.length >= 1);
        await sleep(20);
        expect(resumed.events.map((e) => [e.type, e.object.metadata.resourceVersion])).toEqual([["ADDED", b.metadata.resourceVersion]]);
      });

      it("delivers every change exactly once and in order under 5,000 concurrent writes", async () => {
        const { s } = await setup();
        const start = await s.list({});
        const rec = new Recorder();
        await s.watch({ resourceVersion: start.resourceVersion }, rec);
        const writers = 25;
        const keysPerWriter = 27; // create, 6 updates and (for 2 keys in 3) delete: 5,175 writes
        const written: { type: string; key: string; rv: string }[] = [];
        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            for (let k = 0; k < keysPerWriter; k++) {
              const key = `ns/w${w}-k${k}`;
              const c = await s.create(key, obj(`w${w}-k${k}`, "ns", { n: "0" }));
              written.push({ type: "ADDED", key, rv: must(c.metadata.resourceVersion) });
              for (let u = 1; u <= 6; u++) {
                if (u % 3 === 0) await new Promise((r) => setImmediate(r));
                const m = await s.guaranteedUpdate(key, {}, (cur) => withData(must(cur), { n: String(u) }));
                written.push({ type: "MODIFIED", key, rv: must(m.metadata.resourceVersion) });
              }
              // Keep every third key so that the final state is not empty.
              if (k % 3 !== 0) {
                const d = await s.delete(key);
                written.push({ type: "DELETED", key, rv: must(d.metadata.resourceVersion) });
              }
            }
          }),
        );
        const total = written.length;
        expect(total).toBeGreaterThanOrEqual(5_000);
        await rec.until((evs) => evs.length >= total, 30_000);
        await sleep(50);
        expect(rec.events).toHaveLength(total);
        const rvs = rec.events.map((e) => s.versioner.parse(e.object.metadata.resourceVersion));
        for (let i = 1; i < rvs.length; i++) expect(rvs[i]).toBeGreaterThan(must(rvs[i - 1]));
        const byRv = new Map(written.map((x) => [x.rv, x]));
        for (const e of rec.events) {
          const x = byRv.get(must(e.object.metadata.resourceVersion));
          expect(x && [x.type, x.key]).toEqual([e.type, keyOf(e.object)]);
        }
        // Applying the events to the start state gives the final state.
        const model = new Map(start.items.map((o) => [keyOf(o), o]));
        for (const e of rec.events) {
          if (e.type === "DELETED") model.delete(keyOf(e.object));
          else model.set(keyOf(e.object), e.object);
        }
        const end = await s.list({});
        expect([...model.keys()].sort()).toEqual(end.items.map(keyOf));
        for (const o of end.items) expect(model.get(keyOf(o))).toEqual(o);
      }, 60_000);

      it("stop() ends delivery and is idempotent; close() of the backend closes watches", async () => {
        const { backend, s } = await setup();
        const stopped = new Recorder();
        const w = await s.watch({}, stopped);
        await s.create("ns/a", obj("a", "ns"));
        await stopped.until((evs) => evs.length >= 1);
        w.stop();
        w.stop();
        await s.create("ns/b", obj("b", "ns"));
        const live = new Recorder();
        await s.watch({}, live);
        await live.until((evs) => evs.length >= 2);
        await sleep(30);
        expect(stopped.events).toHaveLength(1);
        await backend.close();
        await live.until(() => live.closed);
        expect(live.closeCalls).toBe(1);
        expect(stopped.closeCalls).toBe(0);
      });

      it("rejects an invalid resourceVersion with 400", async () => {
        const { s } = await setup();
        expect(statusCode(await caught(s.watch({ resourceVersion: "x1" }, new Recorder())))).toBe(400);
      });
    });

    describe("history expiry", () => {
      async function expiredSetup() {
        const env = await setup({ historyCapacity: smallHistory });
        const first = await env.s.create("ns/a", obj("a", "ns", { n: "0" }));
        await env.s.create("ns/b", obj("b", "ns"));
        await env.s.create("ns/c", obj("c", "ns"));
        const page = await env.s.list({ limit: 1 });
        for (let i = 1; i <= 4 * smallHistory + 10; i++) await env.s.guaranteedUpdate("ns/a", {}, (c) => withData(must(c), { n: String(i) }));
        return { ...env, first, page };
      }

      it("answers 410 Expired for a watch or an Exact list at a forgotten revision", async () => {
        const { backend, s, first } = await expiredSetup();
        const old = must(first.metadata.resourceVersion);
        const watchErr = await caught(s.watch({ resourceVersion: old }, new Recorder()));
        expect(statusCode(watchErr)).toBe(410);
        expect((watchErr as StatusError).reason).toBe("Expired");
        expect(statusCode(await caught(s.list({ resourceVersion: old, resourceVersionMatch: "Exact" })))).toBe(410);
        // Recent revisions still work.
        const now = await backend.currentResourceVersion();
        const rec = new Recorder();
        await s.watch({ resourceVersion: now }, rec);
        const b = await s.guaranteedUpdate("ns/b", {}, (c) => withData(must(c), { v: "x" }));
        await rec.until((evs) => evs.length >= 1);
        expect(rec.events[0]?.object.metadata.resourceVersion).toBe(b.metadata.resourceVersion);
        expect((await s.list({ resourceVersion: now, resourceVersionMatch: "Exact" })).items).toHaveLength(3);
      });

      it("answers 410 Expired with upstream's message for a continue token at a forgotten revision", async () => {
        const { s, page } = await expiredSetup();
        const err = await caught(s.list({ limit: 1, continue: must(page.continue) }));
        expect(statusCode(err)).toBe(410);
        expect((err as StatusError).message).toBe(
          "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
        );
      });
    });
  });
}

/** A WatchHandler that records what it gets. */
export class Recorder implements WatchHandler {
  readonly events: WatchEvent[] = [];
  closed = false;
  closeCalls = 0;
  closeError: StatusError | undefined;

  event(ev: WatchEvent): void {
    this.events.push(ev);
  }

  close(err?: StatusError): void {
    this.closed = true;
    this.closeCalls++;
    this.closeError = err;
  }

  /** Waits until `cond(events)` holds; fails after `timeoutMs`. */
  async until(cond: (events: WatchEvent[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond(this.events)) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for watch events; got ${this.events.length}: ${JSON.stringify(this.events.slice(-5).map((e) => [e.type, e.object.metadata]))}`);
      await sleep(2);
    }
  }
}

function obj(name: string, namespace?: string, data: Record<string, string> = {}, labels?: Record<string, string>): KubeObject {
  const metadata: KubeObject["metadata"] = { name, uid: `uid-${name}-${Math.random().toString(36).slice(2, 10)}` };
  if (namespace) metadata.namespace = namespace;
  if (labels) metadata.labels = labels;
  return { apiVersion: "v1", kind: "ConfigMap", metadata, data };
}

function objForKey(key: string): KubeObject {
  const [ns, name] = key.includes("/") ? (key.split("/") as [string, string]) : [undefined, key];
  return obj(name, ns);
}

function keyOf(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name ?? ""}` : (o.metadata.name ?? "");
}

function withData(o: KubeObject, data: Record<string, string>): KubeObject {
  return { ...o, data: { ...(o["data"] as Record<string, string> | undefined), ...data } };
}

function rvOf(s: Storage, o: KubeObject): number {
  return s.versioner.parse(o.metadata.resourceVersion);
}

function must<T>(v: T | undefined | null): T {
  if (v === undefined || v === null) throw new Error("unexpected undefined");
  return v;
}

/** Creates ns/o00 .. ns/o<n-1> (zero-padded so that key order is numeric order); returns the keys in order. */
async function createMany(s: Storage, n: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `o${String(i).padStart(2, "0")}`;
    await s.create(`ns/${name}`, obj(name, "ns"));
    keys.push(`ns/${name}`);
  }
  return keys;
}

/** Follows continue tokens to the end. */
async function listAll(s: Storage, o: { prefix?: string; limit: number; predicate?: (o: KubeObject) => boolean }, cont?: string) {
  const results: ListResult[] = [];
  const items: KubeObject[] = [];
  let token = cont;
  do {
    const res = await s.list(token ? { ...o, continue: token } : o);
    results.push(res);
    items.push(...res.items);
    token = res.continue;
    if (results.length > 1000) throw new Error("pagination does not end");
  } while (token);
  return { items, results, pages: results.length };
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected the operation to fail");
}

function catchSync(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error("expected the operation to fail");
}

function statusCode(err: unknown): number | undefined {
  return err instanceof StatusError ? err.code : undefined;
}

function storageCode(err: unknown): StorageErrorCode | undefined {
  return isStorageError(err) ? err.code : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

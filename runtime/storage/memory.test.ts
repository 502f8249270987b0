import { describe, expect, it } from "vitest";
import { StatusError } from "../core/errors.js";
import type { KubeObject } from "../core/object.js";
import { continueExpiredMessage, decodeContinue, encodeContinue } from "./continue.js";
import { storageConformance } from "./conformance.js";
import type { WatchEvent } from "./interface.js";
import { jsonEqual } from "./jsonequal.js";
import { MemoryBackend } from "./memory.js";
import { Ring } from "./ring.js";
import { SortedKeys } from "./sortedkeys.js";
import { numericVersioner } from "./versioner.js";

storageConformance("memory", (opts) => new MemoryBackend(opts), { historyCapacity: 8 });

const cm = (name: string, ns = "ns", data: Record<string, string> = {}): KubeObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: ns, uid: `uid-${name}` }, data });

async function failure(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error("expected a StatusError");
}

describe("numericVersioner", () => {
  it("words a bad resourceVersion as kube-apiserver does", () => {
    let err: unknown;
    try {
      numericVersioner.parse("abc");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).status).toMatchObject({
      code: 400,
      reason: "BadRequest",
      message: 'invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax',
    });
    expect(() => numericVersioner.parse("99999999999999999999")).toThrow(/value out of range/);
  });
});

describe("continue tokens", () => {
  it("use upstream's format: unpadded base64url JSON relative to the list prefix", () => {
    const token = encodeContinue("ns/o09", "ns/", 42);
    expect(token).not.toMatch(/[=+/]/);
    expect(JSON.parse(Buffer.from(token, "base64url").toString())).toEqual({ v: "meta.k8s.io/v1", rv: 42, start: "o09\u0000" });
    expect(decodeContinue(token, "ns/")).toEqual({ startKey: "ns/o09\u0000", revision: 42 });
    // Padded standard base64 of the same JSON is accepted too.
    expect(decodeContinue(Buffer.from(Buffer.from(token, "base64url").toString()).toString("base64"), "ns/")).toEqual({ startKey: "ns/o09\u0000", revision: 42 });
  });

  it("a list's token continues after its last key", async () => {
    const b = new MemoryBackend();
    const s = b.forResource("configmaps");
    for (const n of ["a", "b", "c"]) await s.create(`ns/${n}`, cm(n));
    const page = await s.list({ prefix: "ns/", limit: 2 });
    expect(decodeContinue(page.continue ?? "", "ns/")).toEqual({ startKey: "ns/b\u0000", revision: Number(page.resourceVersion) });
    await b.close();
  });

  it("an expired token's 410 carries a token that continues at the latest state", async () => {
    const b = new MemoryBackend({ historyCapacity: 2 });
    const s = b.forResource("configmaps");
    for (const n of ["a", "b", "c", "d"]) await s.create(`ns/${n}`, cm(n));
    const page = await s.list({ limit: 2 });
    for (let i = 0; i < 3; i++) await s.guaranteedUpdate("ns/c", {}, (c) => ({ ...(c as KubeObject), data: { i: String(i) } }));
    const err = await failure(s.list({ limit: 2, continue: page.continue ?? "" }));
    expect(err.status).toMatchObject({ code: 410, reason: "Expired", message: continueExpiredMessage });
    const fresh = (err.status.metadata as { continue?: string }).continue ?? "";
    expect(decodeContinue(fresh, "")).toEqual({ startKey: "ns/b\u0000", revision: -1 });
    const rest = await s.list({ limit: 2, continue: fresh });
    expect(rest.items.map((o) => o.metadata.name)).toEqual(["c", "d"]);
    expect(rest.items[0]?.["data"]).toEqual({ i: "2" });
    expect(rest.resourceVersion).toBe(await b.currentResourceVersion());
    await b.close();
  });
});

describe("MemoryBackend", () => {
  it("expires exactly the revisions older than the newest evicted event", async () => {
    const b = new MemoryBackend({ historyCapacity: 3 });
    const s = b.forResource("configmaps");
    const r1 = (await s.create("ns/a", cm("a"))).metadata.resourceVersion ?? "";
    for (let i = 0; i < 3; i++) await s.guaranteedUpdate("ns/a", {}, (c) => ({ ...(c as KubeObject), data: { i: String(i) } }));
    // Ring holds revisions 2..4; revision 1 was evicted, so states at >= 1 can still be rebuilt.
    const h = { event: () => {}, close: () => {} };
    (await s.watch({ resourceVersion: r1 }, h)).stop();
    expect((await s.list({ resourceVersion: r1, resourceVersionMatch: "Exact" })).items[0]?.["data"]).toEqual({});
    await s.guaranteedUpdate("ns/a", {}, (c) => ({ ...(c as KubeObject), data: { i: "last" } }));
    const err = await failure(s.watch({ resourceVersion: r1 }, h));
    expect(err.status).toMatchObject({ code: 410, reason: "Expired", message: "too old resource version: 1 (2)" });
    const listErr = await failure(s.list({ resourceVersion: r1, resourceVersionMatch: "Exact" }));
    expect(listErr.message).toBe("too old resource version: 1 (2)");
    (await s.watch({ resourceVersion: "2" }, h)).stop();
    await b.close();
  });

  it("history is per resource: a busy resource does not expire a quiet one", async () => {
    const b = new MemoryBackend({ historyCapacity: 2 });
    const quiet = b.forResource("quiet");
    const busy = b.forResource("busy");
    const q = await quiet.create("a", cm("a", ""));
    for (let i = 0; i < 10; i++) await busy.create(`b${i}`, cm(`b${i}`, ""));
    const res = await quiet.list({ resourceVersion: q.metadata.resourceVersion ?? "", resourceVersionMatch: "Exact" });
    expect(res.items).toEqual([q]);
    await b.close();
  });

  it("delivers events synchronously, before the write's promise settles", async () => {
    const b = new MemoryBackend();
    const s = b.forResource("configmaps");
    const seen: WatchEvent[] = [];
    await s.watch({}, { event: (e) => seen.push(e), close: () => {} });
    const p = s.create("ns/a", cm("a"));
    expect(seen.map((e) => e.type)).toEqual(["ADDED"]);
    expect(seen[0]?.object).toBe(await p);
    await b.close();
  });

  it("keeps revision order for every watcher when a handler writes re-entrantly", async () => {
    const b = new MemoryBackend();
    const s = b.forResource("configmaps");
    const first: string[] = [];
    const second: string[] = [];
    await s.watch(
      {},
      {
        event: (e) => {
          first.push(e.object.metadata.resourceVersion ?? "");
          if (e.object.metadata.name === "a") void s.create("ns/echo", cm("echo"));
        },
        close: () => {},
      },
    );
    await s.watch({}, { event: (e) => second.push(e.object.metadata.resourceVersion ?? ""), close: () => {} });
    await s.create("ns/a", cm("a"));
    expect(first).toEqual(["1", "2"]);
    expect(second).toEqual(["1", "2"]);
    await b.close();
  });

  it("a throwing handler ends only its own watch", async () => {
    const b = new MemoryBackend();
    const s = b.forResource("configmaps");
    let closedWith: StatusError | undefined;
    await s.watch(
      {},
      {
        event: () => {
          throw new Error("bad handler");
        },
        close: (err) => (closedWith = err),
      },
    );
    const good: string[] = [];
    await s.watch({}, { event: (e) => good.push(e.type), close: () => {} });
    await s.create("ns/a", cm("a"));
    await s.create("ns/b", cm("b"));
    expect(closedWith?.status.code).toBe(500);
    expect(good).toEqual(["ADDED", "ADDED"]);
    await b.close();
  });

  it("freezeObjects makes stored objects immutable", async () => {
    const b = new MemoryBackend({ freezeObjects: true });
    const s = b.forResource("configmaps");
    const a = await s.create("ns/a", cm("a", "ns", { k: "v" }));
    expect(() => {
      (a["data"] as Record<string, string>)["k"] = "x";
    }).toThrow(TypeError);
    const gone = await s.delete("ns/a");
    expect(Object.isFrozen(gone.metadata)).toBe(true);
    await b.close();
  });

  it("fails operations after close and releases pending waits", async () => {
    const b = new MemoryBackend();
    const s = b.forResource("configmaps");
    const waiting = s.list({ resourceVersion: "100" });
    await b.close();
    expect((await failure(waiting)).status.code).toBe(503);
    expect((await failure(s.create("ns/a", cm("a")))).status.code).toBe(503);
    await b.close();
  });

  it("handles 10,000 objects efficiently", async () => {
    const b = new MemoryBackend();
    const s = b.forResource("configmaps");
    const n = 10_000;
    const names = Array.from({ length: n }, (_, i) => `o${String((i * 7919) % n).padStart(5, "0")}`); // shuffled order
    const t0 = performance.now();
    for (const name of names) await s.create(`ns/${name}`, cm(name));
    const afterCreate = await b.currentResourceVersion();
    for (let i = 0; i < 2_000; i++) await s.guaranteedUpdate(`ns/${names[i]}`, {}, (c) => ({ ...(c as KubeObject), data: { i: String(i) } }));
    const full = await s.list({});
    expect(full.items).toHaveLength(n);
    expect(full.items.map((o) => o.metadata.name)).toEqual([...names].sort());
    let pages = 0;
    let count = 0;
    let token: string | undefined;
    do {
      const page = await s.list({ limit: 500, resourceVersion: token ? undefined : afterCreate, resourceVersionMatch: token ? undefined : "Exact", continue: token });
      count += page.items.length;
      for (const o of page.items) expect(o["data"]).toEqual({});
      pages++;
      token = page.continue;
    } while (token);
    expect(pages).toBe(20);
    expect(count).toBe(n);
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeLessThan(5_000);
    await b.close();
  });
});

describe("helpers", () => {
  it("SortedKeys keeps keys ordered and unique", () => {
    const k = new SortedKeys();
    for (const x of ["b", "a", "c", "b", "ab"]) k.insert(x);
    expect(Array.from({ length: k.size }, (_, i) => k.at(i))).toEqual(["a", "ab", "b", "c"]);
    k.remove("ab");
    k.remove("zz");
    expect(k.size).toBe(3);
    expect(k.lowerBound("aa")).toBe(1);
    const p = new SortedKeys();
    for (const x of ["ns1/a", "ns10/a", "ns1/b", "ns2/a"]) p.insert(x);
    const start = p.lowerBound("ns1/");
    expect([start, p.prefixEnd("ns1/", start)]).toEqual([0, 2]);
  });

  it("Ring evicts the oldest element", () => {
    const r = new Ring<number>(3);
    expect([r.push(1), r.push(2), r.push(3), r.push(4)]).toEqual([undefined, undefined, undefined, 1]);
    expect([r.at(0), r.at(2), r.last(), r.size]).toEqual([2, 4, 4, 3]);
    expect(r.firstIndex((x) => x > 2)).toBe(1);
  });

  it("jsonEqual compares like JSON", () => {
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: [1] }, { a: { 0: 1 } })).toBe(false);
    expect(jsonEqual({ a: null }, { a: undefined })).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { Queue, type GetResult } from "./queue.js";

/** Lets every pending promise continuation run (one macrotask turn; not a sleep). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A small deterministic PRNG (mulberry32), so the stress tests interleave the same way every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Yields to other workers `n` times (microtask hops), simulating asynchronous work without timers. */
async function yieldTimes(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

function itemOf<T>(r: GetResult<T>): T {
  if (r.shutdown) throw new Error("unexpected shutdown");
  return r.item;
}

describe("Queue: basic semantics", () => {
  it("hands items out first in, first out", async () => {
    const q = new Queue<string>();
    for (const s of ["a", "b", "c"]) q.add(s);
    const got: string[] = [];
    for (let i = 0; i < 3; i++) {
      const item = itemOf(await q.get());
      got.push(item);
      q.done(item);
    }
    expect(got).toEqual(["a", "b", "c"]);
    expect(q.len()).toBe(0);
  });

  it("ignores an add of an item that is already waiting (it keeps its place)", async () => {
    const q = new Queue<string>();
    q.add("foo");
    expect(q.len()).toBe(1);
    q.add("bar");
    expect(q.len()).toBe(2);
    q.add("foo");
    expect(q.len()).toBe(2);
    expect(itemOf(await q.get())).toBe("foo");
    expect(itemOf(await q.get())).toBe("bar");
  });

  it("re-queues an item added while it is processing, once, when it is done", async () => {
    const q = new Queue<string>();
    q.add("foo");
    const item = itemOf(await q.get());
    expect(item).toBe("foo");
    q.add("foo");
    q.add("foo");
    q.add("foo");
    expect(q.len()).toBe(0); // not handed to anyone else while processing
    q.done(item);
    expect(q.len()).toBe(1);
    expect(itemOf(await q.get())).toBe("foo");
    q.done("foo");
    expect(q.len()).toBe(0);
  });

  it("puts a re-added item at the tail, behind items added meanwhile", async () => {
    const q = new Queue<string>();
    q.add("a");
    const a = itemOf(await q.get());
    q.add("a");
    q.add("b");
    q.done(a);
    expect(itemOf(await q.get())).toBe("b");
    expect(itemOf(await q.get())).toBe("a");
  });

  it("does not hand a processing item to a waiting worker", async () => {
    const q = new Queue<string>();
    q.add("x");
    const x = itemOf(await q.get());
    let second: GetResult<string> | undefined;
    void q.get().then((r) => (second = r));
    q.add("x");
    await settle();
    expect(second).toBeUndefined();
    q.done(x);
    await settle();
    expect(second).toEqual({ shutdown: false, item: "x" });
  });

  it("resolves waiting gets as items arrive, in the order the gets were made", async () => {
    const q = new Queue<number>();
    const order: string[] = [];
    const w1 = q.get().then((r) => order.push(`w1:${itemOf(r)}`));
    const w2 = q.get().then((r) => order.push(`w2:${itemOf(r)}`));
    await settle();
    expect(order).toEqual([]);
    q.add(1);
    q.add(2);
    await Promise.all([w1, w2]);
    expect(order).toEqual(["w1:1", "w2:2"]);
  });

  it("treats done of an item that is not processing as a no-op", async () => {
    const q = new Queue<string>();
    q.done("nothing");
    q.add("a");
    q.done("a"); // waiting, not processing: must not duplicate it
    expect(q.len()).toBe(1);
    expect(itemOf(await q.get())).toBe("a");
    q.done("a");
    q.done("a");
    expect(q.len()).toBe(0);
  });

  it("compares object requests by keyOf and hands out the latest add", async () => {
    interface Req {
      namespace: string;
      name: string;
      tag?: number;
    }
    const q = new Queue<Req>({ keyOf: (r) => `${r.namespace}/${r.name}` });
    q.add({ namespace: "ns", name: "a", tag: 1 });
    q.add({ namespace: "ns", name: "a", tag: 2 }); // same key, waiting: no-op
    q.add({ namespace: "ns", name: "b" });
    expect(q.len()).toBe(2);
    const first = itemOf(await q.get());
    expect(first).toEqual({ namespace: "ns", name: "a", tag: 1 });
    q.add({ namespace: "ns", name: "a", tag: 3 });
    q.add({ namespace: "ns", name: "a", tag: 4 });
    q.done({ namespace: "ns", name: "a" }); // a different object with the same key
    expect(itemOf(await q.get())).toEqual({ namespace: "ns", name: "b" });
    expect(itemOf(await q.get())).toEqual({ namespace: "ns", name: "a", tag: 4 });
  });

  it("compares objects by reference without keyOf", async () => {
    const q = new Queue<{ n: number }>();
    const o = { n: 1 };
    q.add(o);
    q.add(o);
    q.add({ n: 1 });
    expect(q.len()).toBe(2);
  });

  it("keeps FIFO order over a long queue (compaction of the internal array)", async () => {
    const q = new Queue<number>();
    const n = 5000;
    for (let i = 0; i < n; i++) q.add(i);
    for (let i = 0; i < n; i++) {
      if (i % 3 === 0) q.add(n + i); // interleave adds with gets
      const item = itemOf(await q.get());
      q.done(item);
      expect(item).toBe(i);
    }
    expect(q.len()).toBe(Math.ceil(n / 3));
  });
});

describe("Queue: shutdown", () => {
  it("resolves idle gets with shutdown, ignores later adds, and reports shuttingDown", async () => {
    const q = new Queue<string>();
    const idle = q.get();
    expect(q.shuttingDown()).toBe(false);
    q.shutDown();
    expect(q.shuttingDown()).toBe(true);
    expect(await idle).toEqual({ shutdown: true });
    q.add("added after shutdown");
    expect(q.len()).toBe(0);
    expect(await q.get()).toEqual({ shutdown: true });
    q.shutDown(); // idempotent
  });

  it("still hands out items queued before the shutdown, then reports shutdown", async () => {
    const q = new Queue<string>();
    q.add("a");
    q.add("b");
    q.shutDown();
    expect(itemOf(await q.get())).toBe("a");
    expect(itemOf(await q.get())).toBe("b");
    expect(await q.get()).toEqual({ shutdown: true });
  });

  it("shutDown does not wait for items being processed", async () => {
    const q = new Queue<string>();
    q.add("foo");
    q.add("bar");
    await q.get();
    await q.get();
    q.shutDown(); // returns although neither item is done
    expect(q.shuttingDown()).toBe(true);
  });

  it("shutDownWithDrain resolves only after every in-flight item is done", async () => {
    const q = new Queue<string>();
    q.add("foo");
    q.add("bar");
    const first = itemOf(await q.get());
    const second = itemOf(await q.get());
    let drained = false;
    const drain = q.shutDownWithDrain().then(() => (drained = true));
    expect(await q.get()).toEqual({ shutdown: true });
    await settle();
    expect(drained).toBe(false);
    q.done(first);
    await settle();
    expect(drained).toBe(false);
    q.done(second);
    await drain;
    expect(drained).toBe(true);
  });

  it("shutDownWithDrain resolves at once when nothing is processing", async () => {
    const q = new Queue<string>();
    await q.shutDownWithDrain();
    expect(q.shuttingDown()).toBe(true);
  });

  it("shutDown after shutDownWithDrain forces the drain to end", async () => {
    const q = new Queue<string>();
    q.add("foo");
    q.add("bar");
    await q.get();
    await q.get();
    let drained = false;
    const drain = q.shutDownWithDrain().then(() => (drained = true));
    await settle();
    expect(drained).toBe(false);
    q.shutDown();
    await drain;
    expect(drained).toBe(true);
  });

  it("during a drain, an item dirtied while processing is handed out again, then shutdown", async () => {
    const q = new Queue<string>();
    q.add("foo");
    const gotten = itemOf(await q.get());
    q.add("foo");
    const drain = q.shutDownWithDrain();
    expect(await q.get()).toEqual({ shutdown: true }); // nothing queued yet: foo is processing
    q.done(gotten);
    const again = await q.get();
    expect(again).toEqual({ shutdown: false, item: "foo" });
    q.done("foo");
    expect(await q.get()).toEqual({ shutdown: true });
    await drain;
  });
});

describe("Queue: concurrent workers", () => {
  for (const mode of ["shutDown", "shutDownWithDrain"] as const) {
    it(`50 producers, 10 consumers, then ${mode}: everything processed, nothing after shutdown`, async () => {
      const q = new Queue<number | string>();
      const rand = prng(mode.length);
      let processed = 0;
      const producers = Array.from({ length: 50 }, async (_, i) => {
        for (let j = 0; j < 50; j++) {
          q.add(i);
          await yieldTimes(1 + Math.floor(rand() * 3));
        }
      });
      const consumers = Array.from({ length: 10 }, async () => {
        for (;;) {
          const r = await q.get();
          if (r.shutdown) return;
          expect(r.item).not.toBe("added after shutdown!");
          await yieldTimes(1 + Math.floor(rand() * 5));
          processed++;
          q.done(r.item);
        }
      });
      await Promise.all(producers);
      await (mode === "shutDown" ? q.shutDown() : q.shutDownWithDrain());
      q.add("added after shutdown!");
      await Promise.all(consumers);
      expect(q.len()).toBe(0);
      expect(processed).toBeGreaterThanOrEqual(50);
    });

    it(`workers re-adding each item while processing, then ${mode}: the queue ends empty`, async () => {
      const q = new Queue<number>();
      for (let i = 0; i < 50; i++) q.add(i);
      const consumers = Array.from({ length: 10 }, async () => {
        const counters = new Map<number, number>();
        for (;;) {
          const r = await q.get();
          if (r.shutdown) return;
          const c = (counters.get(r.item) ?? 0) + 1;
          counters.set(r.item, c);
          if (c < 2) q.add(r.item);
          await Promise.resolve();
          q.done(r.item);
        }
      });
      await settle();
      await (mode === "shutDown" ? q.shutDown() : q.shutDownWithDrain());
      await Promise.all(consumers);
      expect(q.len()).toBe(0);
    });
  }

  it("stress: 64 async workers never process the same item at once, and every add is processed after it", async () => {
    const keys = 24;
    const workers = 64;
    const adds = 20_000;
    const q = new Queue<number>();
    const rand = prng(42);
    const inFlight = new Set<number>();
    /** Per key: sequence number of its latest add, and of the latest add a worker started after. */
    const lastAdd = new Array<number>(keys).fill(-1);
    const coveredUpTo = new Array<number>(keys).fill(-1);
    let seq = 0;
    let overlaps = 0;
    let processed = 0;

    const worker = async (): Promise<void> => {
      for (;;) {
        const r = await q.get();
        if (r.shutdown) return;
        const k = r.item;
        if (inFlight.has(k)) overlaps++;
        inFlight.add(k);
        coveredUpTo[k] = seq; // every add so far is seen by this processing
        await yieldTimes(Math.floor(rand() * 8));
        if (rand() < 0.2) {
          lastAdd[k] = ++seq;
          q.add(k); // re-add while processing: must be processed again after done
        }
        await yieldTimes(Math.floor(rand() * 4));
        inFlight.delete(k);
        processed++;
        q.done(k);
      }
    };
    const running = Array.from({ length: workers }, worker);
    for (let i = 0; i < adds; i++) {
      const k = Math.floor(rand() * keys);
      lastAdd[k] = ++seq;
      q.add(k);
      if (rand() < 0.3) await yieldTimes(1 + Math.floor(rand() * 6));
    }
    // Let the workers finish everything, then stop them.
    for (let i = 0; i < 1000 && (q.len() > 0 || inFlight.size > 0); i++) await settle();
    await q.shutDownWithDrain();
    await Promise.all(running);

    expect(overlaps).toBe(0);
    expect(q.len()).toBe(0);
    expect(processed).toBeGreaterThan(keys);
    for (let k = 0; k < keys; k++) expect(coveredUpTo[k]).toBeGreaterThanOrEqual(lastAdd[k] ?? 0);
  });
});

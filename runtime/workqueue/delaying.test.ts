import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DelayingQueue } from "./delaying.js";
import type { GetResult } from "./queue.js";

function itemOf<T>(r: GetResult<T>): T {
  if (r.shutdown) throw new Error("unexpected shutdown");
  return r.item;
}

describe("DelayingQueue (fake timers)", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("adds an item only once its delay has passed", async () => {
    const q = new DelayingQueue<string>();
    q.addAfter("foo", 50);
    expect(q.len()).toBe(0);
    expect(q.waitingLen()).toBe(1);
    vi.advanceTimersByTime(49);
    expect(q.len()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(q.len()).toBe(1);
    expect(q.waitingLen()).toBe(0);
    const item = itemOf(await q.get());
    q.done(item);
    vi.advanceTimersByTime(10_000);
    expect(q.len()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("resolves a waiting get when the delay passes", async () => {
    const q = new DelayingQueue<string>();
    const got = q.get();
    q.addAfter("later", 100);
    await vi.advanceTimersByTimeAsync(100);
    expect(await got).toEqual({ shutdown: false, item: "later" });
  });

  it("deduplicates: a later ready time is ignored, an earlier one wins", async () => {
    const q = new DelayingQueue<string>();
    q.addAfter("foo", 50);
    q.addAfter("foo", 70);
    expect(q.waitingLen()).toBe(1);
    vi.advanceTimersByTime(60);
    expect(q.len()).toBe(1);
    q.done(itemOf(await q.get()));
    vi.advanceTimersByTime(20); // past the ignored 70 ms add
    expect(q.len()).toBe(0);

    q.addAfter("foo", 50);
    q.addAfter("foo", 30);
    vi.advanceTimersByTime(29);
    expect(q.len()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(q.len()).toBe(1);
    q.done(itemOf(await q.get()));
    vi.advanceTimersByTime(30); // past the superseded 50 ms add
    expect(q.len()).toBe(0);
  });

  it("a waiting item can also be queued or processing; when its time comes it is just added", async () => {
    const q = new DelayingQueue<string>();
    q.add("foo");
    const item = itemOf(await q.get());
    q.addAfter("foo", 5);
    vi.advanceTimersByTime(5); // ready while processing: marked dirty, not handed out
    expect(q.len()).toBe(0);
    q.done(item);
    expect(q.len()).toBe(1);
    q.done(itemOf(await q.get()));

    q.add("bar");
    q.addAfter("bar", 5);
    vi.advanceTimersByTime(5); // already waiting in the queue: no duplicate
    expect(q.len()).toBe(1);
  });

  it("fires items in ready-time order, whatever the order they were added in", async () => {
    const q = new DelayingQueue<string>();
    q.addAfter("foo", 1000);
    q.addAfter("bar", 50);
    vi.advanceTimersByTime(60);
    expect(q.len()).toBe(1);
    expect(itemOf(await q.get())).toBe("bar");
    q.addAfter("baz", 2000);
    vi.advanceTimersByTime(1000);
    expect(q.len()).toBe(1);
    expect(itemOf(await q.get())).toBe("foo");
    vi.advanceTimersByTime(2000);
    expect(q.len()).toBe(1);
    expect(itemOf(await q.get())).toBe("baz");
  });

  it("adds several due items in ready-time order in one go, ties in add order", async () => {
    const q = new DelayingQueue<string>();
    q.addAfter("first", 1000);
    q.addAfter("second", 500);
    q.addAfter("third", 250);
    q.addAfter("tie-a", 700);
    q.addAfter("tie-b", 700);
    vi.advanceTimersByTime(2000);
    expect(q.len()).toBe(5);
    const got: string[] = [];
    for (let i = 0; i < 5; i++) got.push(itemOf(await q.get()));
    expect(got).toEqual(["third", "second", "tie-a", "tie-b", "first"]);
  });

  it("orders many random delays correctly (heap under load)", async () => {
    const q = new DelayingQueue<number>();
    const delays = Array.from({ length: 500 }, (_, i) => ((i * 7919) % 997) + 1);
    delays.forEach((d, i) => q.addAfter(i, d));
    vi.advanceTimersByTime(1000);
    const got: number[] = [];
    while (q.len() > 0) got.push(itemOf(await q.get()));
    const expected = delays.map((d, i) => ({ d, i })).sort((a, b) => a.d - b.d || a.i - b.i).map((x) => x.i);
    expect(got).toEqual(expected);
  });

  it("keeps a single timer, re-armed only for an earlier item", () => {
    const q = new DelayingQueue<number>();
    for (let i = 0; i < 100; i++) q.addAfter(i, 1000 + i);
    expect(vi.getTimerCount()).toBe(1);
    q.addAfter(1000, 10);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(10);
    expect(q.len()).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
  });

  it("adds at once with a zero, negative or NaN delay", () => {
    const q = new DelayingQueue<string>();
    q.addAfter("zero", 0);
    q.addAfter("negative", -5);
    q.addAfter("nan", Number.NaN);
    expect(q.len()).toBe(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("handles delays longer than setTimeout's maximum", () => {
    const q = new DelayingQueue<string>();
    const day = 24 * 3600 * 1000;
    q.addAfter("month", 30 * day);
    vi.advanceTimersByTime(25 * day);
    expect(q.len()).toBe(0);
    vi.advanceTimersByTime(5 * day);
    expect(q.len()).toBe(1);
  });

  it("drops waiting items and its timer on shutdown, and ignores addAfter afterwards", async () => {
    const q = new DelayingQueue<string>();
    q.addAfter("foo", 50);
    q.shutDown();
    expect(vi.getTimerCount()).toBe(0);
    expect(q.waitingLen()).toBe(0);
    q.addAfter("bar", 10);
    q.addAfter("now", 0);
    vi.advanceTimersByTime(100);
    expect(q.len()).toBe(0);
    expect(await q.get()).toEqual({ shutdown: true });

    const d = new DelayingQueue<string>();
    d.addAfter("foo", 50);
    await d.shutDownWithDrain();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("deduplicates object items by keyOf", () => {
    const q = new DelayingQueue<{ ns: string; name: string }>({ keyOf: (r) => `${r.ns}/${r.name}` });
    q.addAfter({ ns: "a", name: "x" }, 50);
    q.addAfter({ ns: "a", name: "x" }, 20);
    q.addAfter({ ns: "a", name: "y" }, 20);
    expect(q.waitingLen()).toBe(2);
    vi.advanceTimersByTime(20);
    expect(q.len()).toBe(2);
    vi.advanceTimersByTime(50);
    expect(q.len()).toBe(2);
  });
});

describe("DelayingQueue (real timers)", () => {
  it("unrefs its timer, so a waiting item never keeps the process alive", () => {
    const spy = vi.spyOn(globalThis, "setTimeout");
    try {
      const q = new DelayingQueue<string>();
      q.addAfter("in an hour", 3_600_000);
      const timer = spy.mock.results.at(-1)?.value as NodeJS.Timeout;
      expect(timer.hasRef()).toBe(false);
      q.shutDown();
    } finally {
      spy.mockRestore();
    }
  });
});

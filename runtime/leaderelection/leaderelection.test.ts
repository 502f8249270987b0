import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { realClock, type Clock } from "./clock.js";
import { LeaderElector, type LeaderElectionConfig } from "./leaderelection.js";
import { MemoryLeaseStore, MemoryLock } from "./memorylock.js";
import { leaseSpecToRecord, microTime, recordToLeaseSpec } from "./resourcelock.js";

interface Candidate {
  elector: LeaderElector;
  lock: MemoryLock;
  abort: AbortController;
  done: Promise<void>;
  events: string[];
  startedAt: number | undefined;
  stoppedAt: number | undefined;
}

function candidate(store: MemoryLeaseStore, id: string, extra: Partial<LeaderElectionConfig> = {}): Candidate {
  const lock = new MemoryLock(store, id);
  const abort = new AbortController();
  const c: Candidate = { lock, abort, events: [], startedAt: undefined, stoppedAt: undefined } as unknown as Candidate;
  c.elector = new LeaderElector({
    lock,
    leaseDuration: 1000,
    renewDeadline: 700,
    retryPeriod: 200,
    random: () => 0.5,
    callbacks: {
      onStartedLeading: () => {
        c.startedAt = Date.now();
        c.events.push("started");
      },
      onStoppedLeading: ({ lost }) => {
        c.stoppedAt = Date.now();
        c.events.push(lost ? "lost" : "stopped");
      },
      onNewLeader: (who) => c.events.push(`leader:${who}`),
    },
    ...extra,
  });
  c.done = c.elector.run(abort.signal);
  return c;
}

describe("LeaderElector config", () => {
  const lock = new MemoryLock(new MemoryLeaseStore(), "a");
  const cb = { onStartedLeading: () => {} };
  it("has client-go's defaults", () => {
    const e = new LeaderElector({ lock, callbacks: cb });
    expect([e.leaseDuration, e.renewDeadline, e.retryPeriod, e.releaseOnCancel]).toEqual([15_000, 10_000, 2_000, false]);
  });
  it("rejects what client-go rejects, with its messages", () => {
    expect(() => new LeaderElector({ lock, callbacks: cb, leaseDuration: 10_000, renewDeadline: 10_000 })).toThrow("leaseDuration must be greater than renewDeadline");
    expect(() => new LeaderElector({ lock, callbacks: cb, renewDeadline: 2_400, retryPeriod: 2_000 })).toThrow("renewDeadline must be greater than retryPeriod*JitterFactor");
    expect(() => new LeaderElector({ lock, callbacks: cb, retryPeriod: 0 })).toThrow("retryPeriod must be greater than zero");
    expect(() => new LeaderElector({ lock: new MemoryLock(new MemoryLeaseStore(), ""), callbacks: cb })).toThrow("Lock identity is empty");
  });
});

describe("Lease spec mapping", () => {
  it("writes every client-go field, MicroTime with six fractional digits", () => {
    const t = Date.parse("2024-05-01T12:00:10.654Z");
    const spec = recordToLeaseSpec({ holderIdentity: "a", leaseDurationSeconds: 15, acquireTime: t, renewTime: t, leaderTransitions: 3 });
    expect(spec).toEqual({ holderIdentity: "a", leaseDurationSeconds: 15, acquireTime: "2024-05-01T12:00:10.654000Z", renewTime: "2024-05-01T12:00:10.654000Z", leaseTransitions: 3 });
    expect(leaseSpecToRecord(spec)).toEqual({ holderIdentity: "a", leaseDurationSeconds: 15, acquireTime: t, renewTime: t, leaderTransitions: 3 });
    expect(leaseSpecToRecord({ renewTime: "2024-05-01T12:00:10.654321Z" }).renewTime).toBe(t);
    expect(leaseSpecToRecord(undefined)).toEqual({ holderIdentity: "", leaseDurationSeconds: 0, acquireTime: undefined, renewTime: undefined, leaderTransitions: 0 });
    expect(microTime(0)).toBe("1970-01-01T00:00:00.000000Z");
  });
});

describe("LeaderElector (memory lock, fake timers)", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse("2025-01-01T00:00:00Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("creates the record, leads and renews every retry period", async () => {
    const store = new MemoryLeaseStore();
    const a = candidate(store, "a");
    await vi.advanceTimersByTimeAsync(10);
    expect(a.elector.isLeading()).toBe(true);
    expect(store.current?.record).toMatchObject({ holderIdentity: "a", leaseDurationSeconds: 1, leaderTransitions: 0 });
    const acquired = store.current?.record.acquireTime;
    const writes = store.writes;
    await vi.advanceTimersByTimeAsync(1000);
    expect(store.writes - writes).toBe(5); // one renewal per 200 ms
    expect(store.current?.record.acquireTime).toBe(acquired);
    expect(store.current?.record.renewTime).toBeGreaterThan(acquired ?? Infinity);
    a.abort.abort();
    await a.done;
    expect(a.events).toEqual(["leader:a", "started", "stopped"]);
    // no releaseOnCancel: the record still names a
    expect(store.current?.record.holderIdentity).toBe("a");
  });

  it("a second candidate waits while the leader renews, and takes over a lease duration after the leader crashed", async () => {
    const store = new MemoryLeaseStore();
    const a = candidate(store, "a");
    await vi.advanceTimersByTimeAsync(10);
    const b = candidate(store, "b");
    await vi.advanceTimersByTimeAsync(5000);
    expect(a.elector.isLeading()).toBe(true);
    expect(b.elector.isLeading()).toBe(false);
    expect(b.elector.getLeader()).toBe("a");
    const crash = Date.now();
    a.abort.abort(); // stops renewing, no release
    await a.done;
    await vi.advanceTimersByTimeAsync(3000);
    expect(b.elector.isLeading()).toBe(true);
    const failover = (b.startedAt ?? 0) - crash;
    expect(failover).toBeGreaterThan(500);
    expect(failover).toBeLessThanOrEqual(1000 + 2.2 * 200);
    expect(store.current?.record).toMatchObject({ holderIdentity: "b", leaderTransitions: 1 });
    b.abort.abort();
    await b.done;
  });

  it("releaseOnCancel hands over within a (jittered) retry period", async () => {
    const store = new MemoryLeaseStore();
    const a = candidate(store, "a", { releaseOnCancel: true });
    await vi.advanceTimersByTimeAsync(10);
    const b = candidate(store, "b", { releaseOnCancel: true });
    await vi.advanceTimersByTimeAsync(3000);
    const t0 = Date.now();
    a.abort.abort();
    await a.done;
    expect(store.current?.record).toMatchObject({ holderIdentity: "", leaseDurationSeconds: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(b.elector.isLeading()).toBe(true);
    expect((b.startedAt ?? 0) - t0).toBeLessThanOrEqual(2.2 * 200);
    b.abort.abort();
    await b.done;
  });

  it("a partitioned leader stops leading after renewDeadline, before anyone else can take over", async () => {
    const store = new MemoryLeaseStore();
    const a = candidate(store, "a");
    await vi.advanceTimersByTimeAsync(10);
    const b = candidate(store, "b");
    await vi.advanceTimersByTimeAsync(2000);
    const t0 = Date.now();
    a.lock.failing = new Error("connection refused");
    await vi.advanceTimersByTimeAsync(3000);
    await a.done;
    expect(a.events).toContain("lost");
    expect(b.elector.isLeading()).toBe(true);
    expect(a.stoppedAt).toBeDefined();
    expect(b.startedAt).toBeDefined();
    // a stopped before b started: never two leaders
    expect(a.stoppedAt ?? Infinity).toBeLessThan(b.startedAt ?? 0);
    expect((a.stoppedAt ?? 0) - t0).toBeLessThanOrEqual(200 + 700 + 10);
    b.abort.abort();
    await b.done;
  });

  it("uses the observer's clock, not the remote renewTime: a skewed clock does not steal a live lease", async () => {
    const store = new MemoryLeaseStore();
    const a = candidate(store, "a");
    await vi.advanceTimersByTimeAsync(10);
    const ahead: Clock = { now: () => Date.now() + 3_600_000, sleep: realClock.sleep };
    const behind: Clock = { now: () => Date.now() - 3_600_000, sleep: realClock.sleep };
    const b = candidate(store, "b", { clock: ahead });
    const c = candidate(store, "c", { clock: behind });
    await vi.advanceTimersByTimeAsync(5000);
    expect([a.elector.isLeading(), b.elector.isLeading(), c.elector.isLeading()]).toEqual([true, false, false]);
    a.abort.abort();
    await a.done;
    await vi.advanceTimersByTimeAsync(3000);
    expect([b.elector.isLeading(), c.elector.isLeading()].filter(Boolean)).toHaveLength(1);
    b.abort.abort();
    c.abort.abort();
    await Promise.all([b.done, c.done]);
  });

  it("a deleted lease is recreated by the leader; a stolen one makes it lose", async () => {
    const store = new MemoryLeaseStore();
    const a = candidate(store, "a");
    await vi.advanceTimersByTimeAsync(10);
    store.delete();
    await vi.advanceTimersByTimeAsync(1000);
    expect(a.elector.isLeading()).toBe(true);
    expect(store.current?.record.holderIdentity).toBe("a");
    // someone else writes the lease with a long duration
    const thief = new MemoryLock(store, "thief");
    await thief.get();
    await thief.update({ holderIdentity: "thief", leaseDurationSeconds: 60, acquireTime: Date.now(), renewTime: Date.now(), leaderTransitions: 9 });
    await vi.advanceTimersByTimeAsync(2000);
    await a.done;
    expect(a.events.at(-1)).toBe("lost");
    expect(a.events).toContain("leader:thief");
  });

  it("awaits onStartedLeading's work before releasing", async () => {
    const store = new MemoryLeaseStore();
    const order: string[] = [];
    const lock = new MemoryLock(store, "a");
    const abort = new AbortController();
    const e = new LeaderElector({
      lock,
      leaseDuration: 1000,
      renewDeadline: 700,
      retryPeriod: 200,
      releaseOnCancel: true,
      callbacks: {
        onStartedLeading: async (signal) => {
          await new Promise<void>((r) => signal.addEventListener("abort", () => r()));
          await new Promise<void>((r) => setTimeout(r, 300));
          order.push(`work done, holder=${store.current?.record.holderIdentity}`);
        },
        onStoppedLeading: () => order.push(`stopped, holder=${store.current?.record.holderIdentity}`),
      },
    });
    const done = e.run(abort.signal);
    await vi.advanceTimersByTimeAsync(10);
    abort.abort();
    await vi.advanceTimersByTimeAsync(500);
    await done;
    expect(order).toEqual(["work done, holder=a", "stopped, holder="]);
  });
});

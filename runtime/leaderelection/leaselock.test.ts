/**
 * Leader election against the local control plane: LeaseLock fields, mutual exclusion sampled through the
 * Lease and the electors' state, graceful handoff and crash failover times, many forced failovers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../client/client.js";
import { startControlPlane, type RunningControlPlane } from "../testing/index.js";
import { LeaderElector } from "./leaderelection.js";
import { LeaseLock, type Lease, type LeaderElectionRecord, type ObservedRecord, type ResourceLock } from "./resourcelock.js";

let cp: RunningControlPlane;
let client: Client;

beforeAll(async () => {
  cp = await startControlPlane();
  client = new Client(cp.kubeConfig, { qps: 0 });
});
afterAll(async () => {
  client?.close();
  await cp?.stop();
});

const timing = { leaseDuration: 1000, renewDeadline: 700, retryPeriod: 200 };

/** A lock whose calls hang (until their signal aborts) once frozen: a process whose renew loop was killed. */
class FreezableLock implements ResourceLock {
  frozen = false;
  constructor(private readonly inner: LeaseLock) {}
  private async gate(signal?: AbortSignal): Promise<void> {
    if (!this.frozen) return;
    await new Promise<void>((resolve) => {
      if (!signal || signal.aborted) return resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
    throw new Error("frozen");
  }
  async get(signal?: AbortSignal): Promise<ObservedRecord> {
    await this.gate(signal);
    return this.inner.get(signal);
  }
  async create(r: LeaderElectionRecord, signal?: AbortSignal): Promise<void> {
    await this.gate(signal);
    return this.inner.create(r, signal);
  }
  async update(r: LeaderElectionRecord, signal?: AbortSignal): Promise<void> {
    await this.gate(signal);
    return this.inner.update(r, signal);
  }
  identity(): string {
    return this.inner.identity();
  }
  describe(): string {
    return this.inner.describe();
  }
}

interface Cand {
  id: string;
  lock: FreezableLock;
  elector: LeaderElector;
  abort: AbortController;
  done: Promise<void>;
  startedAt: number | undefined;
  stoppedAt: number | undefined;
  lost: boolean;
}

let seq = 0;
function candidate(name: string, onStart?: (c: Cand) => void): Cand {
  const id = `cand-${++seq}`;
  const lock = new FreezableLock(new LeaseLock({ client, namespace: "default", name, identity: id }));
  const abort = new AbortController();
  const c = { id, lock, abort, startedAt: undefined, stoppedAt: undefined, lost: false } as unknown as Cand;
  c.elector = new LeaderElector({
    lock,
    ...timing,
    releaseOnCancel: true,
    callbacks: {
      onStartedLeading: () => {
        c.startedAt = performance.now();
        onStart?.(c);
      },
      onStoppedLeading: ({ lost }) => {
        c.stoppedAt = performance.now();
        c.lost = lost;
      },
    },
  });
  c.done = c.elector.run(abort.signal);
  return c;
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 5));
  }
}

function getLease(name: string): Promise<Lease> {
  return client.get<Lease>({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", namespace: "default", name });
}

describe("LeaseLock on coordination.k8s.io/v1", () => {
  it("writes client-go's fields: holderIdentity, leaseDurationSeconds, MicroTime acquire/renew times, leaseTransitions", async () => {
    const a = candidate("fields");
    await until(() => a.startedAt !== undefined, 5000);
    const lease = await getLease("fields");
    expect(lease.spec?.holderIdentity).toBe(a.id);
    expect(lease.spec?.leaseDurationSeconds).toBe(1);
    expect(lease.spec?.leaseTransitions).toBe(0);
    expect(lease.spec?.acquireTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(lease.spec?.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    await new Promise((r) => setTimeout(r, 500));
    const renewed = await getLease("fields");
    expect(renewed.spec?.acquireTime).toBe(lease.spec?.acquireTime);
    expect(Date.parse(renewed.spec?.renewTime ?? "")).toBeGreaterThan(Date.parse(lease.spec?.renewTime ?? ""));
    a.abort.abort();
    await a.done;
    const released = await getLease("fields");
    expect(released.spec).toMatchObject({ holderIdentity: "", leaseDurationSeconds: 1, leaseTransitions: 0 });
  });

  it("three electors: exactly one leads at every sampled instant, and the Lease names it", async () => {
    const cands = [candidate("three"), candidate("three"), candidate("three")];
    await until(() => cands.some((c) => c.elector.isLeading()), 5000);
    let samples = 0;
    let leaseChecks = 0;
    const end = performance.now() + 3000;
    while (performance.now() < end) {
      const before = cands.filter((c) => c.elector.isLeading()).map((c) => c.id);
      expect(before.length).toBeLessThanOrEqual(1);
      const lease = await getLease("three");
      const after = cands.filter((c) => c.elector.isLeading()).map((c) => c.id);
      if (before.length === 1 && after.length === 1 && before[0] === after[0]) {
        expect(lease.spec?.holderIdentity).toBe(before[0]);
        leaseChecks++;
      }
      samples++;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(leaseChecks).toBeGreaterThan(samples / 2);
    for (const c of cands) c.abort.abort();
    await Promise.all(cands.map((c) => c.done));
  });

  it("50 forced failovers (alternating graceful release and crash): never two leaders; handoff ≈ retry period, failover ≤ leaseDuration + retry", async () => {
    const name = "failover";
    const live = new Set<Cand>();
    const all: Cand[] = [];
    let maxLeading = 0;
    let leaseMismatches = 0;
    const spawn = (): Cand => {
      const c = candidate(name, () => {
        const leading = all.filter((x) => x.elector.isLeading()).length;
        maxLeading = Math.max(maxLeading, leading);
      });
      live.add(c);
      all.push(c);
      return c;
    };
    spawn();
    spawn();
    // sample continuously in the background
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const leading = all.filter((x) => x.elector.isLeading());
        maxLeading = Math.max(maxLeading, leading.length);
        if (leading.length === 1) {
          const lease = await getLease(name).catch(() => undefined);
          const still = all.filter((x) => x.elector.isLeading());
          if (lease && still.length === 1 && still[0] === leading[0] && lease.spec?.holderIdentity !== leading[0]?.id) leaseMismatches++;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    const graceful: number[] = [];
    const crash: number[] = [];
    const rounds = 50;
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) {
      await until(() => [...live].some((c) => c.elector.isLeading()), 5000);
      const leader = [...live].find((c) => c.elector.isLeading());
      if (!leader) throw new Error("no leader");
      live.delete(leader);
      const killedAt = performance.now();
      if (i % 2 === 0) {
        leader.abort.abort(); // graceful: release on cancel
      } else {
        leader.lock.frozen = true; // crash: no more renewals, no release
        leader.abort.abort();
      }
      await until(() => [...live].some((c) => c.elector.isLeading()), 5000);
      const next = [...live].find((c) => c.elector.isLeading());
      (i % 2 === 0 ? graceful : crash).push((next?.startedAt ?? 0) - killedAt);
      spawn();
    }
    const elapsed = performance.now() - t0;
    sampling = false;
    await sampler;
    for (const c of live) c.abort.abort();
    await Promise.all(all.map((c) => c.done));

    const stats = (xs: number[]): { min: number; median: number; max: number } => {
      const s = [...xs].sort((a, b) => a - b);
      return { min: Math.round(s[0] ?? 0), median: Math.round(s[Math.floor(s.length / 2)] ?? 0), max: Math.round(s[s.length - 1] ?? 0) };
    };
    console.log(`leader election: ${rounds} failovers in ${Math.round(elapsed)} ms; graceful handoff ms ${JSON.stringify(stats(graceful))}; crash failover ms ${JSON.stringify(stats(crash))}`);
    expect(maxLeading).toBe(1);
    expect(leaseMismatches).toBe(0);
    // graceful: the follower takes over at its next retry (retryPeriod 200 ms, jittered up to ×2.2)
    expect(stats(graceful).max).toBeLessThan(2.2 * timing.retryPeriod + 250);
    // crash: within leaseDuration + a (jittered) retry period
    expect(stats(crash).max).toBeLessThan(timing.leaseDuration + 2.2 * timing.retryPeriod + 250);
    const lease = await getLease(name);
    expect(lease.spec?.leaseTransitions).toBeGreaterThanOrEqual(rounds);
  }, 120_000);
});

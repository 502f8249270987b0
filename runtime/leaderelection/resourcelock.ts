/**
 * Resource locks for leader election (client-go's tools/leaderelection/resourcelock): the record the electors
 * agree on and the object it lives in. `LeaseLock` keeps it in a coordination.k8s.io/v1 Lease with exactly the
 * fields client-go writes, so a kubeforge manager and a Go controller can contend for the same lease.
 */
import type { Client } from "../client/client.js";
import { formatMicroTime } from "../core/duration.js";
import type { KubeObject } from "../core/object.js";

/**
 * What an elector reads and writes (client-go's LeaderElectionRecord). Times are epoch milliseconds; on the
 * wire they are MicroTime strings ("2024-05-01T12:00:10.654000Z").
 */
export interface LeaderElectionRecord {
  /** The current holder; "" when the lease was released. */
  holderIdentity: string;
  /** How long, in whole seconds, others wait after they last saw the record change before taking over. */
  leaseDurationSeconds: number;
  /** When the current holder acquired the lease (epoch ms), undefined when the object has none. */
  acquireTime: number | undefined;
  /** When the holder last renewed (epoch ms). Informational only: expiry is judged by the observer's clock. */
  renewTime: number | undefined;
  /** How many times the lease changed hands. */
  leaderTransitions: number;
}

/** The record as read, plus a canonical serialisation that changes whenever any field changes. */
export interface ObservedRecord {
  record: LeaderElectionRecord;
  /** Compared byte for byte to decide whether the record changed since the last observation. */
  raw: string;
}

/**
 * The object that holds a {@link LeaderElectionRecord} (client-go's resourcelock.Interface).
 *
 * Contract: `get`, `create` and `update` are optimistic: the lock remembers the object version it last read or
 * wrote, and `update` succeeds only if nobody wrote the object since (a ConflictError otherwise: someone else
 * won). `get` throws a NotFoundError (isNotFound) when the object does not exist. Every method honours `signal`.
 */
export interface ResourceLock {
  /** Reads the record (and remembers the object's version for the next update). */
  get(signal?: AbortSignal): Promise<ObservedRecord>;
  /** Creates the object with this record; AlreadyExists when someone else created it first. */
  create(record: LeaderElectionRecord, signal?: AbortSignal): Promise<void>;
  /** Replaces the record of the version last read or written; ConflictError when that version is stale. */
  update(record: LeaderElectionRecord, signal?: AbortSignal): Promise<void>;
  /** This candidate's identity (unique per process, e.g. hostname + random suffix). */
  identity(): string;
  /** "namespace/name", for logs and events. */
  describe(): string;
}

/** coordination.k8s.io/v1 Lease as far as leader election uses it. */
export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
    strategy?: string;
    preferredHolder?: string;
  };
}

function parseTime(s: string | undefined | null): number | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** The MicroTime text of an epoch-ms instant (six fractional digits, UTC). */
export function microTime(ms: number): string {
  return formatMicroTime(new Date(ms));
}

/** client-go's LeaseSpecToLeaderElectionRecord. */
export function leaseSpecToRecord(spec: Lease["spec"]): LeaderElectionRecord {
  return {
    holderIdentity: spec?.holderIdentity ?? "",
    leaseDurationSeconds: spec?.leaseDurationSeconds ?? 0,
    acquireTime: parseTime(spec?.acquireTime),
    renewTime: parseTime(spec?.renewTime),
    leaderTransitions: spec?.leaseTransitions ?? 0,
  };
}

/** client-go's LeaderElectionRecordToLeaseSpec: every field is written, holderIdentity "" included. */
export function recordToLeaseSpec(r: LeaderElectionRecord): NonNullable<Lease["spec"]> {
  return {
    holderIdentity: r.holderIdentity,
    leaseDurationSeconds: r.leaseDurationSeconds,
    ...(r.acquireTime !== undefined ? { acquireTime: microTime(r.acquireTime) } : {}),
    ...(r.renewTime !== undefined ? { renewTime: microTime(r.renewTime) } : {}),
    leaseTransitions: r.leaderTransitions,
  };
}

/** The canonical serialisation of a record (field order fixed). */
export function rawRecord(r: LeaderElectionRecord): string {
  return JSON.stringify([r.holderIdentity, r.leaseDurationSeconds, r.acquireTime ?? null, r.renewTime ?? null, r.leaderTransitions]);
}

export interface LeaseLockOptions {
  client: Client;
  namespace: string;
  name: string;
  /** This candidate's identity. */
  identity: string;
  /** Labels put on the Lease when this lock creates it. */
  labels?: Readonly<Record<string, string>>;
}

/** A {@link ResourceLock} on a coordination.k8s.io/v1 Lease (client-go's LeaseLock). */
export class LeaseLock implements ResourceLock {
  readonly namespace: string;
  readonly name: string;
  private readonly client: Client;
  private readonly id: string;
  private readonly labels: Readonly<Record<string, string>> | undefined;
  /** The Lease as last read or written (its resourceVersion guards the next update). */
  private lease: Lease | undefined;

  constructor(opts: LeaseLockOptions) {
    this.client = opts.client;
    this.namespace = opts.namespace;
    this.name = opts.name;
    this.id = opts.identity;
    this.labels = opts.labels;
  }

  private ref(): { apiVersion: string; kind: string; namespace: string; name: string } {
    return { apiVersion: "coordination.k8s.io/v1", kind: "Lease", namespace: this.namespace, name: this.name };
  }

  async get(signal?: AbortSignal): Promise<ObservedRecord> {
    const lease = await this.client.get<Lease>(this.ref(), signal ? { signal } : {});
    this.lease = lease;
    const record = leaseSpecToRecord(lease.spec);
    return { record, raw: rawRecord(record) };
  }

  async create(record: LeaderElectionRecord, signal?: AbortSignal): Promise<void> {
    const body: Lease = {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { namespace: this.namespace, name: this.name, ...(this.labels ? { labels: { ...this.labels } } : {}) },
      spec: recordToLeaseSpec(record),
    };
    this.lease = await this.client.create(body, signal ? { signal } : {});
  }

  async update(record: LeaderElectionRecord, signal?: AbortSignal): Promise<void> {
    const current = this.lease;
    if (!current) throw new Error("lease not initialized, call get or create first");
    const body: Lease = { ...current, spec: { ...current.spec, ...recordToLeaseSpec(record) } };
    this.lease = await this.client.update(body, signal ? { signal } : {});
  }

  identity(): string {
    return this.id;
  }

  describe(): string {
    return `${this.namespace}/${this.name}`;
  }
}

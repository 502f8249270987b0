/**
 * An in-memory {@link ResourceLock} for unit tests: several `MemoryLock`s over one `MemoryLeaseStore` contend
 * like electors on one Lease (versions, Conflict, NotFound, AlreadyExists), with no API server.
 */
import { AlreadyExistsError, ConflictError, NotFoundError } from "../client/errors.js";
import type { Status, StatusReason } from "../core/status.js";
import { rawRecord, type LeaderElectionRecord, type ObservedRecord, type ResourceLock } from "./resourcelock.js";

function status(code: number, reason: StatusReason, message: string): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code, reason, message };
}

const notFound = (): NotFoundError => new NotFoundError(status(404, "NotFound", 'leases.coordination.k8s.io "memory" not found'));

/** The shared "server side" of {@link MemoryLock}s. */
export class MemoryLeaseStore {
  /** The stored record and its version; undefined when there is none. */
  current: { record: LeaderElectionRecord; version: number } | undefined;
  private nextVersion = 1;
  /** Successful writes (create + update). */
  writes = 0;

  write(record: LeaderElectionRecord, expectedVersion: number | undefined): number {
    if (expectedVersion === undefined) {
      if (this.current) throw new AlreadyExistsError(status(409, "AlreadyExists", 'leases.coordination.k8s.io "memory" already exists'));
    } else {
      if (!this.current) throw notFound();
      if (this.current.version !== expectedVersion) {
        throw new ConflictError(
          status(409, "Conflict", 'Operation cannot be fulfilled on leases.coordination.k8s.io "memory": the object has been modified; please apply your changes to the latest version and try again'),
        );
      }
    }
    const version = this.nextVersion++;
    this.current = { record: { ...record }, version };
    this.writes++;
    return version;
  }

  /** Deletes the record (as `kubectl delete lease` would). */
  delete(): void {
    this.current = undefined;
  }
}

/** One candidate's view of a {@link MemoryLeaseStore}. `failing` makes every call throw (a partitioned client). */
export class MemoryLock implements ResourceLock {
  private version: number | undefined;
  /** When set, every call rejects with this error (simulates an unreachable API server). */
  failing: Error | undefined;

  constructor(
    readonly store: MemoryLeaseStore,
    private readonly id: string,
  ) {}

  private check(signal: AbortSignal | undefined): void {
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("aborted");
    if (this.failing) throw this.failing;
  }

  async get(signal?: AbortSignal): Promise<ObservedRecord> {
    await Promise.resolve();
    this.check(signal);
    const cur = this.store.current;
    if (!cur) throw notFound();
    this.version = cur.version;
    return { record: { ...cur.record }, raw: rawRecord(cur.record) };
  }

  async create(record: LeaderElectionRecord, signal?: AbortSignal): Promise<void> {
    await Promise.resolve();
    this.check(signal);
    this.version = this.store.write(record, undefined);
  }

  async update(record: LeaderElectionRecord, signal?: AbortSignal): Promise<void> {
    await Promise.resolve();
    this.check(signal);
    if (this.version === undefined) throw new Error("lease not initialized, call get or create first");
    this.version = this.store.write(record, this.version);
  }

  identity(): string {
    return this.id;
  }

  describe(): string {
    return `memory/${this.id}`;
  }
}

/**
 * The work queue (client-go `workqueue.Typed`): a FIFO of distinct items with a dirty set and a processing
 * set, handed to async workers.
 *
 * Guarantees
 * - An item is never handed to two workers at once: until `done(item)`, the item is "processing" and adding it
 *   again only marks it dirty; `done` then puts it back at the tail of the queue, once, however many times it
 *   was added meanwhile.
 * - Adding an item that is already waiting is a no-op (it keeps its place in the queue).
 * - Otherwise first in, first out; waiting `get()` calls are served in the order they were made.
 *
 * Items are compared by a key: `keyOf(item)`, by default the item itself (strings and numbers compare by value,
 * objects by reference). For object requests pass a `keyOf` such as `(r) => \`${r.namespace}/${r.name}\``.
 * When an item is added while it is processing, the queue re-queues the item from that latest add.
 */
import { realClock, type Clock } from "./clock.js";
import { getMetricsProvider, QueueMetrics, type MetricsProvider } from "./metrics.js";

/** What `get()` resolves to: an item to process, or `{ shutdown: true }` when the worker should stop. */
export type GetResult<T> = { readonly shutdown: false; readonly item: T } | { readonly shutdown: true };

/** Options shared by every queue. */
export interface QueueOptions<T> {
  /** Metrics name (controller-runtime: the controller name). Without a name the queue records no metrics. */
  name?: string;
  /** The identity of an item; default: the item itself (SameValueZero, as a `Map` key). */
  keyOf?: (item: T) => unknown;
  /** Metrics provider; default: the one set with `setMetricsProvider` when the queue is created (no-op). */
  metricsProvider?: MetricsProvider;
  /** Time source of metrics and delays; default `performance.now()`. */
  clock?: Clock;
  /** How often the unfinished-work gauges are updated while metrics are on; default 500 ms. */
  unfinishedWorkUpdatePeriodMs?: number;
}

/** The contract of a work queue (client-go `workqueue.Interface`), for fakes and wrappers. */
export interface QueueInterface<T> {
  /**
   * Marks `item` as needing processing. No-op if the item is already waiting or the queue is shutting down;
   * if the item is being processed it is re-queued when its worker calls `done`.
   */
  add(item: T): void;
  /**
   * Resolves with the next item as soon as one is available, which the caller now owns until it calls
   * `done(item)`; resolves with `{ shutdown: true }` once the queue is shutting down and empty (items queued
   * before the shutdown are still handed out). Never rejects.
   */
  get(): Promise<GetResult<T>>;
  /**
   * Marks `item`, obtained from `get()`, as processed. If it was added again meanwhile it goes back to the tail
   * of the queue. Must be called exactly once per `get()`, also when processing failed; no-op for an item that
   * is not being processed.
   */
  done(item: T): void;
  /** Number of items waiting to be handed out (not counting the ones being processed). Informational only. */
  len(): number;
  /**
   * Stops accepting items and makes idle and future `get()` calls resolve with `{ shutdown: true }` once the
   * queue is empty. Does not wait for anything; cancels a pending `shutDownWithDrain`. Idempotent.
   */
  shutDown(): void;
  /**
   * Like `shutDown`, then resolves once every item being processed has been marked `done` (or at once if none
   * is). Workers must keep calling `done`, or this never resolves; calling `shutDown` afterwards makes it
   * resolve immediately. Items still queued when processing reaches zero are not waited for.
   */
  shutDownWithDrain(): Promise<void>;
  /** True once `shutDown` or `shutDownWithDrain` was called. */
  shuttingDown(): boolean;
}

const shutdownResult: GetResult<never> = Object.freeze({ shutdown: true });
const defaultUnfinishedWorkUpdatePeriodMs = 500;
const identity = (item: unknown): unknown => item;

/** A FIFO on an array with a moving head, compacted when the dead prefix dominates: O(1) amortised. */
class Fifo<E> {
  #items: (E | undefined)[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(e: E): void {
    this.#items.push(e);
  }

  /** The oldest entry; the caller checks `length` first. */
  shift(): E {
    const items = this.#items;
    const e = items[this.#head] as E;
    items[this.#head++] = undefined;
    if (this.#head === items.length) {
      items.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= items.length) {
      this.#items = items.slice(this.#head);
      this.#head = 0;
    }
    return e;
  }

  /** Removes and returns every entry. */
  drain(): E[] {
    const out = this.#items.slice(this.#head) as E[];
    this.#items = [];
    this.#head = 0;
    return out;
  }
}

/** A work queue with client-go semantics; see the module comment and {@link QueueInterface}. */
export class Queue<T> implements QueueInterface<T> {
  /** The identity of an item (the `keyOf` option). */
  protected readonly keyOf: (item: T) => unknown;
  /** The queue's time source (the `clock` option). */
  protected readonly clock: Clock;
  /** Keys in hand-out order; every key here is dirty and not processing. */
  readonly #queue = new Fifo<unknown>();
  /** Keys that need processing, with the item of their latest add. */
  readonly #dirty = new Map<unknown, T>();
  /** Keys handed to a worker and not yet done. */
  readonly #processing = new Set<unknown>();
  /** Resolvers of `get()` calls waiting for an item; non-empty only while the queue is empty. */
  readonly #waiters = new Fifo<(r: GetResult<T>) => void>();
  /** Resolvers of `shutDownWithDrain()` calls. */
  #drainWaiters: (() => void)[] = [];
  #shuttingDown = false;
  readonly #metrics: QueueMetrics | undefined;
  #unfinishedWorkTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: QueueOptions<T> = {}) {
    this.keyOf = options.keyOf ?? (identity as (item: T) => unknown);
    this.clock = options.clock ?? realClock;
    this.#metrics = QueueMetrics.create(options.name, options.metricsProvider ?? getMetricsProvider(), this.clock);
    if (this.#metrics) {
      const m = this.#metrics;
      this.#unfinishedWorkTimer = setInterval(() => m.updateUnfinishedWork(), options.unfinishedWorkUpdatePeriodMs ?? defaultUnfinishedWorkUpdatePeriodMs);
      this.#unfinishedWorkTimer.unref?.();
    }
  }

  add(item: T): void {
    if (this.#shuttingDown) return;
    const key = this.keyOf(item);
    if (this.#processing.has(key)) {
      // Re-queued by done(); the latest add's item is the one handed out next time.
      if (!this.#dirty.has(key)) this.#metrics?.add(key);
      this.#dirty.set(key, item);
      return;
    }
    if (this.#dirty.has(key)) return;
    this.#metrics?.add(key);
    this.#dirty.set(key, item);
    this.#enqueue(key);
  }

  get(): Promise<GetResult<T>> {
    if (this.#queue.length > 0) return Promise.resolve(this.#take());
    if (this.#shuttingDown) return Promise.resolve(shutdownResult);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  done(item: T): void {
    const key = this.keyOf(item);
    if (!this.#processing.delete(key)) return;
    this.#metrics?.done(key);
    if (this.#dirty.has(key)) {
      this.#enqueue(key);
    } else if (this.#processing.size === 0 && this.#drainWaiters.length > 0) {
      this.#releaseDrainWaiters();
    }
  }

  len(): number {
    return this.#queue.length;
  }

  shutDown(): void {
    this.#shutdown();
    this.#releaseDrainWaiters();
  }

  shutDownWithDrain(): Promise<void> {
    this.#shutdown();
    if (this.#processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Appends a dirty key and, if a worker is waiting, hands it the head of the queue (which is this key). */
  #enqueue(key: unknown): void {
    this.#queue.push(key);
    if (this.#waiters.length > 0) this.#waiters.shift()(this.#take());
  }

  /** Moves the head of the (non-empty) queue to processing and returns its item. */
  #take(): GetResult<T> {
    const key = this.#queue.shift();
    const item = this.#dirty.get(key) as T;
    this.#dirty.delete(key);
    this.#processing.add(key);
    this.#metrics?.get(key);
    return { shutdown: false, item };
  }

  #shutdown(): void {
    this.#shuttingDown = true;
    if (this.#unfinishedWorkTimer !== undefined) {
      clearInterval(this.#unfinishedWorkTimer);
      this.#unfinishedWorkTimer = undefined;
    }
    // Waiters exist only while the queue is empty: they are told to stop.
    for (const resolve of this.#waiters.drain()) resolve(shutdownResult);
  }

  #releaseDrainWaiters(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/**
 * The delaying queue (client-go `workqueue.DelayingInterface`): a work queue whose items can also be added
 * after a delay. Waiting items sit in a min-heap ordered by ready time, watched by a single timer armed for the
 * earliest one; the timer is unref'd, so items waiting for their time never keep the process alive.
 *
 * Guarantees
 * - An item added with `addAfter(item, ms)` is added (with `add` semantics) no earlier than `ms` after the call.
 * - An item waits at most once: adding it again with an earlier ready time moves it earlier, with a later ready
 *   time changes nothing (client-go's behaviour). Waiting does not make an item dirty: the same item can be in
 *   the queue, being processed, and waiting at the same time; when its time comes it is simply added.
 * - Items with the same ready time become ready in the order they were first added.
 * - After a shutdown, waiting items are dropped and `addAfter` is ignored.
 */
import { MinHeap, type HeapEntry } from "./heap.js";
import { getMetricsProvider, retriesMetric, type CounterMetric } from "./metrics.js";
import { Queue, type QueueInterface, type QueueOptions } from "./queue.js";

/** The contract of a delaying queue, for fakes and wrappers. */
export interface DelayingQueueInterface<T> extends QueueInterface<T> {
  /**
   * Adds `item` once `delayMs` milliseconds have passed; `delayMs <= 0` (or NaN) adds it now. If the item is
   * already waiting, keeps the earlier of the two ready times. Counts one retry in the metrics. Ignored while
   * shutting down.
   */
  addAfter(item: T, delayMs: number): void;
}

interface Waiting<T> extends HeapEntry {
  item: T;
  key: unknown;
  readyAt: number;
  /** Insertion order, to break ties between equal ready times. */
  seq: number;
}

/** setTimeout's largest delay; longer waits re-arm when it fires. */
const maxTimerDelayMs = 2 ** 31 - 1;

const earlier = <T>(a: Waiting<T>, b: Waiting<T>): boolean => a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.seq < b.seq);

/** A work queue with `addAfter`; see the module comment and {@link DelayingQueueInterface}. */
export class DelayingQueue<T> extends Queue<T> implements DelayingQueueInterface<T> {
  readonly #heap = new MinHeap<Waiting<T>>(earlier);
  readonly #waiting = new Map<unknown, Waiting<T>>();
  readonly #retries: CounterMetric | undefined;
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the armed timer is due (clock time), to avoid re-arming for a later item. */
  #timerDue = Number.POSITIVE_INFINITY;

  constructor(options: QueueOptions<T> = {}) {
    super(options);
    this.#retries = retriesMetric(options.name, options.metricsProvider ?? getMetricsProvider());
  }

  addAfter(item: T, delayMs: number): void {
    if (this.shuttingDown()) return;
    this.#retries?.inc();
    if (!(delayMs > 0)) {
      this.add(item);
      return;
    }
    const readyAt = this.clock.now() + delayMs;
    const key = this.keyOf(item);
    const existing = this.#waiting.get(key);
    if (existing) {
      if (readyAt >= existing.readyAt) return;
      existing.readyAt = readyAt;
      this.#heap.fix(existing);
    } else {
      const entry: Waiting<T> = { item, key, readyAt, seq: this.#seq++, heapIndex: -1 };
      this.#waiting.set(key, entry);
      this.#heap.push(entry);
    }
    this.#arm();
  }

  /** Number of items waiting for their ready time (not yet added to the queue). Informational only. */
  waitingLen(): number {
    return this.#waiting.size;
  }

  override shutDown(): void {
    super.shutDown();
    this.#stop();
  }

  override shutDownWithDrain(): Promise<void> {
    const drained = super.shutDownWithDrain();
    this.#stop();
    return drained;
  }

  /** Makes sure a timer is due no later than the earliest waiting item. */
  #arm(): void {
    const head = this.#heap.peek();
    if (head === undefined) {
      this.#disarm();
      return;
    }
    if (this.#timer !== undefined && this.#timerDue <= head.readyAt) return;
    this.#disarm();
    // Rounded up: a timer never fires before the item is due (timers have millisecond resolution).
    const delay = Math.min(Math.max(0, Math.ceil(head.readyAt - this.clock.now())), maxTimerDelayMs);
    this.#timerDue = head.readyAt;
    this.#timer = setTimeout(() => this.#fire(), delay);
    this.#timer.unref?.();
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDue = Number.POSITIVE_INFINITY;
  }

  /** Adds every item whose time has come, then re-arms for the next one. */
  #fire(): void {
    this.#timer = undefined;
    this.#timerDue = Number.POSITIVE_INFINITY;
    if (this.shuttingDown()) return;
    const now = this.clock.now();
    for (let head = this.#heap.peek(); head !== undefined && head.readyAt <= now; head = this.#heap.peek()) {
      this.#heap.pop();
      this.#waiting.delete(head.key);
      this.add(head.item);
    }
    this.#arm();
  }

  #stop(): void {
    this.#disarm();
    this.#heap.clear();
    this.#waiting.clear();
  }
}

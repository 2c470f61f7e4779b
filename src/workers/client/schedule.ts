// One timer per worker drives every client: a binary min-heap of clients keyed by their next
// due time (performance.now() ms). Hot-path invariants: no per-message allocation, no logging,
// no timer per client; clients carry their own heap slot so rescheduling is O(log n).

/** Longest stretch of due work in one timer tick before I/O gets a turn, ms. */
export const SLICE_MS = 10;
/** How many due items run between two clock reads (a power of two). */
const CHECK_EVERY = 16;

/** Anything the scheduler can wake: it owns two fields the heap maintains. */
export interface Schedulable {
  /** performance.now() ms at which onDue must run; Infinity when not scheduled. */
  dueAtMs: number;
  /** Position in the heap, -1 when absent. Maintained by Scheduler only. */
  heapSlot: number;
  /** Called once when due; reschedule from here if more work follows. */
  onDue(nowMs: number): void;
}

/** A min-heap of Schedulables and the single timer that fires at the earliest due time. */
export class Scheduler {
  readonly #heap: Schedulable[] = [];
  #timer: NodeJS.Timeout | null = null;
  #timerAtMs = Infinity;
  #stopped = false;
  /** True while #fire runs: it re-arms once at the end, for whatever is earliest then. */
  #firing = false;

  /** Number of scheduled clients. */
  get size(): number {
    return this.#heap.length;
  }

  /** Schedules (or reschedules) `item` to run at `atMs`. */
  at(item: Schedulable, atMs: number): void {
    if (this.#stopped) return;
    if (atMs === Infinity) {
      this.cancel(item);
      return;
    }
    item.dueAtMs = atMs;
    if (item.heapSlot < 0) {
      item.heapSlot = this.#heap.length;
      this.#heap.push(item);
      this.#up(item.heapSlot);
    } else {
      this.#up(item.heapSlot);
      this.#down(item.heapSlot);
    }
    if (!this.#firing && atMs < this.#timerAtMs) this.#arm(atMs);
  }

  /** Removes `item` if scheduled. */
  cancel(item: Schedulable): void {
    const i = item.heapSlot;
    if (i < 0) return;
    const last = this.#heap.pop()!;
    item.heapSlot = -1;
    item.dueAtMs = Infinity;
    if (last !== item) {
      this.#heap[i] = last;
      last.heapSlot = i;
      this.#up(i);
      this.#down(last.heapSlot);
    }
  }

  /** Stops the timer and forgets every client. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    for (const item of this.#heap) {
      item.heapSlot = -1;
      item.dueAtMs = Infinity;
    }
    this.#heap.length = 0;
  }

  #arm(atMs: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAtMs = atMs;
    this.#timer = setTimeout(this.#fire, Math.max(0, atMs - performance.now()));
  }

  readonly #fire = (): void => {
    this.#timer = null;
    this.#timerAtMs = Infinity;
    this.#firing = true;
    let nowMs = performance.now();
    // Bound one tick by time, not count: a connect costs ~0.1 ms of JS, so a count budget of
    // thousands blocked the loop for a second when a ramp fell behind, and every handshake
    // answer, pong and deadline waited behind it (issue 15: connect p50 17 s at 19,500).
    const sliceEndMs = nowMs + SLICE_MS;
    let n = 0;
    let yielded = false;
    while (this.#heap.length > 0 && this.#heap[0]!.dueAtMs <= nowMs) {
      const item = this.#heap[0]!;
      this.cancel(item);
      item.onDue(nowMs);
      if ((++n & (CHECK_EVERY - 1)) === 0) {
        nowMs = performance.now();
        if (nowMs >= sliceEndMs) {
          yielded = true;
          break;
        }
      }
    }
    this.#firing = false;
    if (!this.#stopped && this.#heap.length > 0) {
      const next = this.#heap[0]!.dueAtMs;
      if (yielded && next <= nowMs) {
        // Let socket I/O run, then carry on with whatever is still due.
        this.#timerAtMs = next;
        this.#timer = setTimeout(this.#fire, 0);
      } else this.#arm(next);
    }
  };

  #up(i: number): void {
    const heap = this.#heap;
    const item = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (p.dueAtMs <= item.dueAtMs) break;
      heap[i] = p;
      p.heapSlot = i;
      i = parent;
    }
    heap[i] = item;
    item.heapSlot = i;
  }

  #down(i: number): void {
    const heap = this.#heap;
    const n = heap.length;
    const item = heap[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap[child + 1]!.dueAtMs < heap[child]!.dueAtMs) child++;
      const c = heap[child]!;
      if (c.dueAtMs >= item.dueAtMs) break;
      heap[i] = c;
      c.heapSlot = i;
      i = child;
    }
    heap[i] = item;
    item.heapSlot = i;
  }
}

/** A clock and a way to run code at a point in time. Real or virtual; injected into the VM. */
export interface TimeSource {
  /** Current time in ms since the Unix epoch (float). */
  now(): number;
  /** Runs `fn` once `now() >= time`, never earlier. Returns a cancel function. */
  at(time: number, fn: () => void): () => void;
}

/** Wall time with sub-ms precision: monotonic between calls, comparable across processes. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export interface RealTimeOptions {
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  setImmediate?: (fn: () => void) => unknown;
  clearImmediate?: (handle: unknown) => void;
  /** Blocks the thread for `ms` (default: `Atomics.wait`, which sleeps without using the CPU). */
  sleep?: (ms: number) => void;
  /**
   * Within this many ms of the deadline, stop waiting on timers (which may fire up to ~1.5 ms
   * early or late): let pending I/O in once, then sleep the rest precisely. @default 2
   */
  spinMs?: number;
}

/** A precise sleep for the last stretch before a deadline: a futex wait, no busy polling. */
function atomicSleep(): (ms: number) => void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  return (ms) => {
    Atomics.wait(cell, 0, 0, ms);
  };
}

/**
 * Real time. Node timers can fire early or late by a millisecond or more, so a timer only gets
 * close to the deadline; then pending I/O is let in, and the remaining stretch (at most
 * `spinMs`) is slept precisely. Never early: every wake-up re-checks the clock. A sleep rather
 * than a busy poll, so many VMs on few cores do not eat each other's CPU; I/O that arrives
 * during those last moments waits for the tick.
 */
export function createRealTimeSource(options: RealTimeOptions = {}): TimeSource {
  const now = options.now ?? wallNow;
  const setT = options.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
  const clearT = options.clearTimeout ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  const setI = options.setImmediate ?? ((fn) => setImmediate(fn));
  const clearI = options.clearImmediate ?? ((h) => clearImmediate(h as NodeJS.Immediate));
  const spinMs = options.spinMs ?? 2;
  const sleep = options.sleep ?? atomicSleep();
  return {
    now,
    at(time: number, fn: () => void): () => void {
      let handle: unknown;
      let cancel = (): void => {};
      const finish = (): void => {
        for (let remaining = time - now(); remaining > 0; remaining = time - now()) sleep(remaining);
        fn();
      };
      const arm = (): void => {
        const remaining = time - now();
        if (remaining <= 0) {
          fn();
        } else if (remaining > spinMs) {
          handle = setT(arm, Math.floor(remaining - spinMs));
          cancel = () => clearT(handle);
        } else {
          handle = setI(finish);
          cancel = () => clearI(handle);
        }
      };
      // Always yield once first, so a tick that is already due cannot starve I/O.
      handle = setI(arm);
      cancel = () => clearI(handle);
      return () => cancel();
    },
  };
}

interface Timer {
  time: number;
  order: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * Virtual time: `at` queues callbacks; `run` executes them in time order, jumping the clock
 * from one to the next. Deterministic: ties run in the order they were scheduled.
 */
export class VirtualTimeSource implements TimeSource {
  #now: number;
  #order = 0;
  readonly #heap: Timer[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  at(time: number, fn: () => void): () => void {
    const timer: Timer = { time: Math.max(time, this.#now), order: this.#order++, fn, cancelled: false };
    this.#push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Moves the clock forward without running anything, as a busy event loop would. */
  advance(ms: number): void {
    this.#now += ms;
  }

  /** Runs every callback due up to `until` (all of them when omitted); returns how many ran. */
  run(until = Number.POSITIVE_INFINITY): number {
    let count = 0;
    for (let top = this.#heap[0]; top !== undefined && top.time <= until; top = this.#heap[0]) {
      this.#pop();
      if (top.cancelled) continue;
      // A callback due while the clock was pushed ahead by advance() runs late, at now.
      this.#now = Math.max(this.#now, top.time);
      top.fn();
      count += 1;
    }
    if (Number.isFinite(until) && until > this.#now) this.#now = until;
    return count;
  }

  #less(a: Timer, b: Timer): boolean {
    return a.time < b.time || (a.time === b.time && a.order < b.order);
  }

  #push(timer: Timer): void {
    const h = this.#heap;
    h.push(timer);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.#less(h[i] as Timer, h[parent] as Timer)) break;
      [h[i], h[parent]] = [h[parent] as Timer, h[i] as Timer];
      i = parent;
    }
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop();
    if (last === undefined || h.length === 0) return;
    h[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.#less(h[l] as Timer, h[m] as Timer)) m = l;
      if (r < h.length && this.#less(h[r] as Timer, h[m] as Timer)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as Timer, h[i] as Timer];
      i = m;
    }
  }
}

import type { StartRecord } from "../log/schema.js";
import { round3, summarize } from "./series.js";

/** A fixed wall-time grid on which clocks and queues are sampled for drift and charts. */
export interface Grid {
  start: number;
  stepMs: number;
  points: number;
}

/**
 * The grid over a trial: from the earliest start time to the latest end of ticking, at most
 * `maxPoints` points (at least 2), no closer than 50 ms apart.
 */
export function gridOver(starts: readonly StartRecord[], maxPoints: number): Grid {
  const t0 = starts.length === 0 ? 0 : Math.min(...starts.map((s) => s.startAt));
  const t1 = starts.length === 0 ? 0 : Math.max(...starts.map((s) => s.startAt + s.duration * 1000));
  const points = Math.max(2, maxPoints);
  const stepMs = Math.max(50, Math.ceil((t1 - t0) / (points - 1)));
  return { start: t0, stepMs, points: Math.floor((t1 - t0) / stepMs) + 1 };
}

/** One VM's clock and queue length at each point of the grid. */
export class GridSamples {
  readonly clock: Float64Array;
  readonly queue: Float64Array;
  #next = 0;

  constructor(private readonly grid: Grid) {
    this.clock = new Float64Array(grid.points);
    this.queue = new Float64Array(grid.points);
  }

  /**
   * Fills every grid point before wall time `t` with the state now: a sample at T holds the
   * state after all ticks at or before T.
   */
  fillBefore(t: number, clock: number, queue: number): void {
    const { start, stepMs, points } = this.grid;
    while (this.#next < points && start + this.#next * stepMs < t) {
      this.clock[this.#next] = clock;
      this.queue[this.#next] = queue;
      this.#next += 1;
    }
  }
}

/** Mean, largest and last value of a series on the grid. */
export interface GridStats {
  mean: number;
  max: number;
  final: number;
}

/**
 * God's-eye drift on the grid: per VM, its lag behind the largest clock at each instant, and
 * the spread between the largest and the smallest clock.
 */
export function driftOnGrid(clocks: readonly { vm: string; clock: Float64Array }[]): {
  perVm: Map<string, GridStats>;
  spread: GridStats;
} {
  const points = clocks[0]?.clock.length ?? 0;
  const lag = new Map(clocks.map((p) => [p.vm, new Float64Array(points)]));
  const spread = new Float64Array(points);
  for (let g = 0; g < points; g++) {
    let hi = Number.NEGATIVE_INFINITY;
    let lo = Number.POSITIVE_INFINITY;
    for (const p of clocks) {
      hi = Math.max(hi, p.clock[g] ?? 0);
      lo = Math.min(lo, p.clock[g] ?? 0);
    }
    spread[g] = hi - lo;
    for (const p of clocks) (lag.get(p.vm) as Float64Array)[g] = hi - (p.clock[g] ?? 0);
  }
  const stats = (xs: Float64Array): GridStats => {
    const s = summarize(xs);
    return { mean: round3(s.mean), max: round3(s.max), final: round3(xs[xs.length - 1] ?? Number.NaN) };
  };
  return {
    perVm: new Map([...lag].map(([vm, xs]) => [vm, stats(xs)])),
    spread: stats(spread),
  };
}

import { expectTrial, type VmExpectation } from "./model.js";
import { round3 } from "./series.js";
import type { TrialAnalysis } from "./trial.js";

/**
 * How a queue went over a trial, from its samples on the wall-time grid: the mean over the
 * first and last quarter, and the least-squares slope. A VM that kept up ends about where it
 * began; one that did not ends with more waiting than it started with.
 */
export interface QueueTrend {
  firstQuarter: number;
  lastQuarter: number;
  /** Messages a second (least-squares slope of the grid samples). */
  slopePerS: number;
  /** The queue grew over the trial: last quarter at least 1 above the first, and rising. */
  grew: boolean;
}

/**
 * One VM in one trial, placed by its rate relative to the fastest VM of that trial. Rates are
 * drawn anew each trial, so a port means nothing across trials; the ratio and rank do.
 */
export interface VmRatio {
  experiment: string;
  trial: number;
  vm: string;
  rate: number;
  /** The fastest rate of the trial, and rate / that. */
  fastest: number;
  ratio: number;
  /**
   * Its place when the trial's VMs are sorted fastest first, ties broken by VM id: every trial
   * has exactly one VM of each rank, so rank N of N is always the slowest.
   */
  rank: number;
  ticks: number;
  receives: number;
  /** Messages still in its queue when it stopped (received nowhere, lost nowhere). */
  pending: number;
  /** Messages that reached it a second, measured: (received + pending at the end) / its seconds. */
  arrivedPerS: number;
  finalClock: number;
  /** Clock values skipped per tick: (clock advance - ticks) / ticks, the mean step minus 1. */
  skippedPerTick: number;
  jumps: { count: number; mean: number; max: number };
  /** Largest god's-eye lag behind the largest clock, and when (s since the trial's start). */
  lagMax: number;
  lagMaxAtS: number;
  queueMean: number;
  queueMax: number;
  queueTrend: QueueTrend;
  latencyP50Ms: number;
  latenessP99Ms: number;
  /** What the model of src/analysis/model.ts expects of this VM. */
  expected: VmExpectation;
}

function trend(samples: readonly number[], stepMs: number): QueueTrend {
  const n = samples.length;
  const quarter = Math.max(1, Math.floor(n / 4));
  const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length);
  const first = mean(samples.slice(0, quarter));
  const last = mean(samples.slice(n - quarter));
  const xMean = ((n - 1) * stepMs) / 2000;
  const yMean = mean(samples);
  let num = 0;
  let den = 0;
  for (const [g, y] of samples.entries()) {
    const x = (g * stepMs) / 1000 - xMean;
    num += x * (y - yMean);
    den += x * x;
  }
  const slope = den === 0 ? 0 : num / den;
  return {
    firstQuarter: round3(first),
    lastQuarter: round3(last),
    slopePerS: round3(slope),
    grew: last >= first + 1 && slope > 0,
  };
}

/** The largest clock at each grid instant. */
function topClocks(t: TrialAnalysis): number[] {
  const all = Object.values(t.grid.clocks);
  return Array.from({ length: t.grid.points }, (_, g) => Math.max(...all.map((c) => c[g] ?? 0)));
}

/** The largest lag of `vm` on the grid and the first instant it was reached. */
function lagPeak(t: TrialAnalysis, vm: string, tops: number[]): { max: number; atS: number } {
  const mine = t.grid.clocks[vm] ?? [];
  let max = 0;
  let at = 0;
  for (let g = 0; g < mine.length; g++) {
    const lag = (tops[g] ?? 0) - (mine[g] ?? 0);
    if (lag > max) {
      max = lag;
      at = g;
    }
  }
  return { max, atS: round3((at * t.grid.stepMs) / 1000) };
}

/** VM ids to ranks: fastest first, ties broken by VM id (so ranks are 1, 2, 3, never 1, 1, 3). */
export function ordinalRanks(vms: readonly { vm: string; rate: number }[]): Map<string, number> {
  const sorted = [...vms].sort(
    (a, b) => b.rate - a.rate || a.vm.localeCompare(b.vm, "en", { numeric: true }),
  );
  return new Map(sorted.map((v, i) => [v.vm, i + 1]));
}

/** Every VM of a trial with its ratio, rank, measured figures and the model's expectation. */
export function trialRatios(t: TrialAnalysis): VmRatio[] {
  const rates = t.vms.map((v) => v.rate);
  const fastest = Math.max(...rates);
  const eventRange = t.vms.find((v) => Number.isFinite(v.eventRange))?.eventRange ?? Number.NaN;
  const durationS = Math.max(...t.vms.map((v) => v.ranS));
  const expected = expectTrial({ rates, eventRange, durationS });
  const tops = topClocks(t);
  const ranks = ordinalRanks(t.vms.filter((v) => Number.isFinite(v.rate)));
  // A VM whose log has no start record has no rate: it cannot be placed by ratio.
  return t.vms.flatMap((v, i) => {
    if (!Number.isFinite(v.rate)) return [];
    const peak = lagPeak(t, v.vm, tops);
    const ratio: VmRatio = {
      experiment: t.experiment,
      trial: t.trial,
      vm: v.vm,
      rate: v.rate,
      fastest,
      ratio: round3(v.rate / fastest),
      rank: ranks.get(v.vm) ?? Number.NaN,
      ticks: v.ticks,
      receives: v.events.receive,
      pending: v.pending,
      arrivedPerS: v.ranS > 0 ? round3((v.events.receive + (v.pending || 0)) / v.ranS) : Number.NaN,
      finalClock: v.finalClock,
      skippedPerTick: round3(v.meanStep - 1),
      jumps: { count: v.jumps.count, mean: v.jumps.mean, max: v.jumps.max },
      lagMax: peak.max,
      lagMaxAtS: peak.atS,
      queueMean: v.queue.mean,
      queueMax: v.queue.max,
      queueTrend: trend(t.grid.queues[v.vm] ?? [], t.grid.stepMs),
      latencyP50Ms: v.latencyMs.p50,
      latenessP99Ms: v.latenessMs.p99,
      expected: expected[i] as VmExpectation,
    };
    return [ratio];
  });
}

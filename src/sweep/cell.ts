import { round3, summarize } from "../analysis/series.js";
import type { ExperimentConfig } from "../run/config.js";
import { simulateRun } from "../sim/run.js";
import type { LatencyModel } from "../transport/faults.js";

/** One point of the sweep grid. */
export interface Cell {
  /** Rates are drawn from [rateMax - spread, rateMax]. */
  spread: number;
  eventRange: number;
}

/** What a cell's trials showed, averaged over trials. */
export interface CellResult extends Cell {
  vms: number;
  trials: number;
  /** Probability that a drawn event is internal: (range - vms) / range. */
  internal: number;
  /**
   * Mean jump of the slowest VM of each trial, averaged over the trials where it jumped; null
   * when it never jumped in any trial (shown as "-", as inspect shows a VM without jumps).
   */
  slowestMeanJump: number | null;
  maxQueue: number;
  maxLag: number;
  ticks: number;
  allChecksPass: boolean;
}

export interface SweepSettings {
  vms: number;
  trials: number;
  durationS: number;
  rateMax: number;
  seed: number;
  latency: LatencyModel;
}

/** Simulates one cell's trials in memory and reduces them to the sweep's figures. */
export async function runCell(cell: Cell, s: SweepSettings): Promise<CellResult> {
  const exp: ExperimentConfig = {
    name: `spread-${cell.spread}_range-${cell.eventRange}`,
    vms: s.vms,
    trials: s.trials,
    durationS: s.durationS,
    rateMin: Math.max(1, s.rateMax - cell.spread),
    rateMax: s.rateMax,
    rates: undefined,
    eventRange: cell.eventRange,
    multiplier: 1,
  };
  const { report, ticks } = await simulateRun(
    { experiments: [exp], seed: s.seed, basePort: 5001, latency: s.latency, runDir: undefined },
    [],
  );
  const slowest = report.trials.map((t) => {
    const slow = t.vms.reduce((a, b) => (b.rate < a.rate ? b : a));
    return slow.jumps.mean;
  });
  const finite = slowest.filter((x) => Number.isFinite(x));
  return {
    ...cell,
    vms: s.vms,
    trials: s.trials,
    internal: round3((cell.eventRange - s.vms) / cell.eventRange),
    slowestMeanJump: finite.length === 0 ? null : round3(summarize(finite).mean),
    maxQueue: round3(summarize(report.trials.map((t) => Math.max(...t.vms.map((v) => v.queue.max)))).mean),
    maxLag: round3(summarize(report.trials.map((t) => Math.max(...t.vms.map((v) => v.lag.max)))).mean),
    ticks,
    allChecksPass: report.ok,
  };
}

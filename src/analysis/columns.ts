import type { ExperimentSummary, Spread } from "./experiment.js";
import { formatNumber } from "./table.js";
import type { TrialAnalysis, VmStats } from "./trial.js";

/** A table as headers and rows of cells (numbers are formatted by whoever renders it). */
export interface TableData {
  headers: string[];
  rows: (string | number)[][];
}

/** A value with its spread over trials, as "mean ±sd" (just the mean when all trials agree). */
export const withSpread = (s: Spread): string =>
  s.sd === 0 ? formatNumber(s.mean) : `${formatNumber(s.mean)} ±${formatNumber(s.sd)}`;

/** Per VM over an experiment's trials: the one summary both the terminal and the page show. */
export function experimentGrid(e: ExperimentSummary): TableData {
  return {
    headers: [
      "vm",
      "trials",
      "rate",
      "final clock",
      "clock/rate/s",
      "mean jump",
      "max jump",
      "max queue",
      "latency p50 ms",
      "max lag",
      "tick p99 ms",
    ],
    rows: e.vms.map((v) => [
      v.vm,
      v.trials,
      ...[
        v.rate,
        v.finalClock,
        v.clockPerRate,
        v.jumpMean,
        v.jumpMax,
        v.queueMax,
        v.latencyP50Ms,
        v.lagMax,
        v.latenessP99Ms,
      ].map(withSpread),
    ]),
  };
}

/** Ticks done of planned; for a VM stopped by a signal, also how many were due by then. */
function ticksCell(v: VmStats): string {
  const cell = `${formatNumber(v.ticks)}/${formatNumber(v.planned)}`;
  return v.stopReason === "signal" ? `${cell} (${formatNumber(v.due)} due at stop)` : cell;
}

/** Per VM in one trial. */
export function trialGrid(t: TrialAnalysis): TableData {
  return {
    headers: [
      "vm",
      "rate",
      "ticks",
      "recv/send/int",
      "clock",
      "jumps",
      "mean",
      "p95",
      "max",
      "queue max",
      "lat p50 ms",
      "p99",
      "lag max",
      "late p99 ms",
      "max",
      "pending",
      "rejected",
    ],
    rows: t.vms.map((v) => [
      v.vm,
      v.rate,
      ticksCell(v),
      `${v.events.receive}/${v.events.send}/${v.events.internal}`,
      v.finalClock,
      v.jumps.count,
      v.jumps.mean,
      v.jumps.p95,
      v.jumps.max,
      v.queue.max,
      v.latencyMs.p50,
      v.latencyMs.p99,
      v.lag.max,
      v.latenessMs.p99,
      v.latenessMs.max,
      v.pending,
      v.rejected,
    ]),
  };
}

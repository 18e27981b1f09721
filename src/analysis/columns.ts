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

/** A ratio range as "0.25" or "0.25-0.5". */
const range = (r: { min: number; max: number }): string =>
  r.min === r.max || Number.isNaN(r.min)
    ? formatNumber(r.min)
    : `${formatNumber(r.min)}-${formatNumber(r.max)}`;

/**
 * Per rank (1 = fastest VM of its trial) over an experiment's trials: the one summary the
 * terminal, the page and --json share. Never per port: rates are drawn anew each trial.
 */
export function experimentGrid(e: ExperimentSummary): TableData {
  return {
    headers: [
      "rank",
      "VM-trials",
      "rate ratio (lowest-highest)",
      "rate",
      "final clock",
      "skipped/tick",
      "mean jump",
      "max jump",
      "max drift",
      "mean queue",
      "max queue",
      "latency p50 ms",
      "tick late p99 ms",
    ],
    rows: e.ranks.map((g) => [
      g.rank,
      g.count,
      range(g.ratio),
      ...[
        g.rate,
        g.finalClock,
        g.skippedPerTick,
        g.jumpMean,
        g.jumpMax,
        g.lagMax,
        g.queueMean,
        g.queueMax,
        g.latencyP50Ms,
        g.latenessP99Ms,
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
      "jump mean",
      "jump p95",
      "jump max",
      "queue max",
      "latency p50 ms",
      "latency p99 ms",
      "max drift",
      "tick late p99 ms",
      "tick late max ms",
      "pending at end",
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

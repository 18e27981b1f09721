import type { ProcessUsage, StopRecord } from "../log/schema.js";
import { longestStall } from "./delivery.js";
import type { EventCounts } from "./event-counts.js";
import type { GridStats } from "./grid.js";
import { round3, type Summary } from "./series.js";
import type { VmPass } from "./vm-pass.js";

/** Statistics of one VM in one trial. */
export interface VmStats {
  /** The VM's id; the log file's name when the log has no start record. */
  vm: string;
  rate: number;
  /** Draws are 1..eventRange (from the start record): what the model of rate ratios needs. */
  eventRange: number;
  ticks: number;
  planned: number;
  /**
   * Ticks due before the VM stopped: `planned` for a run that ran its duration; for one
   * stopped by a signal, the ticks whose deadline came before its `stop` record.
   */
  due: number;
  /** Why the VM stopped (its last `stop` record); absent when the log has none. */
  stopReason?: StopRecord["reason"];
  /** Seconds the VM ran from its start time (its duration, or less when stopped early). */
  ranS: number;
  /** Records read, and lines skipped as not records of the log schema (`readable`). */
  records: number;
  badLines: number;
  /** Records per kind; `reject` counts rejects (a coalesced record's `count`), not records. */
  events: EventCounts;
  finalClock: number;
  /** Clock per second of the time the VM ran (`ranS`), and that per unit of rate. */
  clockPerSecond: number;
  clockPerRate: number;
  jumps: Pick<Summary, "count" | "mean" | "p95" | "max">;
  meanStep: number;
  queue: { mean: number; p95: number; max: number; final: number };
  latencyMs: Pick<Summary, "count" | "p50" | "p99" | "max">;
  /**
   * The longest stall of an inbound link (ms): a message's wait from when it was sent and its
   * link had delivered the one before, to its arrival (see analysis/delivery.ts); 0 when none.
   */
  stallMs: number;
  waitMs: Pick<Summary, "mean" | "p99" | "max">;
  latenessMs: Pick<Summary, "mean" | "p99" | "max">;
  early: number;
  sent: number;
  received: number;
  pending: number;
  rejected: number;
  /** Messages that arrived ahead of a missing seq (from the stop record; 0 for older logs). */
  reordered: number;
  /** Messages this VM's fault layer dropped (loss or partition). */
  dropped: number;
  /** Rejects by reason, and by sender (`unknown` where the record has no `from`). */
  rejectReasons: Record<string, number>;
  rejectSenders: Record<string, number>;
  gapped: number;
  /**
   * God's-eye drift on the wall-time grid, as lag = (largest clock at that instant) - this
   * VM's clock, so >= 0; the drift of the specification (clock minus the largest) is -lag.
   */
  lag: GridStats;
  /** The VM process's peak memory and CPU time, from its stop record (absent when simulated). */
  usage?: ProcessUsage;
}

/** The statistics of one VM from its finished pass, with its lag on the grid (absent: NaN). */
export function vmStats(p: VmPass, lag: GridStats | undefined): VmStats {
  const rate = p.start?.rate ?? Number.NaN;
  const ranS = p.ranS();
  const jumps = p.jumps.summary();
  const queue = p.queue.summary();
  const latency = p.latency.summary();
  const wait = p.wait.summary();
  const late = p.lateness.summary();
  const stop = p.stop?.record;
  const ticks = p.ticks;
  return {
    vm: p.vm,
    rate,
    eventRange: p.start?.eventRange ?? Number.NaN,
    ticks,
    planned: p.planned ?? Number.NaN,
    due: p.due ?? Number.NaN,
    ...(stop === undefined ? {} : { stopReason: stop.reason }),
    ranS: round3(ranS),
    records: p.records,
    badLines: p.badLines,
    events: { ...p.events },
    finalClock: p.clock,
    clockPerSecond: round3(ranS > 0 ? p.clock / ranS : Number.NaN),
    clockPerRate: round3(ranS > 0 ? p.clock / ranS / rate : Number.NaN),
    jumps: { count: jumps.count, mean: round3(jumps.mean), p95: jumps.p95, max: jumps.max },
    meanStep: round3(ticks === 0 ? Number.NaN : p.stepSum / ticks),
    queue: {
      mean: round3(queue.mean),
      p95: queue.p95,
      max: queue.max,
      final: p.queue.values().at(-1) ?? Number.NaN,
    },
    stallMs: round3(longestStall(p.delivery.values())),
    latencyMs: {
      count: latency.count,
      p50: round3(latency.p50),
      p99: round3(latency.p99),
      max: round3(latency.max),
    },
    waitMs: { mean: round3(wait.mean), p99: round3(wait.p99), max: round3(wait.max) },
    latenessMs: { mean: round3(late.mean), p99: round3(late.p99), max: round3(late.max) },
    early: p.early,
    sent: stop?.sent ?? Number.NaN,
    received: stop?.received ?? Number.NaN,
    pending: stop?.pending ?? Number.NaN,
    rejected: stop?.rejected ?? p.events.reject,
    reordered: Object.values(stop?.links ?? {}).reduce((sum, l) => sum + (l.reordered ?? 0), 0),
    dropped: sumSizes([...p.dropped.values()].flatMap((m) => [...m.values()])),
    rejectReasons: Object.fromEntries(p.rejectReasons),
    rejectSenders: Object.fromEntries(p.rejectSenders),
    gapped: sumSizes([...p.inbound.values()].flatMap((l) => [...l.gaps.values()])),
    lag: lag ?? { mean: Number.NaN, max: Number.NaN, final: Number.NaN },
    ...(stop?.usage === undefined ? {} : { usage: stop.usage }),
  };
}

function sumSizes(sets: Set<number>[]): number {
  return sets.reduce((n, set) => n + set.size, 0);
}

/**
 * A VM's statistics as flat named numbers, in the order the CSV summary has them: what the CSV
 * and the Parquet/DuckDB exports both write, so a statistic added here reaches both.
 */
export function statFields(v: VmStats) {
  return {
    finalClock: v.finalClock,
    clockPerSecond: v.clockPerSecond,
    clockPerRate: v.clockPerRate,
    jumpCount: v.jumps.count,
    jumpMean: v.jumps.mean,
    jumpP95: v.jumps.p95,
    jumpMax: v.jumps.max,
    meanStep: v.meanStep,
    queueMean: v.queue.mean,
    queueP95: v.queue.p95,
    queueMax: v.queue.max,
    queueFinal: v.queue.final,
    latencyP50Ms: v.latencyMs.p50,
    latencyP99Ms: v.latencyMs.p99,
    latencyMaxMs: v.latencyMs.max,
    waitMeanMs: v.waitMs.mean,
    waitP99Ms: v.waitMs.p99,
    waitMaxMs: v.waitMs.max,
    latenessMeanMs: v.latenessMs.mean,
    latenessP99Ms: v.latenessMs.p99,
    latenessMaxMs: v.latenessMs.max,
    early: v.early,
    sent: v.sent,
    received: v.received,
    pending: v.pending,
    rejected: v.rejected,
    gapped: v.gapped,
    lagMean: v.lag.mean,
    lagMax: v.lag.max,
    lagFinal: v.lag.final,
  };
}

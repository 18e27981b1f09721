import type { TableData } from "./columns.js";
import { round3 } from "./series.js";
import type { TrialAnalysis } from "./trial.js";

/** One transport's figures over all its trials. */
export interface TransportRow {
  transport: string;
  trials: number;
  /** Messages received (delivered to a VM's queue and taken). */
  messages: number;
  /** Mean of the trials' p50, the largest p99 and max: over every receive of every VM. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  latenessP99Ms: number;
  latenessMaxMs: number;
  rejected: number;
  lost: number;
  duplicated: number;
  reordered: number;
  meanJump: number;
  /** The longest stall of any link (ms): see analysis/delivery.ts. */
  stallMs: number;
  /** The largest lag of a VM behind the largest clock (clock values). */
  maxLag: number;
  maxQueue: number;
  checksPass: boolean;
}

const mean = (xs: number[]) => {
  const ok = xs.filter((x) => Number.isFinite(x));
  return ok.length === 0 ? Number.NaN : round3(ok.reduce((s, x) => s + x, 0) / ok.length);
};
const max = (xs: number[]) => {
  const ok = xs.filter((x) => Number.isFinite(x));
  return ok.length === 0 ? Number.NaN : Math.max(...ok);
};

/**
 * Side-by-side figures per transport, from the trials of a compare folder whose experiments are
 * named `<transport>/<experiment>`.
 */
export function compareTransports(trials: TrialAnalysis[], transports: readonly string[]): TransportRow[] {
  return transports.map((transport) => {
    const mine = trials.filter((t) => t.experiment.split("/")[0] === transport);
    const vms = mine.flatMap((t) => t.vms);
    return {
      transport,
      trials: mine.length,
      messages: vms.reduce((s, v) => s + v.events.receive, 0),
      latencyP50Ms: mean(mine.map((t) => t.all.latencyMs.p50)),
      latencyP99Ms: max(mine.map((t) => t.all.latencyMs.p99)),
      latencyMaxMs: max(mine.map((t) => t.all.latencyMs.max)),
      latenessP99Ms: max(mine.map((t) => t.all.latenessMs.p99)),
      latenessMaxMs: max(mine.map((t) => t.all.latenessMs.max)),
      rejected: vms.reduce((s, v) => s + v.rejected, 0),
      // Gaps given up on, drops by the fault layer, and what a datagram bus lost unseen.
      lost: vms.reduce((s, v) => s + v.gapped + v.dropped, 0) + mine.reduce((s, t) => s + t.lostInTransit, 0),
      duplicated: vms.reduce((s, v) => s + (v.rejectReasons.duplicate ?? 0), 0),
      reordered: vms.reduce((s, v) => s + v.reordered, 0),
      meanJump: mean(vms.map((v) => v.jumps.mean)),
      stallMs: max(vms.map((v) => v.stallMs)),
      maxLag: max(vms.map((v) => v.lag.max)),
      maxQueue: max(vms.map((v) => v.queue.max)),
      checksPass: mine.length > 0 && mine.every((t) => t.checks.every((c) => c.ok)),
    };
  });
}

/** The comparison as a table, for the terminal and the HTML page alike. */
export function compareGrid(rows: TransportRow[]): TableData {
  return {
    headers: [
      "transport",
      "trials",
      "delivered",
      "lost",
      "reordered",
      "duplicated",
      "latency p50 ms",
      "p99",
      "max",
      "longest stall ms",
      "tick p99 ms",
      "max",
      "mean jump",
      "max lag",
      "max queue",
      "rejected",
      "checks",
    ],
    rows: rows.map((r) => [
      r.transport,
      r.trials,
      r.messages,
      r.lost,
      r.reordered,
      r.duplicated,
      r.latencyP50Ms,
      r.latencyP99Ms,
      r.latencyMaxMs,
      r.stallMs,
      r.latenessP99Ms,
      r.latenessMaxMs,
      r.meanJump,
      r.maxLag,
      r.maxQueue,
      r.rejected,
      r.checksPass ? "pass" : "FAIL",
    ]),
  };
}

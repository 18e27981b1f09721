import type { TrialAnalysis } from "../../analysis/trial.js";
import { plainVc } from "../../clock/vector.js";
import { type Located, readLogLines } from "../../log/reader.js";
import type { TickRecord } from "../../log/schema.js";
import { DiagramBuilder } from "./build.js";
import { KINDS, type TrialDiagram } from "./format.js";

/** What a page carries at most: a trial's first events, and all trials' together. */
export interface DiagramBounds {
  /** @default 60_000 (a minute of 3 VMs at ~330 ticks/s; the page stays interactive) */
  perTrial: number;
  /** @default 200_000 (about 10 MB of page); shared evenly by the trials */
  perPage: number;
}

export const DEFAULT_BOUNDS: DiagramBounds = { perTrial: 60_000, perPage: 200_000 };

/** Events a trial may embed when `trials` trials share the page. */
export function limitFor(trials: number, bounds: DiagramBounds = DEFAULT_BOUNDS): number {
  return Math.max(1, Math.min(bounds.perTrial, Math.floor(bounds.perPage / Math.max(1, trials))));
}

const TICKS: readonly string[] = ["start", ...KINDS];

/** One VM log read in order: its lane and the tick record at hand. */
interface Head {
  lane: number;
  lines: Generator<Located>;
  record: TickRecord | undefined;
}

/** Moves `head` to its next tick record, telling the builder of start records on the way. */
function advance(head: Head, builder: DiagramBuilder): void {
  for (;;) {
    const next = head.lines.next();
    if (next.done === true) {
      head.record = undefined;
      return;
    }
    const r = next.value.record;
    if (r.event === "start") {
      builder.start(head.lane, r.epoch, r.recovered !== undefined);
      continue;
    }
    if (r.event === "internal" || r.event === "send" || r.event === "receive") {
      head.record = r;
      return;
    }
  }
}

/**
 * The first `limit` tick events of a trial, all its VMs merged in time order, as columns.
 * Reads the logs synchronously and stops at the limit, so a huge trial costs only what is kept.
 * A restarted VM (same id, a new epoch, clocks resumed from its log) stays one lane.
 */
export function extractTrial(t: TrialAnalysis, limit: number): TrialDiagram {
  const vms = [...t.vms]
    .map((v) => ({ id: v.vm, rate: v.rate }))
    .sort((a, b) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id));
  const total = t.vms.reduce((n, v) => n + v.events.internal + v.events.send + v.events.receive, 0);
  const ranS = Math.max(0, ...t.vms.map((v) => v.ranS));
  const builder = new DiagramBuilder(
    { experiment: t.experiment, trial: t.trial, vms, t0: t.grid.start, durationS: ranS },
    limit,
  );
  const heads: Head[] = [];
  for (const file of t.files) {
    const lines = readLogLines(file, { events: TICKS });
    // The start record names the lane; a log without one has no lane and is left out.
    const first = lines.next();
    if (first.done === true || first.value.record.event !== "start") continue;
    const start = first.value.record;
    const head: Head = { lane: builder.laneOf(start.vm), lines, record: undefined };
    if (head.lane < 0) continue;
    builder.start(head.lane, start.epoch, false);
    advance(head, builder);
    heads.push(head);
  }
  while (builder.d.vm.length < limit) {
    let best: Head | undefined;
    for (const h of heads) {
      if (h.record !== undefined && (best?.record === undefined || h.record.t < best.record.t)) best = h;
    }
    const r = best?.record;
    if (best === undefined || r === undefined) break;
    builder.add(best.lane, { ...r, vc: plainVc(r.vc) });
    advance(best, builder);
  }
  for (const h of heads) h.lines.return(undefined);
  return builder.snapshot(total);
}

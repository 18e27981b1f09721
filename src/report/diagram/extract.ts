import type { TrialAnalysis } from "../../analysis/trial.js";
import { plainVc } from "../../clock/vector.js";
import { type Located, readLogLines } from "../../log/reader.js";
import type { TickRecord } from "../../log/schema.js";
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

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const TICKS: readonly string[] = ["start", ...KINDS];

/** One VM log read in order: its lane, the record at hand, and the epoch it belongs to. */
interface Head {
  lane: number;
  id: string;
  lines: Generator<Located>;
  record: TickRecord | undefined;
  epoch: number;
  prevClock: number;
}

function advance(head: Head): void {
  for (;;) {
    const next = head.lines.next();
    if (next.done === true) {
      head.record = undefined;
      return;
    }
    const r = next.value.record;
    if (r.event === "start") {
      head.epoch = r.epoch;
      // A restarted VM resumes its clocks from what it logged: keep `prevClock` as it was.
      if (r.recovered === undefined) head.prevClock = 0;
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
  const laneOf = new Map(vms.map((v, i) => [v.id, i]));
  const total = t.vms.reduce((n, v) => n + v.events.internal + v.events.send + v.events.receive, 0);
  const heads: Head[] = [];
  for (const file of t.files) {
    const head: Head = {
      lane: -1,
      id: "",
      lines: readLogLines(file, { events: TICKS }),
      record: undefined,
      epoch: 0,
      prevClock: 0,
    };
    // The start record names the lane; a log without one has no lane and is left out.
    const first = head.lines.next();
    if (first.done === true || first.value.record.event !== "start") continue;
    head.id = first.value.record.vm;
    head.epoch = first.value.record.epoch;
    head.lane = laneOf.get(head.id) ?? -1;
    if (head.lane < 0) continue;
    advance(head);
    heads.push(head);
  }
  const t0 = t.grid.start;
  const ranS = Math.max(0, ...t.vms.map((v) => v.ranS));
  const d: TrialDiagram = {
    experiment: t.experiment,
    trial: t.trial,
    vms,
    t0,
    durationS: ranS,
    total,
    omitted: 0,
    vm: [],
    tick: [],
    kind: [],
    t: [],
    clock: [],
    queue: [],
    vc: [],
    sendOf: [],
    from: [],
    arrived: [],
    jump: [],
    unreceived: [],
  };
  /** Sends on the page (event index, receiving lane) by link and seq, until their receive claims them. */
  const sends = new Map<string, [number, number]>();
  const epochs = new Map<string, number>();
  while (d.vm.length < limit) {
    let best: Head | undefined;
    for (const h of heads) {
      if (h.record !== undefined && (best?.record === undefined || h.record.t < best.record.t)) best = h;
    }
    const r = best?.record;
    if (best === undefined || r === undefined) break;
    const i = d.vm.length;
    d.vm.push(best.lane);
    d.tick.push(r.tick);
    d.kind.push(KINDS.indexOf(r.event));
    d.t.push(round3(r.t - t0));
    d.clock.push(r.clock);
    d.queue.push(r.queue);
    const vc = plainVc(r.vc);
    for (const v of vms) d.vc.push(vc[v.id] ?? 0);
    epochs.set(best.id, best.epoch);
    if (r.event === "send") {
      for (const [k, to] of r.to.entries()) {
        const lane = laneOf.get(to);
        if (lane !== undefined) sends.set(`${best.id}>${to}#${r.seq[k]}@${best.epoch}`, [i, lane]);
      }
    }
    if (r.event === "receive") {
      const key = `${r.from}>${best.id}#${r.seq}@${r.epoch ?? epochs.get(r.from) ?? 0}`;
      d.sendOf.push(sends.get(key)?.[0] ?? -1);
      sends.delete(key);
      d.from.push(laneOf.get(r.from) ?? -1);
      d.arrived.push(round3(r.arrivedAt - t0));
      d.jump.push(Math.max(0, r.clock - best.prevClock - 1));
    } else {
      d.sendOf.push(-1);
      d.from.push(-1);
      d.arrived.push(0);
      d.jump.push(0);
    }
    best.prevClock = r.clock;
    advance(best);
  }
  for (const h of heads) h.lines.return(undefined);
  // What no receive claimed, in send order (the map keeps the order sends were put in).
  for (const [i, lane] of sends.values()) d.unreceived.push(i, lane);
  d.omitted = Math.max(0, total - d.vm.length);
  return d;
}

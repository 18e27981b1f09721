/**
 * The space-time diagram's data as the page carries it: written by the report (Node) and read
 * by the browser bundle, so both sides compile against this one file. No imports: the client
 * is built with the DOM library, the report with Node's.
 *
 * Events are columns (one array per field, index = event) sorted by time, which keeps the JSON
 * small (no repeated keys) and lets the page find what is in view by binary search.
 */

/** Tick kinds by code, as in `kind`. */
export const KINDS = ["internal", "send", "receive"] as const;
export type Kind = (typeof KINDS)[number];

/** One VM of a trial: a lane of the diagram. */
export interface DiagramVm {
  id: string;
  /** Ticks per second. */
  rate: number;
}

/** Every embedded tick event of one trial. */
export interface TrialDiagram {
  experiment: string;
  trial: number;
  /** Lanes, in the order of `vm` indexes and of each vector clock's entries. */
  vms: DiagramVm[];
  /** The trial's first tick deadline, ms since the Unix epoch: time 0 of the diagram. */
  t0: number;
  /** Seconds the trial was meant to run. */
  durationS: number;
  /** Tick events in the logs, and how many of them (the latest) were left out of the page. */
  total: number;
  omitted: number;
  /** Per event: lane index, tick number, kind code (KINDS), time (ms after t0), Lamport clock. */
  vm: number[];
  tick: number[];
  kind: number[];
  t: number[];
  clock: number[];
  /** Messages waiting in the queue after the tick. */
  queue: number[];
  /** Vector clocks, `vms.length` counts per event, flattened (entry j is lane j's count). */
  vc: number[];
  /**
   * Receives only, by event index (other events: -1 / 0): the send's event index (-1 when it is
   * not on the page), the sender's lane, when the message entered the queue (ms after t0), and
   * the jump (clock values skipped: clock - previous clock - 1, 0 when none).
   */
  sendOf: number[];
  from: number[];
  arrived: number[];
  jump: number[];
  /**
   * Messages sent on the page with no receive on it, as pairs (the send's event index, the
   * receiving lane), in send order: still in the receiver's queue when the trial ended, lost,
   * or, when the trial is cut to bound the page, received after its last event.
   */
  unreceived: number[];
}

/** What the page embeds: every trial (packed), and the bound it applied. */
export interface DiagramData {
  /** Tick events embedded per trial at most; beyond it a trial keeps its first events. */
  limitPerTrial: number;
  trials: PackedTrial[];
}

/** The columns that stay as they are when a trial is packed. */
type Kept =
  | "experiment"
  | "trial"
  | "vms"
  | "t0"
  | "durationS"
  | "total"
  | "omitted"
  | "vm"
  | "kind"
  | "queue"
  | "jump"
  | "unreceived";

/**
 * A trial as the page carries it: columns that grow along a lane (tick, Lamport and vector
 * clocks) as differences from the lane's previous event, times as whole microseconds since the
 * previous event, so most numbers are a digit or two: a quarter smaller at the demo's rates, half at 60,000 events a minute.
 */
export interface PackedTrial extends Pick<TrialDiagram, Kept> {
  /** Microseconds since the previous event (the first: since time 0). */
  dt: number[];
  /** Since the same lane's previous event (its first: since 0). */
  dtick: number[];
  dclock: number[];
  /** Per event `vms.length` entries, each since the same lane's previous event. */
  dvc: number[];
  /** Receives: microseconds from arrival to the receive tick, events back to the send (0: not on the page), sender lane + 1. Others 0. */
  wait: number[];
  back: number[];
  from: number[];
}

const us = (ms: number) => Math.round(ms * 1000);

/** The page's form of a trial (times to the microsecond, as `TrialDiagram` rounds them). */
export function pack(d: TrialDiagram): PackedTrial {
  const { experiment, trial, vms, t0, durationS, total, omitted, vm, kind, queue, jump, unreceived } = d;
  const k = vms.length;
  const p: PackedTrial = {
    ...{ experiment, trial, vms, t0, durationS, total, omitted, vm, kind, queue, jump, unreceived },
    ...{ dt: [], dtick: [], dclock: [], dvc: [], wait: [], back: [], from: [] },
  };
  const last = new Map<number, number>();
  let prevT = 0;
  for (let i = 0; i < d.vm.length; i++) {
    const lane = d.vm[i] as number;
    const j = last.get(lane);
    const t = us(d.t[i] as number);
    p.dt.push(t - prevT);
    prevT = t;
    p.dtick.push((d.tick[i] as number) - (j === undefined ? 0 : (d.tick[j] as number)));
    p.dclock.push((d.clock[i] as number) - (j === undefined ? 0 : (d.clock[j] as number)));
    for (let x = 0; x < k; x++)
      p.dvc.push((d.vc[i * k + x] as number) - (j === undefined ? 0 : (d.vc[j * k + x] as number)));
    const receive = d.kind[i] === 2;
    p.wait.push(receive ? t - us(d.arrived[i] as number) : 0);
    p.back.push((d.sendOf[i] as number) >= 0 ? i - (d.sendOf[i] as number) : 0);
    p.from.push((d.from[i] as number) + 1);
    last.set(lane, i);
  }
  return p;
}

/** The columns back from the page's form: `unpack(pack(d))` equals `d`. */
export function unpack(p: PackedTrial): TrialDiagram {
  const { experiment, trial, vms, t0, durationS, total, omitted, vm, kind, queue, jump, unreceived } = p;
  const k = vms.length;
  const d: TrialDiagram = {
    ...{ experiment, trial, vms, t0, durationS, total, omitted, vm, kind, queue, jump, unreceived },
    ...{ tick: [], t: [], clock: [], vc: [], sendOf: [], from: [], arrived: [] },
  };
  const last = new Map<number, number>();
  let t = 0;
  for (let i = 0; i < p.vm.length; i++) {
    const lane = p.vm[i] as number;
    const j = last.get(lane);
    t += p.dt[i] as number;
    d.t.push(t / 1000);
    d.tick.push((p.dtick[i] as number) + (j === undefined ? 0 : (d.tick[j] as number)));
    d.clock.push((p.dclock[i] as number) + (j === undefined ? 0 : (d.clock[j] as number)));
    for (let x = 0; x < k; x++)
      d.vc.push((p.dvc[i * k + x] as number) + (j === undefined ? 0 : (d.vc[j * k + x] as number)));
    d.arrived.push(kind[i] === 2 ? (t - (p.wait[i] as number)) / 1000 : 0);
    d.sendOf.push((p.back[i] as number) > 0 ? i - (p.back[i] as number) : -1);
    d.from.push((p.from[i] as number) - 1);
    last.set(lane, i);
  }
  return d;
}

/** The id of the `<script type="application/json">` that holds the data. */
export const DATA_ID = "st-data";
/** The id of the element the page builds the diagram in. */
export const ROOT_ID = "st";

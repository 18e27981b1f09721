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
}

/** What the page embeds: every trial, and the bound it applied. */
export interface DiagramData {
  /** Tick events embedded per trial at most; beyond it a trial keeps its first events. */
  limitPerTrial: number;
  trials: TrialDiagram[];
}

/** The id of the `<script type="application/json">` that holds the data. */
export const DATA_ID = "st-data";
/** The id of the element the page builds the diagram in. */
export const ROOT_ID = "st";

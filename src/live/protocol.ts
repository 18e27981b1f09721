/**
 * What the live page's server sends it: server-sent events, each a name and one JSON value.
 * Shared by the server (Node) and the page's script (browser), so both compile against this
 * one file; no imports.
 *
 * A stream always starts with `run`, then every trial so far (`trial`, its `records`, and
 * `trial-end` when it ended), then what happens from then on. A page that reconnects gets the
 * whole story again and starts over from `run`.
 */

/** Where the page's server serves the stream (one path segment), for the server and the page. */
export const STREAM = "events";

/** The stream's event names. */
export const EVENTS = {
  run: "run",
  trial: "trial",
  records: "records",
  trialEnd: "trial-end",
  end: "end",
} as const;

/** `run`: what is being run. */
export interface LiveRun {
  /** The run folder's name, e.g. 20261203-101500-standard. */
  folder: string;
  startedAt: string;
  /** The experiments in order, with their trials, VMs and seconds per trial. */
  experiments: { name: string; trials: number; vms: number; durationS: number }[];
  transport: string;
  /** Tick events a trial's diagram keeps at most (the report's bound). */
  limitPerTrial: number;
  /** The server's clock as it sent this (ms since the epoch): the page counts down to first ticks with it. */
  now: number;
}

/** `trial`: a trial has started (or had, for a page that catches up). */
export interface LiveTrial {
  /** 0, 1, ... over the whole run: the key of `records` and `trial-end`. */
  index: number;
  experiment: string;
  trial: number;
  /** Trials of this experiment. */
  trials: number;
  /** Index of the experiment in `LiveRun.experiments`. */
  experimentIndex: number;
  vms: { id: string; rate: number; planned: number }[];
  /** The trial's first tick deadline, ms since the Unix epoch: time 0 of its diagram. */
  t0: number;
  durationS: number;
}

/**
 * `records`: log records of one VM of one trial, in the order its log has them: start,
 * internal, send, receive and stop records as the log holds them (parsed JSON).
 */
export interface LiveRecords {
  index: number;
  vm: string;
  records: LiveRecord[];
}

/** The fields of a log record the page reads. */
export interface LiveRecord {
  event: string;
  t: number;
  tick?: number;
  clock?: number;
  queue?: number;
  vc?: Record<string, number>;
  to?: string[];
  seq?: number | number[];
  from?: string;
  arrivedAt?: number;
  epoch?: number;
  recovered?: unknown;
  ticksPlanned?: number;
  rate?: number;
}

/** `trial-end`: a trial is over; what its logs say. */
export interface LiveTrialEnd {
  index: number;
  /** Every check passed. */
  ok: boolean;
  /** Each check: items it looked at, and how many broke the rule. */
  checks: { name: string; ok: boolean; checked: number; failures: number }[];
  /** The lab notebook's sentences for this trial alone. */
  findings: string[];
  /** The trial was cut short (Ctrl-C) or a VM failed. */
  interrupted: boolean;
}

/** `end`: the run is over. */
export interface LiveEnd {
  status: "completed" | "failed" | "interrupted";
  /** Where the run's report is served (same server), or null when none was written. */
  report: string | null;
}

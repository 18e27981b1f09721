import type { Manifest } from "./manifest.js";

/** One trial as it starts, for whoever watches the run besides the terminal. */
export interface ObservedTrial {
  /** 0, 1, ... over the whole run. */
  index: number;
  experiment: string;
  /** Index of the experiment in the run's configuration. */
  experimentIndex: number;
  trial: number;
  trials: number;
  /** The experiment's folder, which holds the trial's logs. */
  dir: string;
  /** The first tick deadline (ms since the Unix epoch) and the seconds of ticking. */
  startAt: number;
  durationS: number;
  vms: { id: string; rate: number; planned: number; log: string }[];
}

/**
 * Follows a run as the orchestrator runs it (the live page). The orchestrator already tails
 * every VM's log for the terminal view; an observer gets the same lines, so the VM processes
 * do nothing extra for it. Calls come in order: runStarted, then per trial trialStarted,
 * lines (any number), trialEnded; runEnded last, after the report is written.
 */
export interface RunObserver {
  runStarted(runDir: string, manifest: Manifest): void;
  trialStarted(trial: ObservedTrial): void;
  /**
   * Complete lines a VM appended to its log since the last call (start, tick and stop records
   * only), with the byte offset in the log up to which lines have now been handed over.
   */
  lines(index: number, vm: string, lines: string[], upTo: number): void;
  trialEnded(index: number): void;
  runEnded(status: Manifest["status"], report: string | undefined): void;
}

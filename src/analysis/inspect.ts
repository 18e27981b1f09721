import { basename } from "node:path";
import { UsageError } from "../base/errors.js";
import { discoverTrials } from "./discover.js";
import { type ExperimentSummary, summarizeExperiments } from "./experiment.js";
import { type RunInfo, readRunInfo } from "./run-info.js";
import { type AnalyzeOptions, analyzeTrial, fileSource, type TrialAnalysis } from "./trial.js";

/** What `inspect` reports: every trial, and every experiment summarised over its trials. */
export interface InspectReport {
  paths: string[];
  /** Every check passed (an interrupted run can pass them: see `interrupted`). */
  ok: boolean;
  /**
   * The run was stopped before it ran every trial to its end: a VM stopped by a signal, or
   * the run folder's run.json says `interrupted`. Its numbers cover only the time it ran.
   */
  interrupted: boolean;
  /** `status` from the run folder's run.json, when one folder with one was inspected. */
  runStatus?: string;
  /** What run.json says was run (command, seed, when, host, transport, faults, rates), if found. */
  run?: RunInfo;
  trials: TrialAnalysis[];
  experiments: ExperimentSummary[];
}

/** Checks and statistics for every trial under `paths`, streaming each log. */
export async function inspectPaths(
  paths: readonly string[],
  options: Omit<AnalyzeOptions, "experiment" | "trial"> = {},
  onTrial?: (done: number, total: number) => void,
): Promise<InspectReport> {
  const groups = discoverTrials(paths);
  const trials: TrialAnalysis[] = [];
  for (const group of groups) {
    trials.push(
      await analyzeTrial(group.files.map(fileSource), {
        ...options,
        experiment: group.experiment,
        trial: group.trial,
      }),
    );
    onTrial?.(trials.length, groups.length);
  }
  refuseNonLogs(trials);
  const run = readRunInfo(paths);
  return reportOf(paths, trials, run?.status, run);
}

/**
 * Stops with one line when not one line of any file is a log record (a binary file, JSON
 * Lines of another program): a report of nothing but unreadable lines would say no more.
 * Empty files are reported as such by the checks.
 */
function refuseNonLogs(trials: TrialAnalysis[]): void {
  const vms = trials.flatMap((t) => t.vms);
  if (vms.some((v) => v.records > 0) || !vms.some((v) => v.badLines > 0)) return;
  const first = trials.flatMap((t) => t.checks.find((c) => c.name === "readable")?.violations ?? [])[0];
  const files = trials.flatMap((t) => t.files);
  const what = files.length === 1 ? basename(files[0] as string) : `any of ${files.length} files`;
  const why = first === undefined ? "" : ` (${basename(first.where)}: ${first.message})`;
  throw new UsageError(`inspect: not one line of ${what} is a clocklab log record${why}`);
}

/** A report over analysed trials: verdict and per-experiment summaries derived from them. */
export function reportOf(
  paths: readonly string[],
  trials: TrialAnalysis[],
  status?: string,
  run?: RunInfo,
): InspectReport {
  return {
    paths: [...paths],
    ok: trials.every((t) => t.checks.every((c) => c.ok)),
    interrupted: status === "interrupted" || trials.some((t) => t.interrupted),
    ...(status === undefined ? {} : { runStatus: status }),
    ...(run === undefined ? {} : { run }),
    trials,
    experiments: summarizeExperiments(trials),
  };
}

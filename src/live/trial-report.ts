import { type InspectReport, inspectPaths, reportOf } from "../analysis/inspect.js";
import { readRunInfo } from "../analysis/run-info.js";

/**
 * One trial's logs inspected as a report of their own, keeping what they belong to: the
 * trial's experiment (log files alone would be named after their folder, ".") and, with its
 * run folder, what run.json says was run.
 */
export async function trialReport(
  files: string[],
  experiment: string,
  runDir?: string,
): Promise<InspectReport> {
  const alone = await inspectPaths(files);
  const trials = alone.trials.map((t) => ({ ...t, experiment }));
  const run = runDir === undefined ? undefined : readRunInfo([runDir]);
  return reportOf(files, trials, run?.status, run);
}

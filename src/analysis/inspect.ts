import { discoverTrials } from "./discover.js";
import { type ExperimentSummary, summarizeExperiments } from "./experiment.js";
import { type AnalyzeOptions, analyzeTrial, fileSource, type TrialAnalysis } from "./trial.js";

/** What `inspect` reports: every trial, and every experiment summarised over its trials. */
export interface InspectReport {
  paths: string[];
  ok: boolean;
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
  return reportOf(paths, trials);
}

/** A report over analysed trials: verdict and per-experiment summaries derived from them. */
export function reportOf(paths: readonly string[], trials: TrialAnalysis[]): InspectReport {
  return {
    paths: [...paths],
    ok: trials.every((t) => t.checks.every((c) => c.ok)),
    trials,
    experiments: summarizeExperiments(trials),
  };
}

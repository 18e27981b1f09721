import { round3, summarize } from "./series.js";
import type { TrialAnalysis, VmStats } from "./trial.js";

/** A value over an experiment's trials: mean and sample standard deviation. */
export interface Spread {
  mean: number;
  sd: number;
}

/** One VM (by port) over all trials of an experiment. */
export interface ExperimentVm {
  vm: string;
  trials: number;
  rate: Spread;
  finalClock: Spread;
  clockPerRate: Spread;
  jumpMean: Spread;
  jumpMax: Spread;
  queueMax: Spread;
  latencyP50Ms: Spread;
  lagMax: Spread;
  latenessP99Ms: Spread;
}

export interface ExperimentSummary {
  experiment: string;
  trials: number;
  ok: boolean;
  /** Trials a signal stopped before their end. */
  interrupted: number;
  vms: ExperimentVm[];
}

function spread(values: number[]): Spread {
  const s = summarize(values.filter((v) => Number.isFinite(v)));
  return { mean: round3(s.mean), sd: round3(s.sd) };
}

/** Means and spreads per VM over the trials of each experiment. */
export function summarizeExperiments(trials: TrialAnalysis[]): ExperimentSummary[] {
  const byExperiment = new Map<string, TrialAnalysis[]>();
  for (const t of trials) byExperiment.set(t.experiment, [...(byExperiment.get(t.experiment) ?? []), t]);
  return [...byExperiment].map(([experiment, list]) => {
    const byVm = new Map<string, VmStats[]>();
    for (const t of list) for (const vm of t.vms) byVm.set(vm.vm, [...(byVm.get(vm.vm) ?? []), vm]);
    return {
      experiment,
      trials: list.length,
      ok: list.every((t) => t.checks.every((c) => c.ok)),
      interrupted: list.filter((t) => t.interrupted).length,
      vms: [...byVm].map(([vm, stats]) => ({
        vm,
        trials: stats.length,
        rate: spread(stats.map((s) => s.rate)),
        finalClock: spread(stats.map((s) => s.finalClock)),
        clockPerRate: spread(stats.map((s) => s.clockPerRate)),
        jumpMean: spread(stats.map((s) => s.jumps.mean)),
        jumpMax: spread(stats.map((s) => s.jumps.max)),
        queueMax: spread(stats.map((s) => s.queue.max)),
        latencyP50Ms: spread(stats.map((s) => s.latencyMs.p50)),
        lagMax: spread(stats.map((s) => s.lag.max)),
        latenessP99Ms: spread(stats.map((s) => s.latenessMs.p99)),
      })),
    };
  });
}

import { trialRatios, type VmRatio } from "./ratios.js";
import { round3, summarize } from "./series.js";
import type { TrialAnalysis } from "./trial.js";

/** A value over the VMs of a group: mean and sample standard deviation. */
export interface Spread {
  mean: number;
  sd: number;
}

/**
 * The VMs of one rank (1 = fastest of its trial) over an experiment's trials. Rates are drawn
 * anew each trial, so VMs are pooled by rank, never by port: a port is a rate-1 VM in one
 * trial and a rate-6 VM in the next, and a mean over both says nothing.
 */
export interface RankGroup {
  rank: number;
  /** VM-trials pooled: one per trial, as ranks are ordinal (ties broken by VM id). */
  count: number;
  /** Range of the rate ratio (rate / fastest of its trial) in the group. */
  ratio: { min: number; max: number };
  rate: Spread;
  finalClock: Spread;
  skippedPerTick: Spread;
  jumpMean: Spread;
  jumpMax: Spread;
  lagMax: Spread;
  queueMean: Spread;
  queueMax: Spread;
  latencyP50Ms: Spread;
  latenessP99Ms: Spread;
}

/** Share of ticks that were receives, sends and internal events, over every VM and trial. */
export interface EventMix {
  receive: number;
  send: number;
  internal: number;
}

export interface ExperimentSummary {
  experiment: string;
  trials: number;
  ok: boolean;
  /** Trials a signal stopped before their end. */
  interrupted: number;
  /** Draws 1..eventRange (NaN when the logs do not say). */
  eventRange: number;
  eventMix: EventMix;
  /** Statistics pooled by rank within each trial. */
  ranks: RankGroup[];
  /** Every VM of every trial with its rate ratio: the points of the exercise's chart. */
  ratios: VmRatio[];
}

function spread(values: number[]): Spread {
  const s = summarize(values.filter((v) => Number.isFinite(v)));
  return { mean: round3(s.mean), sd: round3(s.sd) };
}

function rankGroup(rank: number, vms: VmRatio[]): RankGroup {
  const of = (f: (v: VmRatio) => number) => spread(vms.map(f));
  return {
    rank,
    count: vms.length,
    ratio: { min: Math.min(...vms.map((v) => v.ratio)), max: Math.max(...vms.map((v) => v.ratio)) },
    rate: of((v) => v.rate),
    finalClock: of((v) => v.finalClock),
    skippedPerTick: of((v) => v.skippedPerTick),
    jumpMean: of((v) => v.jumps.mean),
    jumpMax: of((v) => v.jumps.max),
    lagMax: of((v) => v.lagMax),
    queueMean: of((v) => v.queueMean),
    queueMax: of((v) => v.queueMax),
    latencyP50Ms: of((v) => v.latencyP50Ms),
    latenessP99Ms: of((v) => v.latenessP99Ms),
  };
}

function eventMix(trials: TrialAnalysis[]): EventMix {
  let receive = 0;
  let send = 0;
  let internal = 0;
  for (const v of trials.flatMap((t) => t.vms)) {
    receive += v.events.receive;
    send += v.events.send;
    internal += v.events.internal;
  }
  const all = receive + send + internal;
  const share = (n: number) => (all === 0 ? Number.NaN : round3(n / all));
  return { receive: share(receive), send: share(send), internal: share(internal) };
}

/** Statistics by rank over the trials of each experiment, and every VM's ratio. */
export function summarizeExperiments(trials: TrialAnalysis[]): ExperimentSummary[] {
  const byExperiment = new Map<string, TrialAnalysis[]>();
  for (const t of trials) byExperiment.set(t.experiment, [...(byExperiment.get(t.experiment) ?? []), t]);
  return [...byExperiment].map(([experiment, list]) => {
    const ratios = list.flatMap(trialRatios);
    const byRank = new Map<number, VmRatio[]>();
    for (const v of ratios) byRank.set(v.rank, [...(byRank.get(v.rank) ?? []), v]);
    const ranges = new Set(list.flatMap((t) => t.vms.map((v) => v.eventRange)));
    return {
      experiment,
      trials: list.length,
      ok: list.every((t) => t.checks.every((c) => c.ok)),
      interrupted: list.filter((t) => t.interrupted).length,
      eventRange: ranges.size === 1 ? ([...ranges][0] as number) : Number.NaN,
      eventMix: eventMix(list),
      ranks: [...byRank].sort((a, b) => a[0] - b[0]).map(([rank, vms]) => rankGroup(rank, vms)),
      ratios,
    };
  });
}

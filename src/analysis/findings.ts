import type { ExperimentSummary, RankGroup } from "./experiment.js";
import type { InspectReport } from "./inspect.js";
import type { VmRatio } from "./ratios.js";
import { formatNumber } from "./table.js";

/** Id of the exercise's chart (jump, lag and queue against the rate ratio) on the page. */
export const EXERCISE_FIGURE = "rate-ratios";

/** What a finding is about. */
export type FindingTopic = "jumps" | "drift" | "queue" | "checks" | "change";

/** One sentence of the lab notebook, made from the run's numbers, and the figure that shows it. */
export interface Finding {
  /** The experiment it is about; absent for a comparison across experiments. */
  experiment?: string;
  topic: FindingTopic;
  text: string;
  /** Id of the figure on the page that shows it. */
  figure: string;
}

/** The file-safe name of an experiment's charts (the rule of report/charts.ts). */
export function experimentSlug(experiment: string): string {
  return experiment === "." ? "run" : experiment.replace(/[^A-Za-z0-9_-]+/g, "-");
}

const n = formatNumber;
const name = (e: string) => (e === "." ? "this run" : e);
const pct = (x: number) => `${Math.round(x * 100)}%`;
const ratioRange = (g: RankGroup) =>
  g.ratio.min === g.ratio.max ? `ratio ${n(g.ratio.min)}` : `ratios ${n(g.ratio.min)}-${n(g.ratio.max)}`;
const who = (v: VmRatio) => `VM ${v.vm} in trial ${v.trial} (rate ${n(v.rate)}, ratio ${n(v.ratio)})`;

/** The VM-trial with the largest value of `f` (the first one on a tie). */
function largest(vms: VmRatio[], f: (v: VmRatio) => number): VmRatio | undefined {
  return vms.reduce<VmRatio | undefined>(
    (best, v) => (Number.isFinite(f(v)) && (best === undefined || f(v) > f(best)) ? v : best),
    undefined,
  );
}

function jumpFindings(e: ExperimentSummary, figure: string): Finding[] {
  const out: Finding[] = [];
  const say = (text: string) => out.push({ experiment: e.experiment, topic: "jumps", text, figure });
  const top = e.ranks.find((g) => g.rank === 1);
  const topVms = e.ratios.filter((v) => v.rank === 1);
  if (top !== undefined) {
    const jumps = topVms.reduce((s, v) => s + v.jumps.count, 0);
    say(
      `${name(e.experiment)}: the fastest VM of each trial (rank 1, ${top.count} VM-trials) jumped ${n(jumps)} time(s) in all and skipped ${n(top.skippedPerTick.mean)} values per tick (the model: 0): only a VM of equal or near rate is ever briefly ahead of it.`,
    );
  }
  for (const g of e.ranks.filter((r) => r.rank > 1)) {
    const vms = e.ratios.filter((v) => v.rank === g.rank);
    // The steady state's formula, also for a VM that cannot keep up: the gap is the finding.
    const expected = vms.reduce((s, v) => s + (1 / v.ratio - 1), 0) / vms.length;
    say(
      `${name(e.experiment)}: rank ${g.rank} (${g.count} VM-trials, ${ratioRange(g)}) skipped ${n(g.skippedPerTick.mean)} values per tick (the model's 1/q − 1 gives ${n(Math.round(expected * 1000) / 1000)}), in jumps of ${n(g.jumpMean.mean)} values on average; its largest jump in a trial was ${n(g.jumpMax.mean)} on average.`,
    );
  }
  const big = largest(e.ratios, (v) => v.jumps.max);
  if (big !== undefined)
    say(`${name(e.experiment)}: the largest jump, ${n(big.jumps.max)} values, was ${who(big)}.`);
  return out;
}

function driftFinding(e: ExperimentSummary, figure: string): Finding[] {
  const worst = largest(e.ratios, (v) => v.lagMax);
  if (worst === undefined) return [];
  const fastestLag = Math.max(...e.ratios.filter((v) => v.rank === 1).map((v) => v.lagMax));
  return [
    {
      experiment: e.experiment,
      topic: "drift",
      text: `${name(e.experiment)}: the largest drift was ${who(worst)}: ${n(worst.lagMax)} clock values behind the largest clock, at ${n(worst.lagMaxAtS)} s into the trial; the fastest VMs were never more than ${n(fastestLag)} behind.`,
      figure,
    },
  ];
}

function queueFindings(e: ExperimentSummary, figure: string): Finding[] {
  const say = (text: string): Finding => ({ experiment: e.experiment, topic: "queue", text, figure });
  const grew = e.ratios.filter((v) => v.queueTrend.grew);
  const out = grew.map((v) =>
    say(
      `${name(e.experiment)}: ${who(v)} did not keep up: its queue went from ${n(v.queueTrend.firstQuarter)} to ${n(v.queueTrend.lastQuarter)} messages on average (first to last quarter of the trial), up to ${n(v.queueMax)}; the model counts ${n(Math.round(v.expected.arrivalsPerS * 1000) / 1000)} messages a second sent to it, for the ${n(v.rate)} it can take a second.`,
    ),
  );
  const kept = e.ratios.filter((v) => !v.queueTrend.grew);
  const most = largest(kept, (v) => v.queueMax);
  if (most !== undefined) {
    out.push(
      say(
        `${name(e.experiment)}: ${grew.length === 0 ? "every VM kept up" : `the other ${kept.length} VM-trials kept up`}: no queue grew over its trial; the longest was ${n(most.queueMax)} messages, ${who(most)}.`,
      ),
    );
  }
  return out;
}

function checkFinding(e: ExperimentSummary, report: InspectReport, figure: string): Finding {
  const trials = report.trials.filter((t) => t.experiment === e.experiment);
  const failed = trials.flatMap((t) =>
    t.checks
      .filter((c) => !c.ok)
      .map((c) => `${c.name} in trial ${t.trial} (${n(c.failures)} of ${n(c.checked)})`),
  );
  const events = trials.reduce((s, t) => s + (t.checks.find((c) => c.name === "lamport")?.checked ?? 0), 0);
  const text =
    failed.length === 0
      ? `${name(e.experiment)}: every clock rule held in all ${e.trials} trial(s): ${n(events)} ticks checked against the Lamport and vector rules, every message matched to its send, in order, none lost.`
      : `${name(e.experiment)}: checks failed: ${failed.join("; ")}.`;
  return { experiment: e.experiment, topic: "checks", text, figure };
}

/** Mean over the VMs that are not the fastest of their trial. */
function slowerMean(e: ExperimentSummary, f: (v: VmRatio) => number): number {
  const xs = e.ratios
    .filter((v) => v.rank > 1)
    .map(f)
    .filter(Number.isFinite);
  return xs.length === 0 ? Number.NaN : Math.round((xs.reduce((s, x) => s + x, 0) / xs.length) * 1000) / 1000;
}

/** What changed from experiment `a` to `b`: jumps, drift, queues and the event mix. */
function changeFindings(a: ExperimentSummary, b: ExperimentSummary): Finding[] {
  const from = `From ${name(a.experiment)} to ${name(b.experiment)}`;
  const pair = (f: (e: ExperimentSummary) => number) => `${n(f(a))} to ${n(f(b))}`;
  const maxOf = (e: ExperimentSummary, f: (v: VmRatio) => number) =>
    Math.max(...e.ratios.map(f).filter(Number.isFinite));
  const minRatio = (e: ExperimentSummary) => Math.min(...e.ratios.map((v) => v.ratio));
  const grew = (e: ExperimentSummary) => e.ratios.filter((v) => v.queueTrend.grew).length;
  const say = (topic: FindingTopic, text: string): Finding => ({ topic, text, figure: EXERCISE_FIGURE });
  return [
    say(
      "change",
      `${from}, the slowest rate ratio went from ${pair(minRatio)}; the VMs slower than their trial's fastest skipped ${pair((e) => slowerMean(e, (v) => v.skippedPerTick))} values per tick, in jumps of ${pair((e) => slowerMean(e, (v) => v.jumps.mean))} on average, and the largest jump went from ${pair((e) => maxOf(e, (v) => v.jumps.max))}.`,
    ),
    say(
      "change",
      `${from}, the largest drift went from ${pair((e) => maxOf(e, (v) => v.lagMax))} clock values; the mean queue of the slower VMs from ${pair((e) => slowerMean(e, (v) => v.queueMean))}, the longest queue from ${pair((e) => maxOf(e, (v) => v.queueMax))}, and VM-trials whose queue grew from ${pair(grew)}.`,
    ),
    say(
      "change",
      `${from}, the event range went from ${pair((e) => e.eventRange)}: receives went from ${pct(a.eventMix.receive)} to ${pct(b.eventMix.receive)} of all ticks, sends from ${pct(a.eventMix.send)} to ${pct(b.eventMix.send)}, internal events from ${pct(a.eventMix.internal)} to ${pct(b.eventMix.internal)}.`,
    ),
  ];
}

/** The lab notebook's sentences for a report: per experiment, then what changed between them. */
export function findingsOf(report: InspectReport): Finding[] {
  const per = report.experiments.flatMap((e) => {
    const slug = experimentSlug(e.experiment);
    return [
      ...jumpFindings(e, EXERCISE_FIGURE),
      ...driftFinding(e, `${slug}-drift`),
      ...queueFindings(e, `${slug}-queue`),
      checkFinding(e, report, `${slug}-clock`),
    ];
  });
  const [base, ...others] = [
    ...report.experiments.filter((e) => e.experiment === "standard"),
    ...report.experiments.filter((e) => e.experiment !== "standard"),
  ];
  const across = base === undefined ? [] : others.flatMap((o) => changeFindings(base, o));
  return [...per, ...across];
}

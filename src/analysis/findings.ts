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

/**
 * A number for a sentence: integers as integers, others to at most 2 decimals (3 significant
 * digits below 1, so 0.004 is not "0"). The tables keep formatNumber's 3 decimals.
 */
export function sentenceNumber(x: number): string {
  if (!Number.isFinite(x)) return formatNumber(x);
  if (Number.isInteger(x)) return String(x);
  const abs = Math.abs(x);
  return String(abs >= 1 ? Math.round(x * 100) / 100 : Number(x.toPrecision(abs >= 0.1 ? 2 : 1)));
}

/** "1 message", "2 messages". */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${sentenceNumber(count)} ${count === 1 ? word : many}`;
}

/**
 * The words the findings use, said once above them: what students measure by hand differs
 * from what "jump" counts here by one, and "drift" is the exercise's word for the lag.
 */
export const FINDING_TERMS: readonly string[] = [
  "A jump of n: the clock moved n + 1 on one tick, skipping n values; a difference of n + 1 between consecutive clock values in the log (a step of 1 is no jump).",
  "Drift: how far a VM's clock lags behind the largest clock of its trial at the same moment (the system time gives this god's-eye view), in clock values.",
  "Rate ratio q: a VM's rate over the fastest rate of its trial. Rank: its place in its trial by rate, 1 = the fastest; VMs of equal rate are ordered by VM id, so every trial has exactly one VM of each rank and the last rank is the slowest.",
];

const n = sentenceNumber;
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
      `${name(e.experiment)}: the fastest VM of each trial (rank 1, ${plural(top.count, "VM-trial")}) jumped ${plural(jumps, "time")} in all and skipped ${n(top.skippedPerTick.mean)} values per tick (the model: 0): only a VM of equal or near rate is ever briefly ahead of it.`,
    );
  }
  for (const g of e.ranks.filter((r) => r.rank > 1)) {
    const vms = e.ratios.filter((v) => v.rank === g.rank);
    // The steady state's formula, also for a VM that cannot keep up: the gap is the finding.
    // q from the rates, not the rounded ratio, so 1/q − 1 is exact (5 for a rate-1 VM beside 6).
    const expected = vms.reduce((s, v) => s + (v.fastest / v.rate - 1), 0) / vms.length;
    say(
      `${name(e.experiment)}: rank ${g.rank} (${plural(g.count, "VM-trial")}, ${ratioRange(g)}) skipped ${n(g.skippedPerTick.mean)} values per tick (the model's 1/q − 1, averaged over these VMs, gives ${n(expected)}), ${
        Number.isFinite(g.jumpMean.mean)
          ? `in jumps of ${plural(g.jumpMean.mean, "value")} on average; its largest jump in a trial was ${plural(g.jumpMax.mean, "value")} on average.`
          : "and never jumped."
      }`,
    );
  }
  const big = largest(e.ratios, (v) => v.jumps.max);
  if (big !== undefined)
    say(
      `${name(e.experiment)}: the largest jump, ${plural(big.jumps.max, "value")} skipped (a step of ${n(big.jumps.max + 1)} in the clock), was ${who(big)}.`,
    );
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
      text: `${name(e.experiment)}: the largest drift (lag behind the largest clock) was ${who(worst)}: ${plural(worst.lagMax, "clock value")} behind the largest clock, at ${n(worst.lagMaxAtS)} s into the trial; the fastest VMs were never more than ${n(fastestLag)} behind.`,
      figure,
    },
  ];
}

function queueFindings(e: ExperimentSummary, figure: string): Finding[] {
  const say = (text: string): Finding => ({ experiment: e.experiment, topic: "queue", text, figure });
  const grew = e.ratios.filter((v) => v.queueTrend.grew);
  const out = grew.map((v) =>
    say(
      `${name(e.experiment)}: ${who(v)} did not keep up: its queue went from ${n(v.queueTrend.firstQuarter)} to ${n(v.queueTrend.lastQuarter)} messages on average (first to last quarter of the trial), up to ${n(v.queueMax)} after a tick, ${n(v.pending)} still waiting at the end; ${n(v.arrivedPerS)} messages a second reached it (${n(v.receives)} received + ${n(v.pending)} waiting, over the trial's seconds), the model counts ${n(v.expected.arrivalsPerS)}, for the ${n(v.rate)} it can take a second.`,
    ),
  );
  const kept = e.ratios.filter((v) => !v.queueTrend.grew);
  const most = largest(kept, (v) => v.queueMax);
  if (most !== undefined) {
    out.push(
      say(
        `${name(e.experiment)}: ${grew.length === 0 ? "every VM kept up" : `the other ${plural(kept.length, "VM-trial")} kept up`}: no queue grew over its trial; ${most.queueMax === 0 ? "no message ever waited in a queue after a tick" : `the longest was ${plural(most.queueMax, "message")}, ${who(most)}`}.`,
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
  const vms = trials.flatMap((t) => t.vms);
  const received = vms.reduce((s, v) => s + v.events.receive, 0);
  const pending = vms.reduce((s, v) => s + (Number.isFinite(v.pending) ? v.pending : 0), 0);
  const waiting =
    pending === 0
      ? "every message sent was received"
      : `${n(received)} received and ${n(pending)} still in a queue at the end`;
  // Pending is counted at the stop, the queue after each tick: a VM at rate r ticks last up to
  // 1/r s before the end while the others go on sending, so its queue can end longer than at any tick.
  const longer = e.ratios.filter((v) => v.pending > v.queueMax);
  const why =
    longer.length === 0
      ? ""
      : ` A queue can end longer than it ever was after a tick (${longer
          .slice(0, 2)
          .map(
            (v) =>
              `VM ${v.vm} in trial ${v.trial}: ${n(v.pending)} at the end, at most ${n(v.queueMax)} after a tick`,
          )
          .join(
            "; ",
          )}): messages that arrived after its last tick (a VM at rate r ticks last up to 1/r s before the trial ends, while the others go on sending) are waiting at the end but were never counted after a tick.`;
  const text =
    failed.length === 0
      ? `${name(e.experiment)}: every clock rule held in all ${plural(e.trials, "trial")}: ${n(events)} ticks checked against the Lamport and vector rules; every message received was matched to its send, in order, and none was lost: ${waiting}.${why}`
      : `${name(e.experiment)}: checks failed: ${failed.join("; ")}.`;
  return { experiment: e.experiment, topic: "checks", text, figure };
}

/** Mean over the VMs slower than the fastest of their trial (a VM tied with it is not). */
function slowerMean(e: ExperimentSummary, f: (v: VmRatio) => number): number {
  const xs = e.ratios
    .filter((v) => v.ratio < 1)
    .map(f)
    .filter(Number.isFinite);
  return xs.length === 0 ? Number.NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}

/**
 * What differs between the two experiments' set-ups, from their logs: the range of rates drawn
 * and the event range. When both differ, no comparison of the two can say which did what.
 */
function setupChange(a: ExperimentSummary, b: ExperimentSummary, from: string): string {
  const span = (e: ExperimentSummary) => {
    const rates = e.ratios.map((v) => v.rate);
    const lo = Math.min(...rates);
    const hi = Math.max(...rates);
    return lo === hi ? n(lo) : `${n(lo)}-${n(hi)}`;
  };
  const changes = [
    ...(span(a) === span(b) ? [] : [`the rates ran ${span(a)} and then ${span(b)} ticks a second`]),
    ...(a.eventRange === b.eventRange
      ? []
      : [`the event range went from ${n(a.eventRange)} to ${n(b.eventRange)}`]),
  ];
  if (changes.length === 2)
    return `${from}, two things changed at once: ${changes.join(", and ")}. This run cannot separate their effects: every difference below comes from both together (to tell them apart, change one at a time with sim --rate-min/--rate-max or --event-range).`;
  const same =
    span(a) === span(b)
      ? `the rates ran ${span(a)} ticks a second in both`
      : `the event range was ${n(a.eventRange)} in both`;
  if (changes.length === 1)
    return `${from}, one thing changed: ${changes[0]} (${same}); the differences below come from it.`;
  return `${from}, neither the rates (${span(a)} ticks a second) nor the event range (${n(a.eventRange)}) changed: the differences below are chance.`;
}

/** What changed from experiment `a` to `b`: jumps, drift, queues and the event mix. */
function changeFindings(a: ExperimentSummary, b: ExperimentSummary): Finding[] {
  const from = `From ${name(a.experiment)} to ${name(b.experiment)}`;
  // "none" where an experiment has nothing to measure (no VM slower than its trial's fastest).
  const val = (x: number) => (Number.isFinite(x) ? n(x) : "none");
  const pair = (f: (e: ExperimentSummary) => number) => `${val(f(a))} to ${val(f(b))}`;
  const maxOf = (e: ExperimentSummary, f: (v: VmRatio) => number) => {
    const xs = e.ratios.map(f).filter(Number.isFinite);
    return xs.length === 0 ? Number.NaN : Math.max(...xs);
  };
  const minRatio = (e: ExperimentSummary) => Math.min(...e.ratios.map((v) => v.ratio));
  const grew = (e: ExperimentSummary) => e.ratios.filter((v) => v.queueTrend.grew).length;
  const say = (topic: FindingTopic, text: string): Finding => ({ topic, text, figure: EXERCISE_FIGURE });
  // Internal events are drawn only on a tick with an empty queue: R − N of the R draws.
  const drawnInternal = (e: ExperimentSummary) => {
    const vms = e.ratios.length / Math.max(1, e.trials);
    return e.eventRange > vms ? (e.eventRange - vms) / e.eventRange : 0;
  };
  return [
    say("change", setupChange(a, b, from)),
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
      `${from}, the event range went from ${pair((e) => e.eventRange)}: receives went from ${pct(a.eventMix.receive)} to ${pct(b.eventMix.receive)} of all ticks, sends from ${pct(a.eventMix.send)} to ${pct(b.eventMix.send)}, internal events from ${pct(a.eventMix.internal)} to ${pct(b.eventMix.internal)} (of the random draws, made only on a tick whose queue is empty, internal events were ${pct(drawnInternal(a))} and ${pct(drawnInternal(b))}).`,
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

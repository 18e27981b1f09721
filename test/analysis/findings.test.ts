import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ExperimentSummary } from "../../src/analysis/experiment.js";
import {
  EXERCISE_FIGURE,
  FINDING_TERMS,
  type Finding,
  findingsOf,
  sentenceNumber,
} from "../../src/analysis/findings.js";
import type { InspectReport } from "../../src/analysis/inspect.js";
import type { VmRatio } from "../../src/analysis/ratios.js";
import { experimentCharts } from "../../src/report/charts.js";
import { resolveExperiments } from "../../src/run/config.js";
import { simulateRun } from "../../src/sim/run.js";

/** Both presets with the given fixed rates, 3 trials of 60 s, in memory. */
async function run(rates: number[], seed: number): Promise<InspectReport> {
  const { report } = await simulateRun(
    {
      experiments: resolveExperiments("all", { rates, trials: 3 }),
      seed,
      basePort: 5001,
      latency: { kind: "constant", ms: 0.1 },
      runDir: undefined,
    },
    [],
  );
  return report;
}

const f = sentenceNumber;
const num = (s: string | undefined) => Number(s);

/** The experiment a finding is about. */
function experimentOf(report: InspectReport, finding: Finding): ExperimentSummary {
  const e = report.experiments.find((x) => x.experiment === finding.experiment);
  assert.ok(e, `no experiment ${finding.experiment}`);
  return e;
}

/** "VM v in trial t (rate r, ratio q)" names a VM-trial whose rate and ratio are those. */
function named(e: ExperimentSummary, text: string): VmRatio {
  const m = /VM (\d+) in trial (\d+) \(rate ([\d.]+), ratio ([\d.]+)\)/.exec(text);
  assert.ok(m, `no VM named in: ${text}`);
  const v = e.ratios.find((x) => x.vm === m[1] && x.trial === num(m[2]));
  assert.ok(v, `no VM ${m[1]} in trial ${m[2]}`);
  assert.equal(m[3], f(v.rate));
  assert.equal(m[4], f(v.ratio));
  return v;
}

/** Checks every number of every finding against the report's statistics. */
function checkNumbers(report: InspectReport, findings: Finding[]): void {
  for (const finding of findings) {
    const text = finding.text;
    let m: RegExpExecArray | null;
    const topJumps = /rank 1, (\d+) VM-trials\) jumped (\d+) times? in all and skipped ([\d.]+)/.exec(text);
    const rankJumps =
      /rank (\d+) \((\d+) VM-trials, ratios? ([\d.]+)(?:-([\d.]+))?\) skipped ([\d.]+) values per tick \(the model's 1\/q − 1, averaged over these VMs, gives ([\d.]+)\), in jumps of ([\d.]+) values on average; its largest jump in a trial was ([\d.]+)/.exec(
        text,
      );
    const bigJump = /the largest jump, (\d+) values? skipped \(a step of (\d+) in the clock\), was/.exec(
      text,
    );
    if (finding.topic === "jumps" && topJumps !== null) {
      m = topJumps;
      const e = experimentOf(report, finding);
      const top = e.ratios.filter((v) => v.rank === 1);
      assert.equal(num(m[1]), top.length);
      assert.equal(
        num(m[2]),
        top.reduce((s, v) => s + v.jumps.count, 0),
      );
      assert.equal(m[3], f(e.ranks[0]?.skippedPerTick.mean ?? Number.NaN));
    } else if (finding.topic === "jumps" && rankJumps !== null) {
      m = rankJumps;
      const e = experimentOf(report, finding);
      const g = e.ranks.find((x) => x.rank === num(m?.[1]));
      assert.ok(g, text);
      const vms = e.ratios.filter((v) => v.rank === g.rank);
      assert.equal(num(m[2]), vms.length);
      assert.equal(m[3], f(Math.min(...vms.map((v) => v.ratio))));
      assert.equal(m[4] ?? m[3], f(Math.max(...vms.map((v) => v.ratio))));
      assert.equal(m[5], f(g.skippedPerTick.mean));
      // What the sentence says: 1/q − 1 for each VM (q = rate / fastest rate), averaged.
      const model = vms.reduce((s, v) => s + (1 / (v.rate / v.fastest) - 1), 0) / vms.length;
      assert.equal(m[6], f(model), `${m[6]} vs the mean of 1/q - 1 = ${model}`);
      assert.equal(m[7], f(g.jumpMean.mean));
      assert.equal(m[8], f(g.jumpMax.mean));
    } else if (finding.topic === "jumps" && bigJump !== null) {
      m = bigJump;
      const e = experimentOf(report, finding);
      const v = named(e, text);
      assert.equal(num(m[1]), v.jumps.max);
      assert.equal(num(m[2]), v.jumps.max + 1);
      assert.equal(v.jumps.max, Math.max(...e.ratios.map((x) => x.jumps.max).filter(Number.isFinite)));
    } else if (finding.topic === "drift") {
      const e = experimentOf(report, finding);
      const v = named(e, text);
      m =
        /: (\d+) clock values? behind the largest clock, at ([\d.]+) s into the trial; the fastest VMs were never more than (\d+) behind/.exec(
          text,
        );
      assert.ok(m, text);
      assert.equal(num(m[1]), v.lagMax);
      assert.equal(v.lagMax, Math.max(...e.ratios.map((x) => x.lagMax)));
      assert.equal(m[2], f(v.lagMaxAtS));
      assert.equal(num(m[3]), Math.max(...e.ratios.filter((x) => x.rank === 1).map((x) => x.lagMax)));
      assert.equal(finding.figure, `${e.experiment}-drift`);
    } else if (finding.topic === "queue" && text.includes("did not keep up")) {
      const e = experimentOf(report, finding);
      const v = named(e, text);
      m =
        /went from ([\d.]+) to ([\d.]+) messages .* up to (\d+) after a tick, (\d+) still waiting at the end; ([\d.]+) messages a second reached it \((\d+) received \+ (\d+) waiting, over the trial's seconds\), the model counts ([\d.]+), for the ([\d.]+) it can take/.exec(
          text,
        );
      assert.ok(m, text);
      assert.ok(v.queueTrend.grew);
      assert.equal(m[1], f(v.queueTrend.firstQuarter));
      assert.equal(m[2], f(v.queueTrend.lastQuarter));
      assert.equal(num(m[3]), v.queueMax);
      assert.equal(num(m[4]), v.pending);
      // The measured rate beside the model's: (received + waiting) over the trial's 60 s.
      assert.deepEqual([num(m[6]), num(m[7])], [v.receives, v.pending]);
      assert.equal(m[5], f((v.receives + v.pending) / 60));
      assert.equal(m[8], f(v.expected.arrivalsPerS));
      assert.equal(m[9], f(v.rate));
    } else if (finding.topic === "queue") {
      const e = experimentOf(report, finding);
      const v = named(e, text);
      m = /kept up: no queue grew over its trial; the longest was (\d+) messages?/.exec(text);
      assert.ok(m, text);
      const kept = e.ratios.filter((x) => !x.queueTrend.grew);
      assert.equal(num(m[1]), v.queueMax);
      assert.equal(v.queueMax, Math.max(...kept.map((x) => x.queueMax)));
      const other = /the other (\d+) VM-trials kept up/.exec(text);
      if (other !== null) assert.equal(num(other[1]), kept.length);
    } else if (finding.topic === "checks") {
      const e = experimentOf(report, finding);
      const trials = report.trials.filter((t) => t.experiment === e.experiment);
      m = /every clock rule held in all (\d+) trials?: (\d+) ticks checked/.exec(text);
      assert.ok(m, text);
      assert.equal(num(m[1]), trials.length);
      const ticks = trials.reduce((s, t) => s + t.vms.reduce((n, v) => n + v.ticks, 0), 0);
      assert.equal(num(m[2]), ticks);
      // "None lost" accounts for what was still waiting when the trial ended.
      const vms = trials.flatMap((t) => t.vms);
      const pending = vms.reduce((s, v) => s + v.pending, 0);
      const waiting = /none was lost: (\d+) received and (\d+) still in a queue at the end/.exec(text);
      if (pending === 0) assert.match(text, /every message sent was received/);
      else {
        assert.ok(waiting, text);
        assert.deepEqual(
          [num(waiting[1]), num(waiting[2])],
          [vms.reduce((s, v) => s + v.events.receive, 0), pending],
        );
      }
      const longer = e.ratios.filter((v) => v.pending > v.queueMax);
      assert.equal(text.includes("arrived after its last tick"), longer.length > 0, text);
    } else if (finding.topic === "change") {
      const [a, b] = report.experiments;
      assert.ok(a && b);
      assert.equal(finding.figure, EXERCISE_FIGURE);
      m =
        /event range went from (\d+) to (\d+): receives went from (\d+)% to (\d+)% of all ticks, sends from (\d+)% to (\d+)%, internal events from (\d+)% to (\d+)%/.exec(
          text,
        );
      if (m !== null) {
        assert.deepEqual([num(m[1]), num(m[2])], [a.eventRange, b.eventRange]);
        const pct = (x: number) => Math.round(x * 100);
        assert.deepEqual(
          [m[3], m[4], m[5], m[6], m[7], m[8]].map(num),
          [a, b]
            .flatMap((e) => [pct(e.eventMix.receive)])
            .concat(
              [a, b].map((e) => pct(e.eventMix.send)),
              [a, b].map((e) => pct(e.eventMix.internal)),
            ),
        );
        continue;
      }
      m = /the largest drift went from (\d+) to (\d+) clock values/.exec(text);
      if (m !== null) {
        assert.deepEqual(
          [num(m[1]), num(m[2])],
          [a, b].map((e) => Math.max(...e.ratios.map((v) => v.lagMax))),
        );
        continue;
      }
      if (/changed at once|one thing changed|neither the rates/.test(text)) {
        // The fixed rates of this test are the same in both: only the event range changed.
        assert.match(
          text,
          new RegExp(
            `one thing changed: the event range went from ${a.eventRange} to ${b.eventRange} \\(the rates ran ${f(Math.min(...a.ratios.map((v) => v.rate)))}-${f(Math.max(...a.ratios.map((v) => v.rate)))} ticks a second in both\\)`,
          ),
        );
        continue;
      }
      m = /the slowest rate ratio went from ([\d.]+) to ([\d.]+)/.exec(text);
      assert.ok(m, `a change finding not checked: ${text}`);
      assert.deepEqual(
        [m[1], m[2]],
        [a, b].map((e) => f(Math.min(...e.ratios.map((v) => v.ratio)))),
      );
    } else {
      assert.fail(`a finding not checked: ${text}`);
    }
  }
}

describe("findings", () => {
  it("differ between two rate configurations, each number in them from the statistics", async () => {
    // A slow VM that cannot keep up (1 among 3 and 5) against three close rates.
    const spread = await run([1, 3, 5], 11);
    const close = await run([4, 5, 6], 11);
    const a = findingsOf(spread);
    const b = findingsOf(close);
    checkNumbers(spread, a);
    checkNumbers(close, b);
    // Ordinal ranks: each trial has exactly one VM of each rank.
    for (const report of [spread, close])
      for (const e of report.experiments)
        for (let t = 1; t <= e.trials; t++)
          assert.deepEqual(
            e.ratios
              .filter((v) => v.trial === t)
              .map((v) => v.rank)
              .sort(),
            [1, 2, 3],
          );
    assert.ok(
      FINDING_TERMS.some((t) =>
        t.includes("A jump of n: the clock moved n + 1 on one tick, skipping n values"),
      ),
    );
    const texts = (xs: Finding[]) => new Set(xs.map((x) => x.text));
    const shared = [...texts(a)].filter((t) => texts(b).has(t));
    assert.deepEqual(shared, [], "the same sentence in both runs");
    // The slow VM of the first configuration did not keep up in standard; every VM of the second did.
    assert.ok(a.some((x) => x.experiment === "standard" && x.text.includes("did not keep up")));
    assert.ok(!b.some((x) => x.text.includes("did not keep up")));
    // Each experiment has its jumps, drift, queue and checks, and the comparison comes last.
    for (const findings of [a, b]) {
      for (const e of ["standard", "smaller-variation"]) {
        const topics = new Set(findings.filter((x) => x.experiment === e).map((x) => x.topic));
        assert.deepEqual([...topics].sort(), ["checks", "drift", "jumps", "queue"]);
      }
      // The set-up's change (saying what it cannot separate), jumps, drift and queues, event mix.
      assert.equal(findings.filter((x) => x.topic === "change").length, 4);
      // Each links to a figure the page has: an experiment's chart or the exercise's.
      const report = findings === a ? spread : close;
      const figures = new Set([
        EXERCISE_FIGURE,
        ...report.experiments.flatMap((e) =>
          experimentCharts(
            e.experiment,
            report.trials.filter((t) => t.experiment === e.experiment),
          ).map((c) => c.name),
        ),
      ]);
      for (const x of findings) assert.ok(figures.has(x.figure), `${x.figure} is not on the page`);
    }
  });

  it("read as sentences when nothing is slower or nothing jumped: no -Infinity, NaN or '-' for a number", async () => {
    // Every VM at one rate: no VM is slower than its trial's fastest, so the means over the
    // slower VMs and the largest jump among them have nothing to be taken over.
    const report = await run([4, 4, 4], 11);
    const findings = findingsOf(report);
    assert.ok(findings.length > 0);
    for (const x of findings) {
      assert.doesNotMatch(x.text, /Infinity|NaN| - |\(s\)/, x.text);
    }
    const change = findings.find((x) => x.text.includes("the slowest rate ratio went from"));
    assert.ok(change);
    assert.match(change.text, /skipped none to none values per tick/);
  });
});

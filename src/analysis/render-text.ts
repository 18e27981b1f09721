import type { ExperimentSummary, Spread } from "./experiment.js";
import type { InspectReport } from "./inspect.js";
import { formatNumber, formatTable } from "./table.js";
import type { TrialAnalysis } from "./trial.js";

/** Terminal styling; plain when colour is off. */
export interface Style {
  bold(s: string): string;
  good(s: string): string;
  bad(s: string): string;
  dim(s: string): string;
}

export function makeStyle(colour: boolean): Style {
  const wrap = (code: string) => (s: string) => (colour ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { bold: wrap("1"), good: wrap("32"), bad: wrap("31;1"), dim: wrap("2") };
}

const pm = (s: Spread) =>
  s.sd === 0 ? formatNumber(s.mean) : `${formatNumber(s.mean)} ±${formatNumber(s.sd)}`;
const indent = (text: string) => text.replace(/^/gm, "  ");

function experimentTable(e: ExperimentSummary): string {
  return formatTable(
    [
      "vm",
      "rate",
      "final clock",
      "clock/rate/s",
      "mean jump",
      "max jump",
      "max queue",
      "latency p50 ms",
      "max lag",
      "tick p99 ms",
    ],
    e.vms.map((v) => [
      v.vm,
      pm(v.rate),
      pm(v.finalClock),
      pm(v.clockPerRate),
      pm(v.jumpMean),
      pm(v.jumpMax),
      pm(v.queueMax),
      pm(v.latencyP50Ms),
      pm(v.lagMax),
      pm(v.latenessP99Ms),
    ]),
  );
}

function trialTable(t: TrialAnalysis): string {
  return formatTable(
    [
      "vm",
      "rate",
      "ticks",
      "recv/send/int",
      "clock",
      "jumps",
      "mean",
      "p95",
      "max",
      "queue max",
      "lat p50 ms",
      "p99",
      "lag max",
      "late p99 ms",
      "max",
      "pending",
      "rejected",
    ],
    t.vms.map((v) => [
      v.vm,
      v.rate,
      `${v.ticks}/${v.planned}`,
      `${v.events.receive}/${v.events.send}/${v.events.internal}`,
      v.finalClock,
      v.jumps.count,
      v.jumps.mean,
      v.jumps.p95,
      v.jumps.max,
      v.queue.max,
      v.latencyMs.p50,
      v.latencyMs.p99,
      v.lag.max,
      v.latenessMs.p99,
      v.latenessMs.max,
      v.pending,
      v.rejected,
    ]),
  );
}

function checkLines(t: TrialAnalysis, style: Style): string {
  const failed = t.checks.filter((c) => !c.ok);
  const summary = t.checks.map((c) => (c.ok ? style.good(c.name) : style.bad(c.name))).join(" ");
  if (failed.length === 0) return `checks: ${style.good("all pass")} ${style.dim(`(${summary})`)}`;
  const details = failed.flatMap((c) => [
    `${style.bad("FAIL")} ${c.name}: ${c.failures} of ${c.checked}`,
    ...c.violations.slice(0, 5).map((v) => `  ${v.where}: ${v.message}`),
  ]);
  return [`checks: ${summary}`, ...details].join("\n");
}

/** The whole report for a terminal. */
export function renderText(report: InspectReport, style: Style): string {
  const out: string[] = [];
  for (const e of report.experiments) {
    const verdict = e.ok ? style.good("all checks pass") : style.bad("CHECKS FAILED");
    out.push(style.bold(`== ${e.experiment}: ${e.trials} trial(s), ${verdict}`));
    out.push(indent(`mean ±sd over trials, per VM:\n${experimentTable(e)}`));
    for (const t of report.trials.filter((x) => x.experiment === e.experiment)) {
      out.push(
        indent(
          [
            style.bold(`trial ${t.trial}`) +
              ` first ticks within ${formatNumber(t.firstTickSpreadMs)} ms, clock spread max ${formatNumber(t.spread.max)} (final ${formatNumber(t.spread.final)})`,
            indent(trialTable(t)),
            indent(checkLines(t, style)),
          ].join("\n"),
        ),
      );
    }
    out.push("");
  }
  out.push(report.ok ? style.good("every check passed") : style.bad("some checks FAILED"));
  return out.join("\n");
}

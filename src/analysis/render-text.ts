import { experimentGrid, type TableData, trialGrid } from "./columns.js";
import { crashLines, transitLine } from "./crashes.js";
import { FINDING_TERMS, findingsOf, plural } from "./findings.js";
import type { InspectReport } from "./inspect.js";
import { interruptedLine, rejectLines, verdictLine } from "./notes.js";
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

const indent = (text: string) => text.replace(/^/gm, "  ");
const text = (g: TableData) => formatTable(g.headers, g.rows);

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
    const cut = e.interrupted > 0 ? `, ${style.bad(`${e.interrupted} INTERRUPTED`)}` : "";
    out.push(style.bold(`== ${e.experiment}: ${plural(e.trials, "trial")}, ${verdict}${cut}`));
    out.push(
      indent(
        `by rank in its trial (1 = fastest; equal rates ordered by VM id), mean ±sd over the VM-trials of a rank (rate ratio: lowest-highest):\n${text(experimentGrid(e))}`,
      ),
    );
    for (const t of report.trials.filter((x) => x.experiment === e.experiment)) {
      const interrupted = interruptedLine(t);
      out.push(
        indent(
          [
            style.bold(`trial ${t.trial}`) +
              ` first ticks within ${formatNumber(t.firstTickSpreadMs)} ms, clock spread max ${formatNumber(t.spread.max)} (final ${formatNumber(t.spread.final)})`,
            indent(text(trialGrid(t))),
            ...(interrupted === undefined ? [] : [indent(style.bad(interrupted))]),
            ...crashLines(t).map((line) => indent(style.bad(`crash: ${line}`))),
            ...rejectLines(t).map((line) => indent(`rejects: ${line}`)),
            ...[transitLine(t)].flatMap((line) => (line === undefined ? [] : [indent(line)])),
            indent(checkLines(t, style)),
          ].join("\n"),
        ),
      );
    }
    out.push("");
  }
  const findings = findingsOf(report);
  if (findings.length > 0)
    out.push(
      style.bold("findings:"),
      ...FINDING_TERMS.map((t) => style.dim(`  ${t}`)),
      ...findings.map((f) => `- ${f.text}`),
      "",
    );
  const verdict = verdictLine(report);
  out.push(verdict.ok ? style.good(verdict.text) : style.bad(verdict.text));
  return out.join("\n");
}

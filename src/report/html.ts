import { experimentGrid, type TableData, trialGrid } from "../analysis/columns.js";
import { crashLines, transitLine } from "../analysis/crashes.js";
import { plural } from "../analysis/findings.js";
import type { InspectReport } from "../analysis/inspect.js";
import { interruptedLine, verdictLine } from "../analysis/notes.js";
import { formatNumber } from "../analysis/table.js";
import type { TrialAnalysis } from "../analysis/trial.js";
import { VERSION } from "../base/version.js";
import { diagramSection } from "./diagram/section.js";
import { esc } from "./escape.js";
import { exerciseSection } from "./exercise.js";
import { runHeader } from "./header.js";

/** A chart ready for the page. */
export interface RenderedChart {
  experiment: string;
  name: string;
  title: string;
  svg: string;
  /** A sentence under the chart saying what it shows or why it looks as it does. */
  caption?: string;
  /** Written by --png only, never put on the page. */
  imageOnly?: true;
}

const num = (x: number) => esc(formatNumber(x));

function table({ headers, rows }: TableData): string {
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join("");
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c) => (typeof c === "number" ? `<td class="n">${num(c)}</td>` : `<td>${esc(c)}</td>`)).join("")}</tr>`,
    )
    .join("\n");
  // Wide tables scroll inside their box: the page itself never scrolls sideways.
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function checks(t: TrialAnalysis): string {
  const rows = t.checks.map((c) => {
    const where = c.violations
      .slice(0, 3)
      .map((v) => `<div class="v">${esc(v.where)}: ${esc(v.message)}</div>`)
      .join("");
    return `<tr class="${c.ok ? "ok" : "bad"}"><td>${c.ok ? "pass" : "FAIL"}</td><td>${esc(c.name)}</td><td class="n">${c.checked}</td><td class="n">${c.failures}</td><td>${where}</td></tr>`;
  });
  return `<div class="scroll"><table class="checks"><thead><tr><th></th><th>check</th><th>checked</th><th>failed</th><th>first violations</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
}

function trialSection(t: TrialAnalysis): string {
  const stats = table(trialGrid(t));
  const ok = t.checks.every((c) => c.ok);
  const interrupted = interruptedLine(t);
  const crashes = [...(interrupted === undefined ? [] : [interrupted]), ...crashLines(t)]
    .map((line) => `<p class="crash">${esc(line)}</p>`)
    .join("");
  const transit = transitLine(t);
  const lost = transit === undefined ? "" : `<p>${esc(transit)}</p>`;
  return `<details${ok && crashes === "" ? "" : " open"}><summary>trial ${t.trial}: ${ok ? '<span class="okt">all checks pass</span>' : '<span class="badt">checks failed</span>'}${t.interrupted ? ', <span class="badt">INTERRUPTED</span>' : ""}, first ticks within ${num(t.firstTickSpreadMs)} ms${t.crashes.length > 0 ? `, ${plural(t.crashes.length, "crash", "crashes")}` : ""}</summary>${stats}${crashes}${lost}${checks(t)}</details>`;
}

function verdict(report: InspectReport): string {
  const { ok, text } = verdictLine(report);
  return `<span class="${ok ? "okt" : "badt"}">${esc(text)}</span>`;
}

/** One self-contained page: summary, checks and charts (SVG inline), nothing loaded from outside. */
export function renderHtml(
  report: InspectReport,
  charts: RenderedChart[],
  generatedAt: Date,
  lead?: { title: string; table: TableData; note: string },
): string {
  const sections = report.experiments.map((e) => {
    const summary = table(experimentGrid(e));
    const trials = report.trials
      .filter((t) => t.experiment === e.experiment)
      .map(trialSection)
      .join("\n");
    const figs = charts
      .filter((c) => c.experiment === e.experiment && !c.imageOnly)
      .map(
        (c) =>
          `<figure id="${esc(c.name)}" aria-label="${esc(c.title)}">${c.svg}${c.caption === undefined ? "" : `<figcaption>${esc(c.caption)}</figcaption>`}</figure>`,
      )
      .join("\n");
    return `<section><h2>${esc(e.experiment === "." ? "run" : e.experiment)} <small>${plural(e.trials, "trial")}, ${e.ok ? '<span class="okt">all checks pass</span>' : '<span class="badt">CHECKS FAILED</span>'}${e.interrupted > 0 ? `, <span class="badt">${e.interrupted} INTERRUPTED</span>` : ""}</small></h2>
<h3>Summary by rank (1 = the fastest VM of its trial; equal rates ordered by VM id): mean ± sd over the VM-trials of each rank; "rate ratio" is the lowest-highest ratio of the rank</h3>${summary}
<h3>Trials</h3>${trials}
<h3>Charts</h3>${figs}</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>clocklab report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:1.5rem auto;padding:0 1.5rem;color:#222;max-width:1400px;line-height:1.4}
h1{margin-bottom:.4rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2.5rem}
small{font-weight:normal;color:#666}table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.85rem}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
thead{background:#f4f4f4}tr.bad td{background:#fde8e8}.okt{color:#17803d}.badt{color:#c0262d;font-weight:bold}
.v{font-family:monospace;font-size:.8rem}details{margin:.4rem 0}summary{cursor:pointer}
figure{margin:1.5rem 0}svg{max-width:100%;height:auto}
.scroll{max-width:100%;overflow-x:auto}.scroll table{margin:.5rem 0 1rem}figure.wide{overflow-x:auto}figure.wide svg{max-width:none}figcaption{font-size:.9rem;color:#444;max-width:60rem}
.banner{background:#fde8e8;border:2px solid #c0262d;padding:.6rem .8rem;font-size:1.05rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.6rem 0;font-size:.95rem}
dl.facts dt{font-weight:bold;color:#444}dl.facts dd{margin:0}code{background:#f4f4f4;padding:0 .2rem}
h2.rates-title{font-size:1.1rem;border:0;margin-top:1rem}table.rates .fast{font-weight:bold}
</style></head><body>
${runHeader(report, verdict(report), generatedAt, VERSION)}
${exerciseSection(report, charts)}
${lead === undefined ? "" : `<section><h2>${esc(lead.title)}</h2><p>${esc(lead.note)}</p>${table(lead.table)}</section>`}
${sections.join("\n")}
${diagramSection(report)}
</body></html>
`;
}

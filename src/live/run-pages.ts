import { esc } from "../report/escape.js";
import { page } from "./page-style.js";
import { type RunEntry, type RunTrial, trialPage } from "./runs.js";

/** Local time as 2026-12-03 14:07:35: the order of the run folders' names, never ambiguous. */
function when(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function status(r: RunEntry): string {
  const s = r.info?.status ?? "unknown";
  const cls = s === "completed" ? "okt" : s === "running" ? "" : "badt";
  const checks =
    r.checksPassed === undefined
      ? ""
      : r.checksPassed
        ? ", checks passed"
        : ', <span class="badt">checks failed</span>';
  return `<span class="${cls}">${esc(s)}</span>${checks}`;
}

function what(r: RunEntry): string {
  const info = r.info;
  if (info === undefined) return "";
  const exps = info.experiments
    .map((e) => `${e.name}: ${e.trials} × ${e.durationS} s, ${e.vms} VMs`)
    .join("; ");
  return `${esc(info.mode === "sim" ? "simulated" : "real")} · ${esc(info.transport)} · ${esc(exps)}`;
}

/** The run list: every run folder, newest first, each opening its page and its report. */
export function runListPage(logDir: string, runs: readonly RunEntry[]): string {
  const rows = runs
    .map(
      (r) => `<tr data-folder="${esc(r.folder)}"><td>${esc(when(r.startedMs))}</td>
<td><a href="/runs/${encodeURIComponent(r.folder)}/">${esc(r.folder)}</a></td><td>${status(r)}</td><td>${what(r)}</td>
<td><a href="/runs/${encodeURIComponent(r.folder)}/report.html">report</a>${r.hasReport ? "" : ' <span class="muted">(made when opened)</span>'}</td></tr>`,
    )
    .join("\n");
  const body = `<h1>clocklab runs</h1>
<p class="muted">Run folders in <code>${esc(logDir)}</code>, newest first (${runs.length}). Each opens its report and its trials.</p>
${runs.length === 0 ? "<p>No run folders here yet: <code>clocklab run</code> or <code>clocklab sim</code> makes one.</p>" : `<table><thead><tr><th>started</th><th>run folder</th><th>status</th><th>what ran</th><th></th></tr></thead><tbody>${rows}</tbody></table>`}`;
  return page("clocklab runs", body);
}

/** One run: what ran, its report, and each trial with its own report and its logs. */
export function runPage(run: RunEntry, trials: readonly RunTrial[]): string {
  const base = `/runs/${encodeURIComponent(run.folder)}/`;
  const command =
    run.info === undefined ? "" : `<p><code>clocklab ${esc(run.info.command.join(" "))}</code></p>`;
  const rows = trials
    .map(
      (t) => `<tr><td>${esc(t.experiment === "." ? "" : t.experiment)}</td><td class="n">${t.trial}</td>
<td><a href="${base}${encodeURIComponent(trialPage(t))}">report of this trial</a></td>
<td>${t.files.map((f) => `<a href="${base}${f.split("/").map(encodeURIComponent).join("/")}">${esc(f.split("/").pop() ?? f)}</a>`).join("<br>")}</td></tr>`,
    )
    .join("\n");
  const body = `<p><a href="/">← all runs</a></p><h1>${esc(run.folder)}</h1>
<p>${status(run)} · started ${esc(when(run.startedMs))}</p>${command}<p>${what(run)}</p>
<p><a href="${base}report.html"><b>The run's report</b></a>${run.hasReport ? "" : ' <span class="muted">(made when opened: a few seconds)</span>'} · <a href="${base}run.json">run.json</a></p>
<h2>Trials</h2>${trials.length === 0 ? "<p>No logs in this run folder yet.</p>" : `<table><thead><tr><th>experiment</th><th>trial</th><th></th><th>logs</th></tr></thead><tbody>${rows}</tbody></table>`}`;
  return page(`clocklab · ${esc(run.folder)}`, body);
}

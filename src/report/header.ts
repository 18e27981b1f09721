import { plural } from "../analysis/findings.js";
import type { InspectReport } from "../analysis/inspect.js";
import type { RunInfo } from "../analysis/run-info.js";
import { formatNumber } from "../analysis/table.js";
import type { TrialAnalysis } from "../analysis/trial.js";
import { esc } from "./escape.js";

/** An argument as a shell would need it quoted, so the command line can be pasted back. */
function shellWord(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'"'"'`)}'`;
}

function when(iso: string | undefined): string {
  if (iso === undefined) return "?";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

function took(run: RunInfo): string {
  if (run.startedAt === undefined || run.finishedAt === undefined) return "";
  const s = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
  return Number.isFinite(s) ? ` (took ${s < 10 ? s.toFixed(1) : Math.round(s)} s)` : "";
}

/** The run's status as a banner when it is not a plain completed run. */
function banner(report: InspectReport): string {
  const status = report.run?.status;
  if (report.interrupted) {
    return `<p class="banner" role="alert" data-status="interrupted"><b>INTERRUPTED</b>: the run was stopped before it ran every trial to its end (Ctrl-C or a signal). Its numbers cover only the time it ran; trials it never reached are missing.</p>`;
  }
  if (status === "failed") {
    return `<p class="banner" role="alert" data-status="failed"><b>FAILED</b>: a VM process exited with an error (see the exit codes in the rates table); its trial's numbers are incomplete.</p>`;
  }
  if (status === "running") {
    return `<p class="banner" role="alert" data-status="running"><b>NOT FINISHED</b>: run.json still says "running": the run is going on, or it was killed before it could say how it ended.</p>`;
  }
  return "";
}

function experimentLine(e: RunInfo["experiments"][number]): string {
  const rates =
    e.rates === undefined
      ? `rates drawn from ${e.rateMin}-${e.rateMax} ticks/s anew each trial`
      : `fixed rates ${e.rates.join(", ")} ticks/s`;
  const internal = e.eventRange > e.vms ? Math.round(((e.eventRange - e.vms) / e.eventRange) * 100) : 0;
  // A share of the random draws (made on ticks with an empty queue), not of all ticks: the
  // findings give the share of ticks, which receives lower.
  return `<b>${esc(e.name)}</b>: ${e.vms} VMs, ${plural(e.trials, "trial")} of ${formatNumber(e.durationS)} s, ${rates}, event range 1-${e.eventRange} (${internal}% of the random draws are internal events; a VM draws only on a tick whose queue is empty)`;
}

/** Facts from run.json as a definition list; what is not known is left out. */
function facts(report: InspectReport, generatedAt: Date, version: string): string {
  const run = report.run;
  const rows: [string, string][] = [];
  if (run === undefined) {
    rows.push([
      "What ran",
      `not known: no run.json in ${esc(report.paths.join(", "))} (log files named directly, or a folder that holds other run folders, as compare's does). The rates below come from each VM's start record.`,
    ]);
  } else {
    rows.push(["What ran", `<code>clocklab ${esc(run.command.map(shellWord).join(" "))}</code>`]);
    rows.push([
      "Mode",
      run.mode === "sim"
        ? "simulated: every VM in one process, in virtual time (seeded, repeatable)"
        : "real: one OS process per VM, talking over the network, in wall time",
    ]);
    rows.push(["Experiments", run.experiments.map(experimentLine).join("<br>")]);
    if (run.seed !== undefined) {
      rows.push([
        "Seed",
        `${run.seed} (<code>--seed ${run.seed}</code> draws the same rates and events again)`,
      ]);
    }
    rows.push([
      "When",
      `started ${esc(when(run.startedAt))}, finished ${esc(when(run.finishedAt))}${took(run)}`,
    ]);
    if (run.host !== undefined) {
      const h = run.host;
      // "machine vm (...)": a host named "vm" must not read as one of the lab's VMs.
      rows.push([
        "Host",
        esc(`machine ${h.hostname} (${h.platform} ${h.arch}, ${plural(h.cpus, "CPU")}, node ${h.node})`),
      ]);
    }
    rows.push(["Transport", esc(run.transport)]);
    rows.push(["Faults", run.faults.length === 0 ? "none" : esc(run.faults.join("; "))]);
    rows.push(["Status", `<span data-field="status">${esc(run.status)}</span>`]);
  }
  rows.push(["Logs", esc(report.paths.join(", "))]);
  rows.push([
    "Generated",
    `${esc(when(generatedAt.toISOString()))} by clocklab ${esc(version)}${run?.clocklab === undefined || run.clocklab === version ? "" : ` (the run: clocklab ${esc(run.clocklab)})`}`,
  ]);
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl>`;
}

/** Each trial's VMs with their rates, the fastest first-class: what explains its numbers. */
function ratesTable(report: InspectReport): string {
  const exits = new Map((report.run?.trials ?? []).map((t) => [`${t.experiment}/${t.trial}`, t] as const));
  const multi = new Set(report.trials.map((t) => t.experiment)).size > 1;
  const rows = report.trials.map((t: TrialAnalysis) => {
    const fastest = Math.max(...t.vms.map((v) => v.rate));
    const entry = exits.get(`${t.experiment}/${t.trial}`);
    const vms = t.vms
      .map((v) => {
        const e = entry?.vms.find((x) => x.vm === v.vm);
        // 130 in an interrupted trial is the VM stopping as asked (Ctrl-C), not a failure.
        const asked = t.interrupted && e?.exitCode === 130;
        const bad =
          e !== undefined && (e.exitCode ?? 0) !== 0 && !asked
            ? ` <span class="badt">exit ${e.exitCode}</span>`
            : "";
        const cls = v.rate === fastest ? ' class="fast"' : "";
        return `<span${cls} data-vm="${esc(v.vm)}" data-rate="${v.rate}">${esc(v.vm)}: ${formatNumber(v.rate)}</span>${bad}`;
      })
      .join(" · ");
    const note = t.interrupted
      ? ' — <span class="badt">interrupted</span> (its VMs stopped by a signal before the end)'
      : "";
    return `<tr data-trial="${esc(t.experiment)}/${t.trial}">${multi ? `<td>${esc(t.experiment)}</td>` : ""}<td class="n">${t.trial}</td><td>${vms}${note}</td></tr>`;
  });
  return `<div class="scroll"><table class="rates"><thead><tr>${multi ? "<th>experiment</th>" : ""}<th>trial</th><th>VM: rate (ticks/s); the fastest in bold</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
}

/** The top of the page: what was run, how it ended, and each trial's rates. */
export function runHeader(
  report: InspectReport,
  verdict: string,
  generatedAt: Date,
  version: string,
): string {
  const title =
    report.run === undefined
      ? "clocklab report"
      : `clocklab report: ${report.run.mode === "sim" ? "simulated" : "real"} run${report.run.seed === undefined ? "" : `, seed ${report.run.seed}`}`;
  return `<header class="run">
<h1>${esc(title)}</h1>
${banner(report)}
<p class="verdict">${plural(report.trials.length, "trial")}: ${verdict}.</p>
${facts(report, generatedAt, version)}
<h2 class="rates-title">Rates of each trial</h2>
${ratesTable(report)}
</header>`;
}

import { Command } from "commander";
import { inspectPaths, type TrialReport } from "../analysis/inspect.js";
import { formatNumber, formatTable } from "../analysis/table.js";
import type { CliIo } from "./io.js";

function render(report: TrialReport): string {
  const rows = report.fidelity.map((f, i) => {
    const vm = report.vms[i];
    return [
      f.vm,
      f.rate,
      `${f.ticks}/${f.planned}`,
      f.meanLateMs,
      f.p99LateMs,
      f.maxLateMs,
      f.early,
      vm?.finalClock ?? Number.NaN,
      vm?.sent ?? Number.NaN,
      vm?.received ?? Number.NaN,
      vm?.pending ?? Number.NaN,
      vm?.rejected ?? Number.NaN,
    ];
  });
  const table = formatTable(
    [
      "vm",
      "rate",
      "ticks",
      "late ms",
      "p99 ms",
      "max ms",
      "early",
      "clock",
      "sent",
      "recv",
      "pending",
      "rejected",
    ],
    rows,
  );
  const checks = report.checks
    .map((c) => {
      const head = `  ${c.ok ? "pass" : "FAIL"}  ${c.name} (${c.checked} checked${c.ok ? "" : `, ${c.failures} failed`})`;
      return [head, ...c.violations.slice(0, 3).map((v) => `        ${v.where}: ${v.message}`)].join("\n");
    })
    .join("\n");
  return [
    `${report.experiment} trial ${report.trial}: first ticks within ${formatNumber(report.firstTickSpreadMs)} ms`,
    table.replace(/^/gm, "  "),
    checks,
  ].join("\n");
}

/** `clocklab inspect`: check a run's logs against the clock rules and report tick fidelity. */
export function inspectCommand(io: CliIo): Command {
  return new Command("inspect")
    .description("check a run's logs (clock rules, FIFO, nothing lost) and report tick fidelity")
    .argument("[paths...]", "run folder, experiment folder or log files", ["logs/latest"])
    .option("--json", "print the report as JSON", false)
    .addHelpText(
      "after",
      `
Examples:
  clocklab inspect                       # the newest run (logs/latest)
  clocklab inspect logs/<run>/standard   # one experiment
  clocklab inspect logs/trial-1_vm-5001_rate-3.jsonl logs/trial-1_vm-5002_rate-5.jsonl

Exit status: 0 when every check passes, 1 when any fails, 2 for a bad path.`,
    )
    .action((paths: string[], opts: { json: boolean }) => {
      const reports = inspectPaths(paths);
      if (opts.json) io.out(JSON.stringify(reports, null, 2));
      else io.out(reports.map(render).join("\n\n"));
      io.setExitCode(reports.every((r) => r.checks.every((c) => c.ok)) ? 0 : 1);
    });
}

import type { InspectReport } from "./inspect.js";
import { formatNumber } from "./table.js";
import type { TrialAnalysis } from "./trial.js";

/** Seconds as a range over VMs: "1.5" or "1.5-1.6". */
function range(xs: number[]): string {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? formatNumber(lo) : `${formatNumber(lo)}-${formatNumber(hi)}`;
}

/** One sentence when a signal stopped the trial early, saying what its numbers then mean. */
export function interruptedLine(t: TrialAnalysis): string | undefined {
  const stopped = t.vms.filter((v) => v.stopReason === "signal");
  if (stopped.length === 0) return undefined;
  const ticks = stopped
    .map((v) => `${v.vm} ${formatNumber(v.ticks)} of ${formatNumber(v.planned)}`)
    .join(", ");
  return (
    `INTERRUPTED: a signal stopped ${stopped.length} of ${t.vms.length} VM(s) ${range(stopped.map((v) => v.ranS))} s after the start ` +
    `(ticks done: ${ticks}); tick-fidelity counts the ticks due before each stop, rates per second the time run`
  );
}

/** Rejected frames per VM, by reason and by sender, when there were any. */
export function rejectLines(t: TrialAnalysis): string[] {
  const list = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([k, n]) => `${k} ${n}`)
      .join(", ");
  return t.vms
    .filter((v) => v.events.reject > 0)
    .map(
      (v) =>
        `vm ${v.vm} rejected ${v.events.reject} frame(s): by reason ${list(v.rejectReasons)}; by sender ${list(v.rejectSenders)}`,
    );
}

/** The run's verdict in one line, never "every check passed" alone for an interrupted run. */
export function verdictLine(report: InspectReport): { ok: boolean; text: string } {
  const checks = report.ok ? "every check passed" : "some checks FAILED";
  if (!report.interrupted) return { ok: report.ok, text: checks };
  const trials = report.trials.filter((t) => t.interrupted);
  const which =
    trials.length === 0
      ? "before its next trial"
      : `in ${trials.map((t) => `${t.experiment === "." ? "" : `${t.experiment} `}trial ${t.trial}`).join(", ")}`;
  return {
    ok: false,
    text: `${checks}, but the run was INTERRUPTED ${which}: it covers only the time it ran`,
  };
}

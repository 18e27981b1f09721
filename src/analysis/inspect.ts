import { readLog, TornLineError } from "../log/reader.js";
import { type CheckResult, checkTrial, toVmLog, type VmLog } from "./checks.js";
import { discoverTrials, type TrialFiles } from "./discover.js";
import { firstTickSpreadMs, type TickFidelity, tickFidelity } from "./fidelity.js";

/** Everything `inspect` found about one trial. */
export interface TrialReport {
  experiment: string;
  trial: number;
  checks: CheckResult[];
  fidelity: TickFidelity[];
  firstTickSpreadMs: number;
  vms: {
    vm: string;
    finalClock: number;
    sent: number;
    received: number;
    pending: number;
    rejected: number;
  }[];
}

function readTrial(files: TrialFiles): { logs: VmLog[]; torn: CheckResult | undefined } {
  const logs: VmLog[] = [];
  const violations: CheckResult["violations"] = [];
  for (const file of files.files) {
    try {
      logs.push(toVmLog(readLog(file)));
    } catch (err) {
      if (!(err instanceof TornLineError)) throw err;
      violations.push({ where: `${err.file}:${err.line}`, message: "not a complete JSON record" });
    }
  }
  const torn =
    violations.length === 0
      ? undefined
      : { name: "readable", ok: false, checked: files.files.length, failures: violations.length, violations };
  return { logs, torn };
}

/** Checks and tick statistics for every trial under `paths`. */
export function inspectPaths(paths: readonly string[]): TrialReport[] {
  return discoverTrials(paths).map((files) => {
    const { logs, torn } = readTrial(files);
    const fidelity = logs.map(tickFidelity);
    return {
      experiment: files.experiment,
      trial: files.trial,
      checks: [...(torn === undefined ? [] : [torn]), ...checkTrial(logs)],
      fidelity,
      firstTickSpreadMs: firstTickSpreadMs(fidelity),
      vms: logs.map((log) => ({
        vm: log.vm,
        finalClock: log.ticks.at(-1)?.record.clock ?? 0,
        sent: log.stop?.record.sent ?? Number.NaN,
        received: log.stop?.record.received ?? Number.NaN,
        pending: log.stop?.record.pending ?? Number.NaN,
        rejected: log.stop?.record.rejected ?? Number.NaN,
      })),
    };
  });
}

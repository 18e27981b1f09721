import { readdirSync } from "node:fs";
import { join } from "node:path";
import { type CheckResult, checkTrial, toVmLog, type VmLog } from "../../src/analysis/checks.js";
import { readLog } from "../../src/log/reader.js";

/** Reads every VM log in a folder and runs the clock-rule and conservation checks. */
export function checkFolder(dir: string): { logs: VmLog[]; checks: CheckResult[] } {
  const logs = readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl"))
    .sort()
    .map((f) => toVmLog(readLog(join(dir, f))));
  return { logs, checks: checkTrial(logs) };
}

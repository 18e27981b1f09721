import { readdirSync } from "node:fs";
import { join } from "node:path";
import { analyzeTrial, fileSource, memorySource, type TrialAnalysis } from "../../src/analysis/trial.js";
import type { Located } from "../../src/log/reader.js";
import type { LogRecord } from "../../src/log/schema.js";

/** Reads every VM log in a folder (of one trial, when given) and runs every check. */
export function analyzeFolder(dir: string, trial?: number): Promise<TrialAnalysis> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl") && (trial === undefined || f.startsWith(`trial-${trial}_`)))
    .sort()
    .map((f) => fileSource(join(dir, f)));
  return analyzeTrial(files);
}

/** Wraps in-memory records as if read from files named `<prefix><vm>`, and runs every check. */
export function analyzeRecords(vms: { id: string; records: LogRecord[] }[]): Promise<TrialAnalysis> {
  return analyzeTrial(
    vms.map((vm) => {
      const file = `sim-${vm.id}`;
      const located: Located[] = vm.records.map((record, i) => ({ record, file, line: i + 1 }));
      return memorySource(file, located);
    }),
  );
}

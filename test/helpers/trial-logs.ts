import { readdirSync } from "node:fs";
import { join } from "node:path";
import { analyzeTrial, fileSource, memorySource, type TrialAnalysis } from "../../src/analysis/trial.js";
import type { Located } from "../../src/log/reader.js";
import type { LogRecord, StartRecord } from "../../src/log/schema.js";

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

/**
 * A start record of VM `vm` with one peer, for hand-made logs: trial 1, rate 1, 10 ticks of 10 s
 * from time 0, epoch 1; `fields` overrides any of it.
 */
export function startRecord(vm: string, peer: string, fields: Partial<StartRecord> = {}): StartRecord {
  return {
    event: "start",
    t: 0,
    vm,
    trial: 1,
    rate: 1,
    peers: [peer],
    transport: "memory",
    seed: 1,
    eventRange: 3,
    startAt: 0,
    duration: 10,
    epoch: 1,
    version: "test",
    pid: 1,
    host: "test",
    ticksPlanned: 10,
    gapTimeoutMs: 1000,
    drainMs: 0,
    ...fields,
  };
}

import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveExperiments } from "../run/config.js";
import { simulateRun } from "../sim/run.js";
import { writeBigRun } from "./big-run.js";
import { moduleEntry } from "./entry.js";

export interface SimSpeed {
  experiment: string;
  ticks: number;
  tickEventsPerS: number;
}

export interface InspectSpeed {
  records: number;
  recordsPerS: number;
  peakRssMb: number;
  ok: boolean;
}

/** The simulator's tick events per second on a preset (statistics kept in memory, no logs). */
export async function measureSimulator(
  experiment: string,
  overrides: { vms?: number; durationS?: number; trials?: number } = {},
): Promise<SimSpeed> {
  const experiments = resolveExperiments(experiment, overrides);
  const result = await simulateRun(
    { experiments, seed: 1, basePort: 5001, latency: { kind: "constant", ms: 0.1 }, runDir: undefined },
    ["bench"],
  );
  return { experiment, ticks: result.ticks, tickEventsPerS: result.ticks / (result.simulateMs / 1000) };
}

/** `inspect`'s records per second and peak memory on a simulated run of `records` records. */
export async function measureInspect(records: number): Promise<InspectSpeed> {
  const dir = mkdtempSync(join(tmpdir(), "clocklab-bench-inspect-"));
  try {
    const written = writeBigRun(records, dir);
    const worker = moduleEntry("./inspect-worker.js");
    const child = fork(worker.path, [dir], { stdio: "ignore", execArgv: worker.execArgv });
    const result = await new Promise<{ ms: number; ok: boolean; maxRssKb: number }>((resolve, reject) => {
      child.once("message", resolve);
      child.once("exit", (code) => reject(new Error(`inspect worker exited with ${code}`)));
    });
    return {
      records: written.records,
      recordsPerS: written.records / (result.ms / 1000),
      peakRssMb: result.maxRssKb / 1024,
      ok: result.ok,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

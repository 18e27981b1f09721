import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { moduleEntry } from "../base/entry.js";
import { rateSpecOf, resolveExperiments } from "../run/config.js";
import { simulateRun } from "../sim/run.js";
import { simulateTrial } from "../sim/trial.js";
import { writeBigRun } from "./big-run.js";

export interface SimSpeed {
  experiment: string;
  /** Where the records went: handed to a sink that drops them, kept in memory, or logged to files. */
  records: "streamed" | "kept" | "logged";
  ticks: number;
  tickEventsPerS: number;
  /** Streamed only: every timed pass's rate (the figure is their median). */
  passesPerS?: number[];
}

export interface InspectSpeed {
  records: number;
  recordsPerS: number;
  peakRssMb: number;
  ok: boolean;
}

/**
 * The simulator's tick events per second on a preset, with every record made and handed to a
 * sink: `streamed` drops them (the simulator itself), `kept` holds them in memory (what
 * `sim --no-logs` analyses), `logged` writes the run folder (what `sim` does).
 */
export async function measureSimulator(
  experiment: string,
  records: SimSpeed["records"],
  overrides: { vms?: number; durationS?: number; trials?: number } = {},
): Promise<SimSpeed> {
  const [exp] = resolveExperiments(experiment, overrides);
  if (exp === undefined) throw new Error(`no experiment ${experiment}`);
  const dir = records === "logged" ? mkdtempSync(join(tmpdir(), "clocklab-bench-sim-")) : undefined;
  try {
    if (records !== "streamed") {
      const result = await simulateRun(
        { experiments: [exp], seed: 1, basePort: 5001, latency: { kind: "constant", ms: 0.1 }, runDir: dir },
        ["bench"],
      );
      return {
        experiment,
        records,
        ticks: result.ticks,
        tickEventsPerS: result.ticks / (result.simulateMs / 1000),
      };
    }
    const ids = Array.from({ length: exp.vms }, (_, i) => String(5001 + i));
    const simulate = (trial: number, durationS: number): number =>
      simulateTrial({
        ids,
        rates: ids.map((_, i) => rateSpecOf(exp, i)),
        durationS,
        seed: 1,
        trial,
        eventRange: exp.eventRange,
        sinkFor: () => ({ write: () => {} }),
      }).reduce((s, vm) => s + vm.stop.ticks, 0);
    const pass = (): { ticks: number; ms: number } => {
      const began = performance.now();
      let ticks = 0;
      for (let trial = 1; trial <= exp.trials; trial++) ticks += simulate(trial, exp.durationS);
      return { ticks, ms: performance.now() - began };
    };
    // One untimed pass first, so the figure is the compiled code's and not the JIT's warm-up;
    // then the median of three timed passes.
    pass();
    const passes = [pass(), pass(), pass()].sort((a, b) => a.ms - b.ms);
    const median = passes[1] as { ticks: number; ms: number };
    return {
      experiment,
      records,
      ticks: median.ticks,
      tickEventsPerS: median.ticks / (median.ms / 1000),
      passesPerS: passes.map((p) => p.ticks / (p.ms / 1000)),
    };
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/** `inspect`'s records per second and peak memory on a simulated run of `records` records. */
export async function measureInspect(records: number): Promise<InspectSpeed> {
  const dir = mkdtempSync(join(tmpdir(), "clocklab-bench-inspect-"));
  try {
    const written = writeBigRun(records, dir);
    const worker = moduleEntry("./inspect-worker.js", import.meta.url);
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

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { BufferedFile } from "../analysis/buffered-file.js";
import { type InspectReport, reportOf } from "../analysis/inspect.js";
import { analyzeTrial, memorySource, type TrialAnalysis } from "../analysis/trial.js";
import { logFileName } from "../log/paths.js";
import type { Located } from "../log/reader.js";
import type { LogSink } from "../log/schema.js";
import { recordLine } from "../log/serialize.js";
import { type ExperimentConfig, rateSpecOf } from "../run/config.js";
import type { Manifest, TrialEntry } from "../run/manifest.js";
import { hostInfo, writeManifest } from "../run/manifest.js";
import type { LatencyModel } from "../transport/faults.js";
import { VERSION } from "../version.js";
import { simulateTrial } from "./trial.js";

/** A simulated run: the experiments of `run`, in virtual time. */
export interface SimConfig {
  experiments: ExperimentConfig[];
  seed: number;
  basePort: number;
  latency: LatencyModel;
  /** Folder to write logs and run.json into, or undefined to keep only statistics. */
  runDir: string | undefined;
}

export interface SimResult {
  report: InspectReport;
  /** Tick records produced, over every VM and trial. */
  ticks: number;
  /** Wall-clock milliseconds spent simulating (not analysing). */
  simulateMs: number;
}

/** Virtual start of every trial: fixed, so the same seed gives byte-identical logs. */
const SIM_START_AT = 1_700_000_000_000;

/** A log sink that writes whole lines in large chunks: a simulation cannot be killed mid-tick. */
function fileSink(path: string): LogSink & { close(): void } {
  const file = new BufferedFile(path, "--log-dir");
  return { write: (r) => file.line(recordLine(r)), close: () => file.close() };
}

/**
 * Runs every trial of every experiment with the unchanged VM core in virtual time, writing the
 * same run folder as `clocklab run` (or, without a folder, analysing each trial in memory and
 * keeping only its statistics).
 */
export async function simulateRun(config: SimConfig, command: string[]): Promise<SimResult> {
  const trials: TrialAnalysis[] = [];
  const entries: TrialEntry[] = [];
  let ticks = 0;
  let simulateMs = 0;
  for (const exp of config.experiments) {
    const ids = Array.from({ length: exp.vms }, (_, i) => String(config.basePort + i));
    const dir = config.runDir === undefined ? undefined : join(config.runDir, exp.name);
    if (dir !== undefined) mkdirSync(dir, { recursive: true });
    for (let trial = 1; trial <= exp.trials; trial++) {
      const sinks: (LogSink & { close(): void })[] = [];
      const files: string[] = [];
      const began = performance.now();
      const vms = simulateTrial({
        ids,
        rates: ids.map((_, i) => rateSpecOf(exp, i)),
        durationS: exp.durationS,
        seed: config.seed,
        trial,
        eventRange: exp.eventRange,
        latency: config.latency,
        startAt: SIM_START_AT,
        ...(dir === undefined
          ? {}
          : {
              sinkFor: (id: string, rate: number) => {
                const file = logFileName(dir, trial, id, rate);
                files.push(file);
                const sink = fileSink(file);
                sinks.push(sink);
                return sink;
              },
            }),
      });
      for (const sink of sinks) sink.close();
      simulateMs += performance.now() - began;
      ticks += vms.reduce((s, vm) => s + vm.stop.ticks, 0);
      entries.push({
        experiment: exp.name,
        trial,
        startAt: SIM_START_AT,
        spawnedAt: SIM_START_AT,
        endedAt: SIM_START_AT + exp.durationS * 1000,
        vms: vms.map((vm, i) => ({
          vm: vm.id,
          port: config.basePort + i,
          rate: vm.rate,
          seed: config.seed,
          pid: undefined,
          log: files[i] ?? "",
          exitCode: 0,
          signal: null,
        })),
        failed: false,
      });
      if (dir === undefined) {
        const sources = vms.map((vm) => {
          const file = `sim:${exp.name}/trial-${trial}/vm-${vm.id}`;
          const located: Located[] = vm.records.map((record, line) => ({ record, file, line: line + 1 }));
          return memorySource(file, located);
        });
        trials.push(await analyzeTrial(sources, { experiment: exp.name, trial }));
      }
    }
  }
  if (config.runDir !== undefined) {
    const manifest: Manifest = {
      clocklab: VERSION,
      status: "completed",
      command,
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      host: hostInfo(),
      config: { mode: "sim", ...config },
      trials: entries,
    };
    writeManifest(config.runDir, manifest);
  }
  const report = reportOf(config.runDir === undefined ? ["(in memory)"] : [config.runDir], trials);
  return { report, ticks, simulateMs };
}

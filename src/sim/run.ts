import { join } from "node:path";
import { BufferedFile } from "../analysis/buffered-file.js";
import { type InspectReport, reportOf } from "../analysis/inspect.js";
import { analyzeTrial, memorySource, type TrialAnalysis } from "../analysis/trial.js";
import { logFileName } from "../log/paths.js";
import type { Located } from "../log/reader.js";
import type { LogSink } from "../log/schema.js";
import { recordLine } from "../log/serialize.js";
import { DirError, makeDir } from "../log/writer.js";
import { rateSpecOf, type SimConfig } from "../run/config.js";

export type { SimConfig };

import { VERSION } from "../base/version.js";
import type { Manifest } from "../run/manifest.js";
import { hostInfo, writeManifest } from "../run/manifest.js";
import { SIM_START_AT, simulateTrialInSteps } from "./trial.js";

/** What a simulated run may be told while it runs. */
export interface SimEnvironment {
  /** Stops the run where it is: open logs get their stop record (`signal`), run.json says so. */
  signal?: AbortSignal;
  /** Virtual seconds done and planned, over the whole run, after each step. */
  onProgress?: (progress: SimProgress) => void;
}

export interface SimProgress {
  experiment: string;
  trial: number;
  trials: number;
  doneS: number;
  totalS: number;
}

export interface SimResult {
  report: InspectReport;
  /** Tick records produced, over every VM and trial. */
  ticks: number;
  /** Wall-clock milliseconds spent simulating (not analysing). */
  simulateMs: number;
  /** Stopped by the signal: the report holds only the trials done before it. */
  interrupted: boolean;
}

/** A log sink that writes whole lines in large chunks: a simulation cannot be killed mid-tick. */
function fileSink(path: string): LogSink & { close(): void } {
  const file = new BufferedFile(path, "logDir");
  return { write: (r) => file.line(recordLine(r)), close: () => file.close() };
}

/** A disk that fills up mid-run is the log folder's problem, said in one line. */
function diskFull(err: unknown, runDir: string | undefined): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (runDir === undefined || (code !== "ENOSPC" && code !== "EDQUOT")) return err;
  return new DirError("logDir", `no space left for the logs in ${runDir} (${code})`, err);
}

/**
 * Runs every trial of every experiment with the unchanged VM core in virtual time, writing the
 * same run folder as `clocklab run` (or, without a folder, analysing each trial in memory and
 * keeping only its statistics). Stopped by `env.signal`, it ends every VM of the trial at hand
 * with a stop record and marks run.json `interrupted`.
 */
export async function simulateRun(
  config: SimConfig,
  command: string[],
  env: SimEnvironment = {},
): Promise<SimResult> {
  const trials: TrialAnalysis[] = [];
  const startedAt = new Date().toISOString();
  const manifest: Manifest = {
    clocklab: VERSION,
    status: "running",
    command,
    startedAt,
    host: hostInfo(),
    config: { mode: "sim", ...config },
    trials: [],
  };
  if (config.runDir !== undefined) {
    makeDir(config.runDir, "logDir");
    writeManifest(config.runDir, manifest);
  }
  const totalS = config.experiments.reduce((s, e) => s + e.trials * e.durationS, 0);
  let doneS = 0;
  let ticks = 0;
  let simulateMs = 0;
  let interrupted = false;
  outer: for (const exp of config.experiments) {
    const ids = Array.from({ length: exp.vms }, (_, i) => String(config.basePort + i));
    const dir = config.runDir === undefined ? undefined : join(config.runDir, exp.name);
    if (dir !== undefined) makeDir(dir, "logDir");
    for (let trial = 1; trial <= exp.trials; trial++) {
      if (env.signal?.aborted) {
        interrupted = true;
        break outer;
      }
      const sinks: (LogSink & { close(): void })[] = [];
      const files: string[] = [];
      const began = performance.now();
      let result: Awaited<ReturnType<typeof simulateTrialInSteps>>;
      try {
        result = await simulateTrialInSteps(
          {
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
          },
          {
            ...(env.signal === undefined ? {} : { signal: env.signal }),
            onProgress: (doneMs, totalMs) =>
              env.onProgress?.({
                experiment: exp.name,
                trial,
                trials: exp.trials,
                doneS: doneS + (exp.durationS * doneMs) / totalMs,
                totalS,
              }),
          },
        );
        for (const sink of sinks) sink.close();
      } catch (err) {
        throw diskFull(err, config.runDir);
      }
      const { vms } = result;
      simulateMs += performance.now() - began;
      doneS += exp.durationS;
      ticks += vms.reduce((s, vm) => s + vm.stop.ticks, 0);
      const endedAt = Math.max(...vms.map((vm) => vm.stop.t));
      manifest.trials.push({
        experiment: exp.name,
        trial,
        startAt: SIM_START_AT,
        spawnedAt: SIM_START_AT,
        endedAt: result.interrupted ? endedAt : SIM_START_AT + exp.durationS * 1000,
        vms: vms.map((vm, i) => ({
          vm: vm.id,
          port: config.basePort + i,
          rate: vm.rate,
          seed: config.seed,
          pid: undefined,
          log: files[i] ?? "",
          // As a VM process stopped by a signal exits.
          exitCode: result.interrupted ? 130 : 0,
          signal: null,
        })),
        failed: false,
      });
      if (result.interrupted) {
        interrupted = true;
        break outer;
      }
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
    manifest.status = interrupted ? "interrupted" : "completed";
    manifest.finishedAt = new Date().toISOString();
    writeManifest(config.runDir, manifest);
  }
  const report = reportOf(config.runDir === undefined ? ["(in memory)"] : [config.runDir], trials);
  return { report, ticks, simulateMs, interrupted };
}

import { join } from "node:path";
import { Command } from "commander";
import { inspectPaths } from "../analysis/inspect.js";
import { makeStyle, renderText } from "../analysis/render-text.js";
import { loadReport } from "../report/load.js";
import { RUN_DEFAULTS, resolveExperiments } from "../run/config.js";
import { pointLatest, runStamp } from "../run/orchestrator.js";
import { simulateRun } from "../sim/run.js";
import { parseLatency } from "../transport/faults.js";
import { wantColour } from "./inspect.js";
import type { CliIo } from "./io.js";
import { integer } from "./parse.js";
import { addPresetOptions, type PresetFlags, presetOverrides } from "./run.js";

interface SimOptions extends PresetFlags {
  seed: number;
  logDir: string;
  basePort: number;
  latency: string;
  logs: boolean;
  html: boolean;
  color: boolean;
}

/** `clocklab sim`: the same experiments as `run`, with the same VM core, in virtual time. */
export function simCommand(io: CliIo): Command {
  const command = new Command("sim").description(
    "simulate experiments in virtual time: the same VM code, deterministic, far faster",
  );
  return addPresetOptions(command)
    .option("--seed <n>", "seed of every rate, event and latency draw", integer(0), 1)
    .option("--latency <model>", "network delay: MS, uniform:MIN-MAX or exp:MEAN (ms)", "0.1")
    .option("--log-dir <dir>", "where run folders go", RUN_DEFAULTS.logDir)
    .option(
      "--base-port <port>",
      "id of the first VM (VM ids are ports, as in real runs)",
      integer(1, 65535),
      RUN_DEFAULTS.basePort,
    )
    .option("--no-logs", "write nothing: analyse each trial in memory and keep only its statistics")
    .option("--html", "also write report.html into the run folder", false)
    .option("--no-color", "no colour, even on a terminal")
    .addHelpText(
      "after",
      `
The same configuration and seed give byte-identical logs: virtual time starts at a fixed instant,
and the start records name host "sim" and pid 0. A run folder looks like one of clocklab run, so
clocklab inspect works on it unchanged.

Examples:
  clocklab sim --experiment standard --seed 1
  clocklab sim --vms 20 --duration 3600 --no-logs`,
    )
    .action(async (opts: SimOptions) => {
      const experiments = resolveExperiments(opts.experiment, presetOverrides(opts));
      const runDir = opts.logs
        ? join(opts.logDir, `${runStamp(new Date())}-sim-${opts.experiment}`)
        : undefined;
      const began = performance.now();
      const result = await simulateRun(
        {
          experiments,
          seed: opts.seed,
          basePort: opts.basePort,
          latency: parseLatency(opts.latency),
          runDir,
        },
        process.argv.slice(2),
      );
      const report = runDir === undefined ? result.report : await inspectPaths([runDir]);
      const totalMs = performance.now() - began;
      io.out(renderText(report, makeStyle(opts.color && wantColour(process.stdout, process.env))));
      const rate = result.ticks / (result.simulateMs / 1000);
      io.out(
        `simulated ${result.ticks} ticks in ${result.simulateMs.toFixed(0)} ms (${Math.round(rate)} tick events/s); ${totalMs.toFixed(0)} ms with ${runDir === undefined ? "analysis" : "logs and inspect"}`,
      );
      if (runDir !== undefined) {
        pointLatest(runDir);
        if (opts.html) {
          const { renderCharts, writeHtml } = await loadReport();
          io.out(`report: ${writeHtml(join(runDir, "report.html"), report, await renderCharts(report))}`);
        }
        io.out(`logs: ${runDir}`);
      }
      io.setExitCode(report.ok ? 0 : 1);
    });
}

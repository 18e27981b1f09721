import { randomInt } from "node:crypto";
import { join } from "node:path";
import { Command } from "commander";
import { inspectPaths } from "../analysis/inspect.js";
import { makeStyle, renderText } from "../analysis/render-text.js";
import type { CliIo } from "../base/io.js";
import { latestLink } from "../log/paths.js";
import { loadReport } from "../report/load.js";
import { count, formatDuration, MAX_SIM_RATE, planOf } from "../run/bounds.js";
import { RUN_DEFAULTS } from "../run/config.js";
import { pointLatest, runStamp } from "../run/orchestrator.js";
import { type SimProgress, simulateRun } from "../sim/run.js";
import { parseLatency } from "../transport/faults.js";
import { checkBounds, flagged, RUN_FLAGS } from "./bounds.js";
import { addPresetOptions, checkedExperiments, type PresetFlags } from "./experiment-options.js";
import { SEED_HELP } from "./help.js";
import { wantColour } from "./inspect.js";
import { integer, nonEmpty } from "./parse.js";
import { untilSignal } from "./signals.js";

interface SimOptions extends PresetFlags {
  seed?: number;
  logDir: string;
  basePort: number;
  latency: string;
  logs: boolean;
  html: boolean;
  color: boolean;
  force: boolean;
}

/** Wall seconds a simulation runs before it shows a progress line. */
const QUIET_S = 2;
const PROGRESS_EVERY_MS = 250;

/**
 * A progress line on a terminal's stderr, redrawn in place, once the simulation has run a few
 * seconds; `clear` takes it away before the results are printed.
 */
function progressLine(stream: NodeJS.WriteStream): {
  show(p: SimProgress): void;
  clear(): void;
} {
  const began = performance.now();
  let last = 0;
  let shown = false;
  return {
    show(p) {
      const now = performance.now();
      if (!stream.isTTY || now - began < QUIET_S * 1000 || now - last < PROGRESS_EVERY_MS) return;
      last = now;
      shown = true;
      const fraction = p.totalS > 0 ? Math.min(1, p.doneS / p.totalS) : 0;
      const left = fraction > 0 ? ((now - began) / 1000) * (1 / fraction - 1) : Number.NaN;
      stream.write(
        `\rsim: ${p.experiment} trial ${p.trial}/${p.trials}, ${formatDuration(p.doneS)} of ${formatDuration(p.totalS)} simulated (${Math.floor(fraction * 100)}%)${Number.isFinite(left) ? `, about ${formatDuration(left)} left` : ""}\u001b[K`,
      );
    },
    clear() {
      if (shown) stream.write("\r\u001b[K");
    },
  };
}

/** `clocklab sim`: the same experiments as `run`, with the same VM core, in virtual time. */
export function simCommand(io: CliIo): Command {
  const command = new Command("sim").description(
    "simulate experiments in virtual time: the same VM code, deterministic, far faster",
  );
  return addPresetOptions(command)
    .option("--seed <n>", SEED_HELP, integer(0))
    .option("--latency <model>", "network delay: MS, uniform:MIN-MAX or exp:MEAN (ms)", "0.1")
    .option("--log-dir <dir>", "where run folders go", nonEmpty("a folder"), RUN_DEFAULTS.logDir)
    .option(
      "--base-port <port>",
      "id of the first VM (VM ids are ports, as in real runs)",
      integer(1, 65535),
      RUN_DEFAULTS.basePort,
    )
    .option("--no-logs", "write nothing: analyse each trial in memory and keep only its statistics")
    .option(
      "--html",
      "write report.html into the run folder (not by default: it takes seconds, a sim often less than one)",
      false,
    )
    .option("--no-html", "do not write report.html (the default)")
    .option("--no-color", "no colour, even on a terminal")
    .option(
      "--force",
      `go past the bounds (${count(MAX_SIM_RATE)} ticks/s per VM, ticks per trial, records per run, free disk, memory)`,
      false,
    )
    .addHelpText(
      "after",
      `
The same configuration and seed give byte-identical logs: virtual time starts at a fixed instant,
and the start records name host "sim" and pid 0. A run folder looks like one of clocklab run, so
clocklab inspect works on it unchanged.

Ctrl-C stops it within a moment: every open log gets its stop record (reason "signal"), run.json
says "interrupted", logs/latest points at the run; exit status 130.

Examples:
  clocklab sim --experiment standard --seed 1
  clocklab sim --vms 20 --duration 3600 --no-logs`,
    )
    .action(async (opts: SimOptions) => {
      const experiments = checkedExperiments(opts, opts.basePort);
      checkBounds(experiments.map(planOf), {
        maxRate: MAX_SIM_RATE,
        force: opts.force,
        ...(opts.logs ? { logDir: opts.logDir } : { inMemory: true }),
        flags: RUN_FLAGS,
        note: io.err,
      });
      const seed = opts.seed ?? randomInt(0, 2 ** 31);
      const runDir = opts.logs
        ? join(opts.logDir, `${runStamp(new Date())}-sim-${opts.experiment}`)
        : undefined;
      const began = performance.now();
      const progress = progressLine(process.stderr);
      const result = await untilSignal((signal) =>
        flagged(RUN_FLAGS, () =>
          simulateRun(
            {
              experiments,
              seed,
              basePort: opts.basePort,
              latency: parseLatency(opts.latency),
              runDir,
            },
            process.argv.slice(2),
            { signal, onProgress: progress.show },
          ),
        ),
      );
      progress.clear();
      if (result.interrupted) {
        if (runDir !== undefined) pointLatest(runDir);
        io.out(
          runDir === undefined
            ? `sim interrupted after ${count(result.ticks)} ticks; nothing written (--no-logs)`
            : `sim interrupted after ${count(result.ticks)} ticks; every log has its stop record; logs so far in ${runDir} (also ${latestLink(opts.logDir)})`,
        );
        io.setExitCode(130);
        return;
      }
      // The run is whole: latest points at it even if the analysis below is cut short.
      if (runDir !== undefined) pointLatest(runDir);
      const report = runDir === undefined ? result.report : await inspectPaths([runDir]);
      const totalMs = performance.now() - began;
      io.out(renderText(report, makeStyle(opts.color && wantColour(process.stdout, process.env))));
      const rate = result.ticks / (result.simulateMs / 1000);
      io.out(
        `simulated ${result.ticks} ticks in ${result.simulateMs.toFixed(0)} ms (${Math.round(rate)} tick events/s); ${totalMs.toFixed(0)} ms with ${runDir === undefined ? "analysis" : "logs and inspect"}`,
      );
      if (opts.seed === undefined) io.out(`seed ${seed} (drawn; --seed ${seed} repeats this run)`);
      if (runDir !== undefined) {
        if (opts.html) {
          const { renderCharts, writeHtml } = await loadReport();
          io.out(`report: ${writeHtml(join(runDir, "report.html"), report, await renderCharts(report))}`);
        }
        io.out(`logs: ${runDir}`);
      }
      io.setExitCode(report.ok ? 0 : 1);
    });
}

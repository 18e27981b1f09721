import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { SetupError } from "../errors.js";
import { loadReport } from "../report/load.js";
import { runStamp } from "../run/orchestrator.js";
import type { Cell } from "../sweep/cell.js";
import { runCells } from "../sweep/pool.js";
import { heatmap, METRICS, sweepCsv, sweepTables } from "../sweep/report.js";
import { parseLatency } from "../transport/faults.js";
import type { CliIo } from "./io.js";
import { integer, positive } from "./parse.js";

function intList(min: number): (value: string) => number[] {
  return (value) => {
    const list = value.split(",").map((s) => Number(s.trim()));
    if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < min)) {
      throw new InvalidArgumentError(`expected integers >= ${min} separated by commas, got "${value}"`);
    }
    return [...new Set(list)].sort((a, b) => a - b);
  };
}

interface SweepOptions {
  spreads: number[];
  eventRanges: number[];
  vms: number;
  trials: number;
  duration: number;
  rateMax: number;
  seed: number;
  latency: string;
  threads: number;
  logDir: string;
}

/** `clocklab sweep`: many seeded simulated trials over a grid of rate spread and event range. */
export function sweepCommand(io: CliIo): Command {
  return new Command("sweep")
    .description("simulate a grid of rate spread x event range, many seeded trials per cell, in parallel")
    .option(
      "--spreads <list>",
      "rate spreads: rates drawn from [rate-max - spread, rate-max]",
      intList(0),
      [0, 1, 2, 3, 5],
    )
    .option(
      "--event-ranges <list>",
      "event ranges (internal probability (range - VMs) / range)",
      intList(2),
      [3, 4, 5, 7, 10],
    )
    .option("--vms <n>", "VMs per trial", integer(2, 1000), 3)
    .option("--trials <n>", "seeded trials per cell", integer(1), 20)
    .option("--duration <s>", "seconds of virtual time per trial", positive(0), 60)
    .option("--rate-max <n>", "fastest rate (ticks/s)", integer(1), 6)
    .option("--seed <n>", "seed of every draw", integer(0), 1)
    .option("--latency <model>", "network delay: MS, uniform:MIN-MAX or exp:MEAN (ms)", "0.1")
    .option(
      "--threads <n>",
      "worker processes, one per core by default",
      integer(1, 256),
      availableParallelism(),
    )
    .option("--log-dir <dir>", "where the sweep folder goes", "logs")
    .addHelpText(
      "after",
      `
Writes logs/<timestamp>-sweep/sweep.csv (one row per cell) and report.html (a heatmap per figure):
the mean jump of the slowest VM, the max queue and the max drift, each averaged over the trials.

Example:
  clocklab sweep --spreads 0,1,2,3,5 --event-ranges 3,4,5,7,10 --trials 20`,
    )
    .action(async (opts: SweepOptions) => {
      const low = opts.eventRanges.filter((e) => e < opts.vms);
      if (low.length > 0) {
        throw new InvalidArgumentError(
          `--event-ranges: every range must be >= ${opts.vms} (VMs), got ${low.join(",")}`,
        );
      }
      const spreads = opts.spreads.filter((s) => s < opts.rateMax);
      const cells: Cell[] = spreads.flatMap((spread) =>
        opts.eventRanges.map((eventRange) => ({ spread, eventRange })),
      );
      const settings = {
        vms: opts.vms,
        trials: opts.trials,
        durationS: opts.duration,
        rateMax: opts.rateMax,
        seed: opts.seed,
        latency: parseLatency(opts.latency),
      };
      const began = performance.now();
      const results = await runCells(cells, settings, opts.threads, (done, total) => {
        if (process.stderr.isTTY) process.stderr.write(`\rsweep: cell ${done}/${total}`);
      });
      if (process.stderr.isTTY) process.stderr.write("\r\u001b[K");
      const seconds = (performance.now() - began) / 1000;
      const dir = join(opts.logDir, `${runStamp(new Date())}-sweep`);
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, "sweep.csv"), sweepCsv(results));
      } catch (err) {
        throw new SetupError(`--log-dir: cannot write ${dir}`, { cause: err });
      }
      const { renderSvg } = await loadReport();
      const svgs = await Promise.all(METRICS.map((m) => renderSvg(heatmap(results, m.key, m.title))));
      const ticks = results.reduce((s, r) => s + r.ticks, 0);
      const title = `clocklab sweep: ${cells.length} cells x ${opts.trials} trials x ${opts.duration} s, ${opts.vms} VMs, seed ${opts.seed}`;
      writeFileSync(
        join(dir, "report.html"),
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:2rem}figure{display:inline-block;margin:1rem}</style></head>
<body><h1>${title}</h1><p>${ticks} simulated tick events in ${seconds.toFixed(1)} s on ${opts.threads} worker(s). Every check passed in every trial: ${results.every((r) => r.allChecksPass)}.</p>
${svgs.map((svg) => `<figure>${svg}</figure>`).join("\n")}</body></html>\n`,
      );
      io.out(sweepTables(results));
      io.out("");
      io.out(
        `${cells.length} cells x ${opts.trials} trials: ${ticks} tick events in ${seconds.toFixed(1)} s on ${opts.threads} worker(s)`,
      );
      io.out(`report: ${join(dir, "report.html")}`);
      io.out(`csv: ${join(dir, "sweep.csv")}`);
      io.setExitCode(results.every((r) => r.allChecksPass) ? 0 : 1);
    });
}

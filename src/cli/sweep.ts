import { randomInt } from "node:crypto";
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { UsageError } from "../base/errors.js";
import type { CliIo } from "../base/io.js";
import { makeDir, removeMade } from "../log/writer.js";
import { loadReport } from "../report/load.js";
import { count, MAX_SIM_RATE } from "../run/bounds.js";
import { runStamp } from "../run/orchestrator.js";
import type { Cell, CellResult } from "../sweep/cell.js";
import { runCells } from "../sweep/pool.js";
import { heatmap, METRICS, sweepCsv, sweepPage, sweepTables } from "../sweep/report.js";
import { parseLatency } from "../transport/faults.js";
import { checkBounds, flagged } from "./bounds.js";
import { flagsOf } from "./flags.js";
import { SEED_HELP } from "./help.js";
import { commaList, integer, nonEmpty, positive } from "./parse.js";
import { untilSignal } from "./signals.js";

/**
 * A list like `0,1,2`: integers >= `min`, no empty item (`1,,2`, `1,2,` and "" are refused, the
 * message says which item), each value once, in order.
 */
export function intList(min: number, example: string): (value: string) => number[] {
  const list = commaList({
    item: integer(min),
    what: `integers >= ${min}`,
    each: `an integer >= ${min}`,
    example,
  });
  return (value) => [...new Set(list(value))].sort((a, b) => a - b);
}

/** Checks the grid against the other flags; throws a UsageError naming the flag. */
export function checkGrid(opts: Pick<SweepOptions, "spreads" | "eventRanges" | "vms" | "rateMax">): void {
  const low = opts.eventRanges.filter((e) => e < opts.vms);
  if (low.length > 0) {
    throw new UsageError(
      `--event-ranges: expected ranges >= ${opts.vms} (peers + 1 for --vms ${opts.vms}), got "${low.join(",")}"`,
    );
  }
  // Rates come from [rate-max - spread, rate-max] and are at least 1.
  const wide = opts.spreads.filter((s) => s >= opts.rateMax);
  if (wide.length > 0) {
    throw new UsageError(
      `--spreads: expected spreads below --rate-max (${opts.rateMax}), so rates stay >= 1, got "${wide.join(",")}"`,
    );
  }
}

/**
 * Worker processes a sweep uses: what was asked, but no more than the cells or the cores. The one
 * cap: runCells forks as many as it is given.
 */
export function workersFor(asked: number, cells: number, cores: number): number {
  return Math.max(1, Math.min(asked, cells, cores));
}

interface SweepOptions {
  spreads: number[];
  eventRanges: number[];
  vms: number;
  trials: number;
  duration: number;
  rateMax: number;
  seed?: number;
  latency: string;
  threads: number;
  logDir: string;
  force: boolean;
}

/** The bounds' fields as the sweep command spells them (memory is its --duration). */
const SWEEP_FLAGS = flagsOf("sweep");

/** `clocklab sweep`: many seeded simulated trials over a grid of rate spread and event range. */
export function sweepCommand(io: CliIo): Command {
  return new Command("sweep")
    .description("simulate a grid of rate spread x event range, many seeded trials per cell, in parallel")
    .option(
      "--spreads <list>",
      "rate spreads: rates drawn from [rate-max - spread, rate-max]",
      intList(0, "0,1,2,3,5"),
      [0, 1, 2, 3, 5],
    )
    .option(
      "--event-ranges <list>",
      "event ranges (internal probability (range - VMs) / range)",
      intList(2, "3,4,5,7,10"),
      [3, 4, 5, 7, 10],
    )
    .option("--vms <n>", "VMs per trial", integer(2, 1000), 3)
    .option("--trials <n>", "seeded trials per cell", integer(1), 20)
    .option("--duration <s>", "seconds of virtual time per trial", positive(0), 60)
    .option("--rate-max <n>", "fastest rate (ticks/s)", integer(1), 6)
    .option("--seed <n>", SEED_HELP, integer(0))
    .option("--latency <model>", "network delay: MS, uniform:MIN-MAX or exp:MEAN (ms)", "0.1")
    .option(
      "--threads <n>",
      "worker processes, one per core by default",
      integer(1, 256),
      availableParallelism(),
    )
    .option("--log-dir <dir>", "where the sweep folder goes", nonEmpty("a folder"), "logs")
    .option(
      "--force",
      `go past the bounds (${count(MAX_SIM_RATE)} ticks/s, ticks per trial, records per sweep, memory)`,
      false,
    )
    .addHelpText(
      "after",
      `
Writes logs/<timestamp>-sweep/sweep.csv (one row per cell) and report.html (a heatmap per figure):
the mean jump of the slowest VM, the max queue and the max lag (maxLag), each averaged over the trials.

Ctrl-C stops every worker; the cells done so far go to sweep.csv (or, when none is done,
nothing is written), and the exit status is 130.

Example:
  clocklab sweep --spreads 0,1,2,3,5 --event-ranges 3,4,5,7,10 --trials 20`,
    )
    .action(async (opts: SweepOptions) => {
      checkGrid(opts);
      const seed = opts.seed ?? randomInt(0, 2 ** 31);
      const cells: Cell[] = opts.spreads.flatMap((spread) =>
        opts.eventRanges.map((eventRange) => ({ spread, eventRange })),
      );
      // Every cell is one experiment of the same size: the bounds see the sweep as a run of them.
      const cell = {
        trials: opts.trials,
        durationS: opts.duration,
        rates: Array.from({ length: opts.vms }, () => opts.rateMax),
        fixed: false,
        multiplier: 1,
      };
      checkBounds([cell], {
        maxRate: MAX_SIM_RATE,
        copies: cells.length,
        copiesOf: "cells",
        force: opts.force,
        inMemory: true,
        flags: SWEEP_FLAGS,
      });
      const workers = workersFor(opts.threads, cells.length, availableParallelism());
      // The folder first, so a bad --log-dir is said before the work, not after it.
      const dir = join(opts.logDir, `${runStamp(new Date())}-sweep`);
      const made = await flagged(SWEEP_FLAGS, () => makeDir(dir, "logDir"));
      const settings = {
        vms: opts.vms,
        trials: opts.trials,
        durationS: opts.duration,
        rateMax: opts.rateMax,
        seed,
        latency: parseLatency(opts.latency),
      };
      const began = performance.now();
      const pool = await untilSignal((signal) =>
        runCells(
          cells,
          settings,
          workers,
          (done, total) => {
            if (process.stderr.isTTY) process.stderr.write(`\rsweep: cell ${done}/${total}`);
          },
          signal,
        ).catch((err: unknown) => {
          removeMade(made, dir);
          throw err;
        }),
      );
      if (process.stderr.isTTY) process.stderr.write("\r\u001b[K");
      const seconds = (performance.now() - began) / 1000;
      const results = pool.results.filter((r): r is CellResult => r !== undefined);
      const path = join(dir, "sweep.csv");
      const writeCsv = (): string => {
        writeFileSync(path, sweepCsv(results));
        return path;
      };
      if (pool.interrupted) {
        if (results.length === 0) removeMade(made, dir);
        io.out(
          results.length === 0
            ? `sweep interrupted: no cell was done; nothing written`
            : `sweep interrupted: ${results.length} of ${cells.length} cells done, written to ${writeCsv()} (no report)`,
        );
        io.setExitCode(130);
        return;
      }
      const csv = writeCsv();
      const { renderSvg } = await loadReport();
      const svgs = await Promise.all(METRICS.map((m) => renderSvg(heatmap(results, m.key, m.title))));
      const ticks = results.reduce((s, r) => s + r.ticks, 0);
      const cores = availableParallelism();
      const cap = cells.length <= cores ? `${cells.length} cells` : `${cores} cores`;
      const on = `${workers} worker${workers === 1 ? "" : "s"}${workers < opts.threads ? ` (--threads ${opts.threads} capped at the ${cap})` : ""}`;
      const title = `clocklab sweep: ${cells.length} cells x ${opts.trials} trials x ${opts.duration} s, ${opts.vms} VMs, seed ${seed}`;
      writeFileSync(
        join(dir, "report.html"),
        sweepPage(
          title,
          `${ticks} simulated tick events in ${seconds.toFixed(1)} s on ${on}.`,
          results,
          svgs,
        ),
      );
      io.out(sweepTables(results));
      io.out("");
      io.out(
        `${cells.length} cells x ${opts.trials} trials: ${ticks} tick events in ${seconds.toFixed(1)} s on ${on}`,
      );
      if (opts.seed === undefined) io.out(`seed ${seed} (drawn; --seed ${seed} repeats this sweep)`);
      io.out(`report: ${join(dir, "report.html")}`);
      io.out(`csv: ${csv}`);
      io.setExitCode(results.every((r) => r.allChecksPass) ? 0 : 1);
    });
}

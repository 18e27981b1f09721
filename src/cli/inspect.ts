import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { writeEventsCsv, writeSummaryCsv } from "../analysis/export-csv.js";
import { writeShiviz } from "../analysis/export-shiviz.js";
import { findingsOf } from "../analysis/findings.js";
import { inspectPaths } from "../analysis/inspect.js";
import { makeStyle, renderText } from "../analysis/render-text.js";
import { UsageError } from "../base/errors.js";
import type { CliIo } from "../base/io.js";
import { exportTables } from "../export/export.js";
import { latestLink } from "../log/paths.js";
import { loadReport } from "../report/load.js";
import { RUN_DEFAULTS } from "../run/config.js";
import { unwritable } from "./writable.js";

/** What inspect reads when given nothing: the newest run of the default log folder. */
const LATEST = latestLink(RUN_DEFAULTS.logDir);

interface InspectOptions {
  json: boolean;
  color: boolean;
  html?: string | true;
  png?: string;
  csv?: string;
  shiviz?: string;
  parquet?: string;
  duckdb?: string;
  window: { offsetMs: number; lengthMs: number };
}

/** Parses `--window START:LENGTH` in seconds, e.g. `10:5`. */
function parseWindow(value: string): { offsetMs: number; lengthMs: number } {
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(value.trim());
  const offset = Number(m?.[1]);
  const length = Number(m?.[2]);
  if (m === null || !(length > 0)) {
    throw new InvalidArgumentError(
      `expected START:LENGTH in seconds with LENGTH > 0 (e.g. 10:5), got "${value}"`,
    );
  }
  return { offsetMs: offset * 1000, lengthMs: length * 1000 };
}

/** Where `--html` without a file name writes: report.html in the one folder inspected, else here. */
function defaultHtmlPath(paths: string[]): string {
  const [only] = paths;
  return paths.length === 1 && only !== undefined && existsSync(only) && statSync(only).isDirectory()
    ? join(only, "report.html")
    : "report.html";
}

/** Refuses, before any analysis, an output that cannot be written (one line, exit 2). */
function checkOutputs(opts: InspectOptions, htmlPath: string | undefined): void {
  const outputs: [string, string | undefined, "file" | "folder"][] = [
    ["--html", htmlPath, "file"],
    ["--png", opts.png, "folder"],
    ["--csv", opts.csv, "folder"],
    ["--shiviz", opts.shiviz, "file"],
    ["--parquet", opts.parquet, "folder"],
    ["--duckdb", opts.duckdb, "file"],
  ];
  for (const [flag, path, kind] of outputs) {
    const why = path === undefined ? undefined : unwritable(path, kind);
    if (why !== undefined) {
      const what = kind === "file" ? "a file path" : "a folder";
      throw new UsageError(`${flag}: expected ${what} that can be written, got "${path}" (${why})`);
    }
  }
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function wantColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? "") === "";
}

/** `clocklab inspect`: checks and statistics of a run's logs. */
export function inspectCommand(io: CliIo): Command {
  return new Command("inspect")
    .description("check a run's logs against the clock rules and report jumps, drift, queues, latency")
    .argument("[paths...]", "run folder, experiment folder or log files", [LATEST])
    .option("--json", "print the report as JSON (same content as the tables)", false)
    .option("--html [file]", "write a self-contained HTML report with charts (default: <run>/report.html)")
    .option("--png <dir>", "write every chart as SVG and PNG into <dir>")
    .option("--csv <dir>", "write events.csv (every record) and summary.csv (statistics) into <dir>")
    .option("--shiviz <file>", "write a log for the ShiViz visualiser (regex and delimiter in its header)")
    .option(
      "--parquet <dir>",
      "write typed tables (runs, trials, vms, events, messages, ...) as Parquet files into <dir>",
    )
    .option("--duckdb <file>", "write the same tables as a DuckDB database <file> (replaced if it exists)")
    .addOption(
      new Option(
        "--window <start:length>",
        "seconds from the first tick drawn by the static space-time strip of --png",
      )
        .argParser(parseWindow)
        .default({ offsetMs: 0, lengthMs: 5000 }, "0:5"),
    )
    .option("--no-color", "no colour, even on a terminal")
    .addHelpText(
      "after",
      `
Checks (any failure: exit 1): readable (every line a record of the log schema; a bad line is
reported as file:line with why, and skipped; only a last line without newline is torn),
structure (start first, stop last, ticks numbered, reject counts add up to the stop's rejected),
lamport (local +1, receive max+1), vector, messages (each receive matches one send with the same
stamp and a larger clock), fifo per link, conservation (sent = received + pending + gap, per
link), tick-fidelity (ticks = floor(rate x duration), none early; for a VM stopped by a signal,
the ticks due before its stop), wall-time (never goes back). A run stopped by Ctrl-C is marked
INTERRUPTED, and its rates per second use the time it ran.

Examples:
  clocklab inspect                        # the newest run (logs/latest)
  clocklab inspect logs/<run>/standard    # one experiment
  clocklab inspect --json logs/<run> > report.json
  clocklab inspect --html --png charts/ --csv data/ --shiviz run.shiviz
  clocklab inspect --parquet tables/ --duckdb run.duckdb   # for pandas, polars, R or SQL`,
    )
    .action(async (paths: string[], opts: InspectOptions) => {
      const progress = (done: number, total: number) => {
        if (total > 3 && process.stderr.isTTY) process.stderr.write(`\rinspect: trial ${done}/${total}`);
      };
      if (paths.length === 1 && paths[0] === LATEST && !existsSync(LATEST)) {
        throw new UsageError(
          `inspect: no run yet: ${LATEST} does not exist (clocklab run or clocklab sim makes one; or name a run folder or log files)`,
        );
      }
      const htmlPath = opts.html === true ? defaultHtmlPath(paths) : opts.html;
      checkOutputs(opts, htmlPath);
      const window = { windowOffsetMs: opts.window.offsetMs, windowMs: opts.window.lengthMs };
      const report = await inspectPaths(paths, window, progress);
      if (process.stderr.isTTY) process.stderr.write("\r\u001b[K");
      if (opts.json) io.out(JSON.stringify({ ...report, findings: findingsOf(report) }, null, 2));
      else io.out(renderText(report, makeStyle(opts.color && wantColour(process.stdout, process.env))));
      const groups = report.trials.map((t) => ({ experiment: t.experiment, trial: t.trial, files: t.files }));
      const written: string[] = [];
      if (opts.csv !== undefined) {
        written.push(await writeEventsCsv(opts.csv, groups), writeSummaryCsv(opts.csv, report.trials));
      }
      if (opts.shiviz !== undefined) written.push(await writeShiviz(opts.shiviz, groups));
      if (opts.parquet !== undefined || opts.duckdb !== undefined) {
        written.push(...(await exportTables(report, { parquet: opts.parquet, duckdb: opts.duckdb })));
      }
      if (opts.html !== undefined || opts.png !== undefined) {
        const { renderCharts, writeHtml, writeImages } = await loadReport();
        const charts = await renderCharts(report, { images: opts.png !== undefined });
        if (htmlPath !== undefined) written.push(writeHtml(htmlPath, report, charts));
        if (opts.png !== undefined) written.push(...writeImages(opts.png, charts));
      }
      const say = opts.json ? io.err : io.out;
      for (const path of written) say(`wrote ${path}`);
      io.setExitCode(report.ok ? 0 : 1);
    });
}

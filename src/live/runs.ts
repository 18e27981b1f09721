import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { discoverTrials } from "../analysis/discover.js";
import { type RunInfo, readRunInfo } from "../analysis/run-info.js";
import { safeSegment } from "./files.js";

/** One run folder of a logs folder, as the run list shows it. */
export interface RunEntry {
  /** The folder's name: its address under /runs/. */
  folder: string;
  dir: string;
  info: RunInfo | undefined;
  /** run.json's `checksPassed`, when the run got that far. */
  checksPassed: boolean | undefined;
  /** When it started: run.json's startedAt, else the folder's time. */
  startedMs: number;
  hasReport: boolean;
}

/** One trial of a run, with its logs relative to the run folder. */
export interface RunTrial {
  experiment: string;
  trial: number;
  files: string[];
}

function checksPassed(dir: string): boolean | undefined {
  try {
    const json = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as { checksPassed?: unknown };
    return typeof json.checksPassed === "boolean" ? json.checksPassed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The run folder `name` directly in `logDir`, or undefined unless it is a folder (not a link:
 * `latest` names a folder that is listed already) with a safe name and a run.json.
 */
export function runIn(logDir: string, name: string): RunEntry | undefined {
  const dir = join(logDir, name);
  if (!safeSegment(name) || !lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) return undefined;
  if (!existsSync(join(dir, "run.json"))) return undefined;
  const info = readRunInfo([dir]);
  const started = info?.startedAt === undefined ? Number.NaN : Date.parse(info.startedAt);
  return {
    folder: name,
    dir,
    info,
    checksPassed: checksPassed(dir),
    startedMs: Number.isFinite(started) ? started : statSync(dir).mtimeMs,
    hasReport: existsSync(join(dir, "report.html")),
  };
}

/** The run folders directly in `logDir` (see runIn), newest first. */
export function runsIn(logDir: string): RunEntry[] {
  return readdirSync(logDir)
    .flatMap((name) => runIn(logDir, name) ?? [])
    .sort((a, b) => b.startedMs - a.startedMs || b.folder.localeCompare(a.folder));
}

/** A run's trials in run order, each with its log files relative to the run folder. */
export function trialsOf(dir: string): RunTrial[] {
  try {
    const real = realpathSync(dir);
    return discoverTrials([real]).map((g) => ({
      experiment: g.experiment,
      trial: g.trial,
      files: g.files.map((f) => relative(real, f)).sort(),
    }));
  } catch {
    // A run stopped before its first log line: no trials to show yet.
    return [];
  }
}

/** The name a trial's own report page is served under, beside the run's report. */
export function trialPage(t: Pick<RunTrial, "experiment" | "trial">): string {
  const exp = t.experiment === "." ? "" : `${basename(t.experiment)}-`;
  return `trial-${exp}${t.trial}.html`;
}

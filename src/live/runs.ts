import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
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
 * The run folders directly in `logDir` (those with a run.json), newest first. Links are left
 * out: `latest` names a folder that is listed already.
 */
export function runsIn(logDir: string): RunEntry[] {
  const entries = readdirSync(logDir, { withFileTypes: true }).filter(
    (e) => e.isDirectory() && safeSegment(e.name) && existsSync(join(logDir, e.name, "run.json")),
  );
  return entries
    .map((e): RunEntry => {
      const dir = join(logDir, e.name);
      const info = readRunInfo([dir]);
      const started = info?.startedAt === undefined ? Number.NaN : Date.parse(info.startedAt);
      return {
        folder: e.name,
        dir,
        info,
        checksPassed: checksPassed(dir),
        startedMs: Number.isFinite(started) ? started : statSync(dir).mtimeMs,
        hasReport: existsSync(join(dir, "report.html")),
      };
    })
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

import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { UsageError } from "../base/errors.js";
import { parseLogFileName } from "../log/paths.js";

/** The log files of one trial of one experiment. */
export interface TrialFiles {
  /** Folder relative to what was asked for ("." for itself), e.g. "standard". */
  experiment: string;
  trial: number;
  files: string[];
}

/**
 * Finds trials under a run folder, an experiment folder or a list of log files: files are
 * grouped by folder and trial number from their names.
 */
export function discoverTrials(paths: readonly string[]): TrialFiles[] {
  const groups = new Map<string, TrialFiles>();
  const add = (file: string, base: string) => {
    const parsed = parseLogFileName(basename(file));
    if (parsed === undefined) return;
    const experiment = relative(base, dirname(file)) || ".";
    const key = `${experiment}\u0000${parsed.trial}`;
    const group = groups.get(key) ?? { experiment, trial: parsed.trial, files: [] };
    group.files.push(file);
    groups.set(key, group);
  };
  const walk = (dir: string, base: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full, base);
      else if (entry.isFile()) add(full, base);
    }
  };
  for (const path of paths) {
    if (!existsSync(path)) throw new UsageError(`inspect: no such file or folder "${path}"`);
    const real = realpathSync(path);
    if (statSync(real).isDirectory()) walk(real, real);
    else add(real, dirname(real));
  }
  if (groups.size === 0) {
    throw new UsageError(`inspect: no log files (trial-<n>_vm-<port>_rate-<r>.jsonl) in ${paths.join(", ")}`);
  }
  const order = runOrder(paths);
  const rank = (e: string) => (order.includes(e) ? order.indexOf(e) : order.length);
  return [...groups.values()].sort(
    (a, b) =>
      rank(a.experiment) - rank(b.experiment) ||
      a.experiment.localeCompare(b.experiment) ||
      a.trial - b.trial,
  );
}

/** The experiments in the order a run folder's run.json lists them (the order they ran in). */
function runOrder(paths: readonly string[]): string[] {
  const [only] = paths;
  if (paths.length !== 1 || only === undefined) return [];
  try {
    const manifest = JSON.parse(readFileSync(join(only, "run.json"), "utf8")) as {
      config?: { experiments?: { name?: unknown }[] };
    };
    return (manifest.config?.experiments ?? []).map((e) => String(e.name));
  } catch {
    return [];
  }
}

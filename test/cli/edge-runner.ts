import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { EdgeCase } from "./cases/types.js";

/**
 * Runs one row of the CLI edge table as a real process and judges what it did. Kept apart from
 * the table's test file so the judge itself can be tested on made-up outcomes.
 */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DIST = join(ROOT, "dist/cli/index.js");

/** The newest modification time under `dir` (ms), for telling a stale build from a fresh one. */
function newest(dir: string): number {
  let most = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    most = Math.max(most, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return most;
}

/**
 * How to start `clocklab`: the built CLI (`npm test` builds it first), or the source through tsx
 * when there is no build or the source changed after it (a stale build would test old code).
 */
export function cliCommand(): { argv: string[]; what: string } {
  if (existsSync(DIST) && statSync(DIST).mtimeMs >= newest(join(ROOT, "src"))) {
    return { argv: [process.execPath, DIST], what: "dist/cli/index.js" };
  }
  return {
    // tsx by its full address: the row runs in a fresh folder, where `--import tsx` finds nothing.
    argv: [process.execPath, "--import", import.meta.resolve("tsx"), join(ROOT, "src/cli/index.ts")],
    what: "src/cli/index.ts through tsx (dist missing or older than src)",
  };
}

/** Every path under `dir`, relative to it, folders included. */
export function listTree(dir: string): string[] {
  const paths: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      paths.push(relative(dir, path));
      if (entry.isDirectory()) walk(path);
    }
  };
  walk(dir);
  return paths.sort();
}

/**
 * Live processes started for this row: every process whose environment carries `marker`. A
 * child inherits its parent's environment, also when it starts its own session (`clocklab run`
 * starts each VM detached), so this finds the row's whole tree, orphans included, where a
 * process-group or parent check would miss them. Linux only: elsewhere it returns undefined.
 */
export function processesWith(marker: string): number[] | undefined {
  if (!existsSync("/proc/self/environ")) return undefined;
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const state = /\) (\S)/.exec(readFileSync(`/proc/${name}/stat`, "latin1"))?.[1];
      if (state === "Z" || state === "X") continue;
      if (readFileSync(`/proc/${name}/environ`, "latin1").split("\0").includes(marker)) {
        found.push(Number(name));
      }
    } catch {
      // gone meanwhile, or another user's process
    }
  }
  return found;
}

/** What a row's process did. */
export interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Paths in the working folder after the run that were not there before it. */
  newPaths: string[];
  /** Processes of the row still alive after it exited (undefined where not checkable). */
  leftovers: number[] | undefined;
}

/** Everything wrong with `outcome` for `row`; empty when the row passes. */
export function judge(row: EdgeCase, outcome: Outcome): string[] {
  const problems: string[] = [];
  const expected = row.code ?? 2;
  if (outcome.timedOut) problems.push("did not finish within its time limit (killed)");
  if (outcome.code !== expected) {
    problems.push(`exit code ${outcome.code ?? `signal ${outcome.signal}`}, expected ${expected}`);
  }
  const lines = outcome.stderr.split("\n");
  if (lines.at(-1) === "") lines.pop();
  if (lines.length !== 1) {
    problems.push(`stderr has ${lines.length} lines, expected exactly 1`);
  }
  const [line = ""] = lines;
  if (!line.startsWith("clocklab: ")) problems.push(`stderr does not start with "clocklab: ": ${line}`);
  if (!row.stderr.test(line)) problems.push(`stderr ${JSON.stringify(line)} does not match ${row.stderr}`);
  if (/^\s+at /m.test(outcome.stderr) || /^\s+at /m.test(outcome.stdout)) {
    problems.push("a stack trace was printed");
  }
  if (row.stdout === undefined ? outcome.stdout !== "" : !row.stdout.test(outcome.stdout)) {
    const first = outcome.stdout.split("\n")[0];
    problems.push(
      row.stdout === undefined
        ? `stdout is not empty (a partial report?): ${first}`
        : `stdout does not match ${row.stdout}`,
    );
  }
  const allowed = row.allowNew ?? [];
  const stray = outcome.newPaths.filter((p) => !allowed.some((a) => p === a || p.startsWith(`${a}/`)));
  if (stray.length > 0) problems.push(`left behind in the working folder: ${stray.join(", ")}`);
  if (outcome.leftovers !== undefined && outcome.leftovers.length > 0) {
    problems.push(`left processes running: ${outcome.leftovers.join(", ")}`);
  }
  return problems;
}

/** Waits until no process carries `marker`, up to `limitMs`; returns those still alive. */
async function settle(marker: string, limitMs: number): Promise<number[] | undefined> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const alive = processesWith(marker);
    if (alive === undefined || alive.length === 0 || Date.now() >= deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Runs `clocklab ARGS` of `row` in `dir` (already set up), killed after `limitMs`, and reports
 * what it did. Processes it left are killed afterwards, so a failing row cannot leak them.
 */
export async function runRow(row: EdgeCase, dir: string, limitMs: number): Promise<Outcome> {
  const before = new Set(listTree(dir));
  const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const marker = `CLOCKLAB_EDGE_ROW=${token}`;
  const { argv } = cliCommand();
  const child = spawn(argv[0] as string, [...argv.slice(1), ...row.args], {
    cwd: dir,
    // Its own process group, so a timeout can kill the whole tree the row started.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", CLOCKLAB_EDGE_ROW: token },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  let timedOut = false;
  const limit = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  }, limitMs);
  // `close`: the process exited and both pipes are drained.
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once("close", (c, s) => resolve([c, s])),
  );
  clearTimeout(limit);
  // A process that is exiting right now is not left behind; one alive after this grace is.
  const leftovers = await settle(marker, 500);
  for (const pid of leftovers ?? []) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  const newPaths = listTree(dir).filter((p) => !before.has(p));
  return { code, signal, stdout, stderr, timedOut, newPaths, leftovers };
}

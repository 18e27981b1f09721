import { existsSync, lstatSync, symlinkSync, unlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { inspectPaths } from "../analysis/inspect.js";
import { makeStyle, renderText } from "../analysis/render-text.js";
import type { CliIo } from "../base/io.js";
import { VERSION } from "../base/version.js";
import { latestLink } from "../log/paths.js";
import { makeDir } from "../log/writer.js";
import { loadReport } from "../report/load.js";
import { loadKeys, writeKeys } from "../transport/curve.js";
import type { RunConfig } from "./config.js";
import { InPlace, renderLive, renderPlain } from "./live.js";
import { hostInfo, type Manifest, writeManifest } from "./manifest.js";
import { type RunNetwork, setupNetwork } from "./netns/network.js";
import type { RunObserver } from "./observer.js";
import { checkPortsFree, ephemeralRange, runPorts } from "./ports.js";
import { LogTail } from "./tail.js";
import { type CliEntry, experimentDir, type RunningVm, spawnTrial, stopAll } from "./trial.js";

/** What the orchestrator needs from its surroundings. */
export interface RunEnvironment {
  io: CliIo;
  /** Aborting (SIGINT/SIGTERM) stops every VM cleanly and ends the run as interrupted. */
  signal: AbortSignal;
  entry: CliEntry;
  /** A terminal to draw the live view on, or undefined for plain progress lines. */
  tty: { write(s: string): void; colour: boolean } | undefined;
  /** Print the inspect summary at the end. @default true */
  summary?: boolean;
  /** Seconds between plain progress lines. @default 5 */
  plainEveryS?: number;
  command: string[];
  /** Follows the run besides the terminal (the live page); gets every VM's log lines. */
  observer?: RunObserver;
}

export interface RunResult {
  code: number;
  runDir: string;
  manifest: Manifest;
}

const FRAME_MS = 200;
/** How often an observer gets new log lines: often enough for a page to draw a tick as it happens. */
const FEED_MS = 50;

/** A run folder's time stamp, e.g. 20261121-235529 (local time). */
export function runStamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** Points `<logDir>/latest` at the run folder (a relative link, so the tree can move). */
export function pointLatest(runDir: string): void {
  const link = latestLink(dirname(runDir));
  try {
    if (existsSync(link) || lstatSync(link, { throwIfNoEntry: false })) unlinkSync(link);
    symlinkSync(basename(runDir), link);
  } catch {
    // A filesystem without links still has the run folder; nothing else depends on the link.
  }
}

/** Expected seconds of one trial: start delay, ticking, drain, process exit. */
function trialSeconds(run: RunConfig, durationS: number): number {
  return run.startDelayMs / 1000 + durationS + run.drainMs / 1000 + 0.3;
}

/**
 * Runs every trial of every experiment: spawn the VM processes on a shared start time, show
 * them live, wait, record, and end with the inspect summary of the whole run. With `netns`, the
 * VMs' namespaces are made first and removed however the run ends (done, failed, interrupted).
 */
export async function runExperiments(run: RunConfig, env: RunEnvironment): Promise<RunResult> {
  const net = run.netns === undefined ? undefined : setupNetwork(runPorts(run).map(String), run.netns);
  // A second Ctrl-C does not kill the process before this finally: the commands' untilSignal
  // turns every signal during the run into a request to stop (env.signal).
  try {
    return await runAll(run, env, net);
  } finally {
    net?.remove();
  }
}

async function runAll(run: RunConfig, env: RunEnvironment, net: RunNetwork | undefined): Promise<RunResult> {
  const { io } = env;
  const most = Math.max(...run.experiments.map((e) => e.vms));
  // Binds every port on the host: also the check that the host can be listened on at all.
  await checkPortsFree(run.host, runPorts(run));
  const [lo, hi] = ephemeralRange();
  if (run.basePort + most - 1 >= lo && run.basePort <= hi) {
    io.err(
      `clocklab: warning: ports ${run.basePort}-${run.basePort + most - 1} overlap the OS's range for outgoing connections (${lo}-${hi}); a VM's connection may take a port before its VM binds it. A --base-port below ${lo} avoids that.`,
    );
  }
  const runDir = run.runDir ?? join(run.logDir, `${runStamp(new Date())}-${run.label}`);
  // After the ports, so a refused run leaves no folder. One level at a time (makeDir): a file in
  // the way or /proc/x is one line naming the folder given (logDir first), not an endless mkdir.
  if (run.runDir === undefined) makeDir(run.logDir, "logDir");
  makeDir(runDir, "logDir");
  const manifest: Manifest = {
    clocklab: VERSION,
    status: "running",
    command: env.command,
    startedAt: new Date().toISOString(),
    host: hostInfo(),
    config: run,
    trials: [],
    ...(net === undefined ? {} : { network: net.record }),
  };
  writeManifest(runDir, manifest);
  if (run.runDir === undefined) pointLatest(runDir);
  const { observer } = env;
  observer?.runStarted(runDir, manifest);
  const ids = Array.from({ length: most }, (_, i) => String(run.basePort + i));
  const curveDir = run.curve === undefined ? undefined : (run.curve.dir ?? join(runDir, "keys"));
  if (curveDir !== undefined) {
    if (run.curve?.dir === undefined) writeKeys(curveDir, ids);
    // Every VM's keys are there before any VM starts, or the run stops here with what is missing.
    for (const id of ids)
      loadKeys(
        curveDir,
        id,
        ids.filter((other) => other !== id),
      );
  }

  const totalS = run.experiments.reduce((s, e) => s + e.trials * trialSeconds(run, e.durationS), 0);
  let doneS = 0;
  let failedVms = 0;
  io.out(
    `run ${runDir}: ${run.experiments.map((e) => `${e.name} ${e.trials} x ${e.durationS} s, ${e.vms} VMs`).join("; ")}`,
  );
  const view = env.tty === undefined ? undefined : new InPlace(env.tty.write);

  let index = 0;
  outer: for (const [experimentIndex, exp] of run.experiments.entries()) {
    const dir = experimentDir(runDir, exp);
    makeDir(dir, "logDir");
    for (let trial = 1; trial <= exp.trials; trial++, index++) {
      if (env.signal.aborted) break outer;
      const spawnedAt = Date.now();
      const { record, vms } = spawnTrial(run, exp, trial, dir, env.entry, spawnedAt, curveDir, net);
      net?.trialStarted(record.startAt, (why) => io.err(`clocklab: warning: ${why}`));
      manifest.trials.push(record);
      writeManifest(runDir, manifest);
      const collect = observer !== undefined;
      const tails = vms.map((v) => new LogTail(v.entry.log, v.entry.vm, v.entry.rate, v.planned, collect));
      const trialS = trialSeconds(run, exp.durationS);
      let done = false;
      const frame = () => ({
        experiment: exp.name,
        trial,
        trials: exp.trials,
        vms: tails.map((t) => t.poll()),
        // A trial that ran to its end counts whole; one cut short counts the time it ran.
        elapsedS: doneS + (done && !env.signal.aborted ? trialS : (Date.now() - spawnedAt) / 1000),
        totalS,
        trialElapsedS: (Date.now() - spawnedAt) / 1000,
        trialS,
        done,
        stopped: done && env.signal.aborted,
      });
      const trialIndex = index;
      const feed = () => {
        for (const t of tails) {
          t.poll();
          const lines = t.take();
          if (lines.length > 0) observer?.lines(trialIndex, t.state.vm, lines, t.upTo);
        }
      };
      observer?.trialStarted({
        index,
        experiment: exp.name,
        experimentIndex,
        trial,
        trials: exp.trials,
        dir,
        startAt: record.startAt,
        durationS: exp.durationS,
        vms: vms.map((v) => ({ id: v.entry.vm, rate: v.entry.rate, planned: v.planned, log: v.entry.log })),
      });
      const feeding = observer === undefined ? undefined : setInterval(feed, FEED_MS);
      let lastPlain = 0;
      const tick = setInterval(() => {
        if (view !== undefined) view.draw(renderLive(frame()));
        else if (Date.now() - lastPlain >= (env.plainEveryS ?? 5) * 1000) {
          lastPlain = Date.now();
          io.out(renderPlain(frame()));
        }
      }, FRAME_MS);
      const onAbort = () => void stopAll(vms);
      env.signal.addEventListener("abort", onAbort, { once: true });
      await Promise.all(vms.map((v) => v.exited));
      net?.trialEnded(exp.name, trial);
      env.signal.removeEventListener("abort", onAbort);
      clearInterval(tick);
      clearInterval(feeding);
      if (observer !== undefined) feed();
      done = true;
      if (view !== undefined) {
        view.draw(renderLive(frame()));
        view.release();
      } else io.out(renderPlain(frame()));
      record.endedAt = Date.now();
      doneS += trialSeconds(run, exp.durationS);
      const failed = env.signal.aborted ? [] : vms.filter((v) => v.entry.exitCode !== 0);
      for (const v of failed) reportFailure(io, exp.name, trial, v);
      record.failed = failed.length > 0;
      failedVms += failed.length;
      writeManifest(runDir, manifest);
      observer?.trialEnded(trialIndex);
      if (failed.length > 0 && run.onFailure === "stop") break outer;
    }
  }

  manifest.status = env.signal.aborted ? "interrupted" : failedVms > 0 ? "failed" : "completed";
  manifest.finishedAt = new Date().toISOString();
  writeManifest(runDir, manifest);
  if (run.runDir === undefined) pointLatest(runDir);
  if (env.signal.aborted) io.out(`run interrupted; every VM was stopped; logs so far in ${runDir}`);

  const report = await inspectPaths([runDir]);
  if (env.summary ?? true) {
    io.out("");
    io.out(renderText(report, makeStyle(env.tty?.colour ?? false)));
  }
  manifest.checksPassed = report.ok;
  writeManifest(runDir, manifest);
  let html: string | undefined;
  if (run.html) {
    const { renderCharts, writeHtml } = await loadReport();
    html = writeHtml(join(runDir, "report.html"), report, await renderCharts(report));
    io.out(`report: ${html}`);
  }
  observer?.runEnded(manifest.status, html);
  io.out(`logs: ${runDir}${run.runDir === undefined ? ` (also ${latestLink(run.logDir)})` : ""}`);
  const code = env.signal.aborted ? 130 : failedVms > 0 || !report.ok ? 1 : 0;
  return { code, runDir, manifest };
}

function reportFailure(io: CliIo, experiment: string, trial: number, v: RunningVm): void {
  const how =
    v.entry.signal !== null ? `was killed by ${v.entry.signal}` : `exited with code ${v.entry.exitCode}`;
  io.err(`clocklab: vm ${v.entry.vm} of ${experiment} trial ${trial} ${how}`);
  for (const line of v.stderr.slice(-5)) io.err(`  | ${line}`);
  v.entry.stderrTail = [...v.stderr];
}

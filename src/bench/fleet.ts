import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspectPaths } from "../analysis/inspect.js";
import { moduleEntry } from "../base/entry.js";
import { freePortBlock } from "../run/ports.js";

const CLI = moduleEntry("../cli/index.js", import.meta.url);

/** What one trial of N VM processes (full mesh, one OS process each) measured. */
export interface FleetResult {
  vms: number;
  rate: number;
  durationS: number;
  /** Tick lateness over every tick of every VM (ms). */
  latenessP99Ms: number;
  latenessMaxMs: number;
  latenessMeanMs: number;
  early: number;
  /** Peak resident memory per VM process (MB): mean and largest. */
  rssMeanMb: number;
  rssMaxMb: number;
  /** Proportional set size per VM at stop (shared pages divided among the VMs), mean; NaN off Linux. */
  pssMeanMb: number;
  /** CPU time per VM over its life, as % of one core over the trial's duration (mean). */
  cpuPercentPerVm: number;
  /** Messages given up on by their receivers (`gap` records); every other one is accounted for when checks pass. */
  lost: number;
  messages: number;
  checksPassed: boolean;
  /** Each failed check with its first violation. */
  failedChecks: string[];
}

/**
 * Runs one trial of `vms` VM processes at `rate` ticks/s with `clocklab run` (the real thing:
 * processes, sockets, logs), then reads the figures from `inspect`'s analysis of its logs.
 */
export async function runFleet(
  vms: number,
  rate: number,
  durationS: number,
  transport = "zmq",
): Promise<FleetResult> {
  const dir = mkdtempSync(join(tmpdir(), "clocklab-bench-"));
  try {
    const basePort = await freePortBlock(vms);
    // Spawning N node processes on a small machine takes a while: give them time to be up.
    const startDelay = 2000 + vms * 300;
    // The standard mix at any size: 7 draws in 10 internal, the rest spread over the peers.
    const eventRange = Math.max(10, Math.ceil(vms / 0.3));
    const args = [
      ...CLI.execArgv,
      CLI.path,
      "run",
      "--rates",
      Array.from({ length: vms }, () => rate).join(","),
      "--trials",
      "1",
      "--duration",
      String(durationS),
      "--base-port",
      String(basePort),
      "--log-dir",
      dir,
      "--start-delay",
      String(startDelay),
      "--event-range",
      String(eventRange),
      "--transport",
      transport,
      "--no-html",
    ];
    let output = "";
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
      const keep = (d: Buffer) => (output = (output + d.toString()).slice(-2000));
      child.stdout?.on("data", keep);
      child.stderr?.on("data", keep);
      child.once("exit", resolve);
    });
    if (!existsSync(join(dir, "latest"))) {
      throw new Error(
        `bench: clocklab run of ${vms} VMs failed (exit ${code}): ${output.trim().split("\n").at(-1)}`,
      );
    }
    const runDir = join(dir, readlinkSync(join(dir, "latest")));
    const report = await inspectPaths([runDir]);
    const trial = report.trials[0];
    if (trial === undefined) throw new Error(`bench: the run of ${vms} VMs left no trial (exit ${code})`);
    const stats = trial.vms;
    const rss = stats.map((v) => (v.usage?.maxRssKb ?? Number.NaN) / 1024);
    const pss = stats.map((v) => (v.usage?.pssKb ?? Number.NaN) / 1024);
    const cpu = stats.map(
      (v) => ((v.usage?.cpuUserMs ?? 0) + (v.usage?.cpuSystemMs ?? 0)) / (durationS * 1000),
    );
    return {
      vms,
      rate,
      durationS,
      latenessP99Ms: trial.all.latenessMs.p99,
      latenessMaxMs: trial.all.latenessMs.max,
      latenessMeanMs: trial.all.latenessMs.mean,
      early: stats.reduce((s, v) => s + v.early, 0),
      rssMeanMb: rss.reduce((s, x) => s + x, 0) / rss.length,
      rssMaxMb: Math.max(...rss),
      pssMeanMb: pss.reduce((s, x) => s + x, 0) / pss.length,
      cpuPercentPerVm: (100 * cpu.reduce((s, x) => s + x, 0)) / cpu.length,
      lost: stats.reduce((s, v) => s + v.gapped, 0) + trial.lostWithCrashes,
      messages: stats.reduce((s, v) => s + v.events.receive, 0),
      checksPassed: report.ok && code === 0,
      failedChecks: trial.checks
        .filter((c) => !c.ok)
        .map((c) => `${c.name}: ${c.violations[0]?.message ?? ""}`),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

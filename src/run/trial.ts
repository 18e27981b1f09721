import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createRng, deriveSeed } from "../base/rng.js";
import type { VmConfig } from "../host/runtime.js";
import { logFileName } from "../log/paths.js";
import { chooseRate } from "../vm/rate.js";
import { ticksFor } from "../vm/scheduler.js";
import { type ExperimentConfig, type RunConfig, rateSpecOf } from "./config.js";
import type { TrialEntry, VmEntry } from "./manifest.js";
import { faultSpecFrom, toVmArgs } from "./vm-args.js";

/** How to start `clocklab` again as a child: this node, these loader flags, this entry script. */
export interface CliEntry {
  node: string;
  args: string[];
}

/** The running CLI itself (also under tsx), so children run exactly the same code. */
export function selfEntry(): CliEntry {
  return { node: process.execPath, args: [...process.execArgv, process.argv[1] ?? "dist/cli/index.js"] };
}

/**
 * Where each VM of a run lives when not all on `run.host`: its address, and the command that
 * starts a program there (`ip netns exec NS`), which execs it so the pid is the VM's.
 */
export interface Placement {
  address(id: string): string;
  prefix(id: string): string[];
}

/** One VM process of a trial while it runs. */
export interface RunningVm {
  entry: VmEntry;
  planned: number;
  child: ChildProcess;
  stderr: string[];
  exited: Promise<void>;
}

const STDERR_LINES = 20;

/**
 * Starts the VM processes of one trial on one shared start time. Their rates are computed with
 * the VMs' own seeded draw, so the log names are known before the first line is written.
 */
export function spawnTrial(
  run: RunConfig,
  exp: ExperimentConfig,
  trial: number,
  dir: string,
  entry: CliEntry,
  now: number,
  curveDir?: string,
  placement?: Placement,
): { record: TrialEntry; vms: RunningVm[] } {
  const ports = Array.from({ length: exp.vms }, (_, i) => run.basePort + i);
  const startAt = Math.ceil(now + run.startDelayMs);
  // Checked when the run was configured.
  const faults = faultSpecFrom(run.faults);
  const hostOf = (id: string): string => placement?.address(id) ?? run.host;
  const vms = ports.map((port, i): RunningVm => {
    const id = String(port);
    const spec = rateSpecOf(exp, i);
    const rate = chooseRate(spec, createRng(deriveSeed(run.seed, id, trial)));
    const config: VmConfig = {
      self: { id, host: hostOf(id), port },
      peers: ports
        .filter((p) => p !== port)
        .map((p) => ({ id: String(p), host: hostOf(String(p)), port: p })),
      trial,
      durationS: exp.durationS,
      rate: spec,
      seed: run.seed,
      eventRange: exp.eventRange,
      startAt,
      logDir: dir,
      transport: run.transport,
      gapTimeoutMs: run.gapTimeoutMs,
      drainMs: run.drainMs,
      faults,
      curveDir,
      ioThread: run.ioThread === true,
    };
    // Always --force: the run checked the bounds of all its VMs before starting any (or was
    // forced past them), so each VM need not check its own share again.
    const args = [...entry.args, ...toVmArgs(config, { quiet: true, force: true })];
    const [program, ...before] = [...(placement?.prefix(id) ?? []), entry.node];
    // Own process group per VM: a Ctrl-C reaches the orchestrator, which stops each VM itself.
    const child = spawn(program as string, [...before, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    });
    const stderr: string[] = [];
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      stderr.push(...chunk.split("\n").filter((l) => l !== ""));
      if (stderr.length > STDERR_LINES) stderr.splice(0, stderr.length - STDERR_LINES);
    });
    const vmEntry: VmEntry = {
      vm: id,
      port,
      rate,
      seed: run.seed,
      pid: child.pid,
      log: logFileName(dir, trial, id, rate),
      exitCode: null,
      signal: null,
    };
    const exited = new Promise<void>((resolve) => {
      child.once("error", (err) => {
        stderr.push(`cannot start: ${err.message}`);
        vmEntry.exitCode = 127;
        resolve();
      });
      child.once("exit", (code, signal) => {
        vmEntry.exitCode = code;
        vmEntry.signal = signal;
        resolve();
      });
    });
    return { entry: vmEntry, planned: ticksFor(rate, exp.durationS), child, stderr, exited };
  });
  const record: TrialEntry = {
    experiment: exp.name,
    trial,
    startAt,
    spawnedAt: now,
    vms: vms.map((v) => v.entry),
    failed: false,
  };
  return { record, vms };
}

/** Asks every VM still running to stop (SIGTERM: each writes its stop record), then insists. */
export async function stopAll(vms: RunningVm[], graceMs = 5000): Promise<void> {
  for (const v of vms) if (v.entry.exitCode === null && v.entry.signal === null) v.child.kill("SIGTERM");
  const timer = setTimeout(() => {
    for (const v of vms) if (v.entry.exitCode === null && v.entry.signal === null) v.child.kill("SIGKILL");
  }, graceMs);
  await Promise.all(vms.map((v) => v.exited));
  clearTimeout(timer);
}

/** The folder of an experiment inside the run folder. */
export function experimentDir(runDir: string, exp: ExperimentConfig): string {
  return join(runDir, exp.name);
}

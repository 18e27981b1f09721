import { type Command, Option } from "commander";
import { UsageError } from "../base/errors.js";
import type { CliIo } from "../base/io.js";
import { MAX_REAL_RATE, planOf } from "../run/bounds.js";
import {
  type ExperimentConfig,
  type Overrides,
  PRESETS,
  RUN_DEFAULTS,
  type RunConfig,
  resolveExperiments,
} from "../run/config.js";
import { DEFAULT_DRAIN_MS } from "../vm/lifecycle.js";
import { checkBounds, RUN_FLAGS } from "./bounds.js";
import { addFaultOptions, type FaultFlags, faultSpecFrom } from "./fault-options.js";
import { SEED_HELP } from "./help.js";
import { wantColour } from "./inspect.js";
import { addNetnsOptions, type NetnsOptions, netnsConfig } from "./netns-options.js";
import {
  checkSomeTick,
  commaList,
  host,
  integer,
  MAX_WAIT_MS,
  milliseconds,
  nonEmpty,
  positive,
  slowestRate,
} from "./parse.js";
import { curveFor } from "./vm.js";

/**
 * The experiment flags `run`, `compare` and `sim` share (presets and their overrides, seed,
 * ports, timing, faults) and how they become a run's configuration, checked before anything
 * starts.
 */
export interface RunOptions extends FaultFlags, PresetFlags, NetnsOptions {
  seed?: number;
  transport: string;
  logDir: string;
  basePort: number;
  host: string;
  onFailure: "continue" | "stop";
  ioThread?: boolean;
  startDelay: number;
  drain: number;
  gapTimeout: number;
  html: boolean;
  color: boolean;
  /** `--curve` alone: true (keys made in the run folder); with a folder: that folder. */
  curve?: string | true;
  force: boolean;
}

/** Parses `--rates 1,3,6`. */
const rateList = commaList({
  item: positive(0),
  what: "two or more rates > 0",
  each: "a rate > 0",
  example: "1,3,6",
  min: 2,
});

function curveOption(flag: string | true | undefined, transport: string): Pick<RunConfig, "curve"> {
  const curve = curveFor(flag, transport);
  if (curve === undefined) return {};
  return { curve: curve === true ? {} : { dir: curve } };
}

/** Checks the fault flags here, once, before any VM is started with them. */
function validFaults(opts: FaultFlags): FaultFlags {
  faultSpecFrom(opts);
  const { latency, loss, duplicate, partition } = opts;
  return { latency, loss, duplicate, partition };
}

/** Turns flags into a run configuration; throws UsageError naming the flag. */
export function runConfigFromOptions(opts: RunOptions, drawSeed: () => number): RunConfig {
  const experiments = checkedExperiments(opts, opts.basePort);
  return {
    experiments,
    label: opts.experiment,
    seed: opts.seed ?? drawSeed(),
    basePort: opts.basePort,
    host: opts.host,
    transport: opts.transport,
    logDir: opts.logDir,
    startDelayMs: opts.startDelay,
    drainMs: opts.drain,
    gapTimeoutMs: opts.gapTimeout,
    onFailure: opts.onFailure,
    ioThread: opts.ioThread === true,
    html: opts.html,
    force: opts.force,
    faults: validFaults(opts),
    ...curveOption(opts.curve, opts.transport),
    ...netnsConfig(opts, experiments, opts.basePort),
  };
}

/**
 * The experiments the preset and flags describe, checked as `run` and `sim` both need: every VM
 * ticks at least once, and every VM id (a port, from `basePort` on) is a port.
 */
export function checkedExperiments(opts: PresetFlags, basePort: number): ExperimentConfig[] {
  const experiments = resolveExperiments(opts.experiment, presetOverrides(opts));
  for (const e of experiments) checkSomeTick(e.durationS, ...slowestOf(e));
  const most = Math.max(...experiments.map((e) => e.vms));
  if (basePort + most - 1 > 65535) {
    throw new UsageError(`--base-port: ${basePort} leaves too few ports below 65536 for ${most} VMs`);
  }
  return experiments;
}

/** The slowest rate a VM of `e` can get, and the flags it comes from (for messages). */
function slowestOf(e: ExperimentConfig): [number, string] {
  return e.rates === undefined
    ? slowestRate(e.rateMin, `--rate-min ${e.rateMin} of ${e.name}`, e.multiplier)
    : slowestRate(Math.min(...e.rates), `--rates ${e.rates.join(",")}`, e.multiplier);
}

/**
 * Help text for a flag the preset decides unless given: "(from the preset: 3)", or each preset's
 * value where they differ.
 */
function fromPreset(key: keyof Omit<ExperimentConfig, "name" | "rates">): string {
  const values = Object.entries(PRESETS).map(([name, p]) => [name, String(p[key])] as const);
  const same = values.every(([, v]) => v === values[0]?.[1]);
  const shown = same ? (values[0]?.[1] ?? "") : values.map(([name, v]) => `${v} in ${name}`).join(", ");
  return `(from the preset: ${shown})`;
}

/** The preset and the flags that override it: what `run`, `compare` and `sim` all take. */
export function addPresetOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--experiment <name>", "preset to run")
        .choices(["standard", "smaller-variation", "all"])
        .default("standard"),
    )
    .option(
      "--vms <n>",
      `VMs per trial (ports --base-port, +1, ...) ${fromPreset("vms").slice(0, -1)}, or as many as --rates)`,
      integer(2, 1000),
    )
    .option("--trials <n>", `trials per experiment ${fromPreset("trials")}`, integer(1))
    .option("--duration <s>", `seconds per trial ${fromPreset("durationS")}`, positive(0))
    .option("--rate-min <n>", `lowest random rate (ticks/s) ${fromPreset("rateMin")}`, integer(1))
    .option("--rate-max <n>", `highest random rate (ticks/s) ${fromPreset("rateMax")}`, integer(1))
    .option("--rates <list>", "fixed rate per VM instead of random ones, e.g. 1,3,6 (sets --vms)", rateList)
    .option(
      "--event-range <r>",
      `draws 1..r: 1..P send to one peer, P+1 to all, the rest internal ${fromPreset("eventRange")}`,
      integer(1),
    )
    .option("--multiplier <m>", `multiply every rate ${fromPreset("multiplier")}`, positive(0));
}

/** The preset overrides among parsed flags, for resolveExperiments. */
function presetOverrides(opts: PresetFlags): Overrides {
  return {
    vms: opts.vms,
    trials: opts.trials,
    durationS: opts.duration,
    rateMin: opts.rateMin,
    rateMax: opts.rateMax,
    rates: opts.rates,
    eventRange: opts.eventRange,
    multiplier: opts.multiplier,
  };
}

/** The flags addPresetOptions defines, as commander parses them. */
export interface PresetFlags {
  experiment: string;
  vms?: number;
  trials?: number;
  duration?: number;
  rateMin?: number;
  rateMax?: number;
  rates?: number[];
  eventRange?: number;
  multiplier?: number;
}

/**
 * The experiment flags `run` and `compare` share: presets, sizes, rates, seed, ports, timing,
 * faults. Everything but the choice of transport.
 */
export function addExperimentOptions(command: Command): Command {
  addPresetOptions(command)
    .option("--seed <n>", SEED_HELP, integer(0))
    .option("--log-dir <dir>", "where run folders go", nonEmpty("a folder"), RUN_DEFAULTS.logDir)
    .option("--base-port <port>", "port of the first VM", integer(1, 65535), RUN_DEFAULTS.basePort)
    .option("--host <host>", "address the VMs listen on (IP or name)", host, RUN_DEFAULTS.host)
    .option(
      "--io-thread",
      "each VM does its network I/O in a thread of its own, so that refusing a flood of bad frames does not take the ticks' time (costs each VM about 12 MB, some CPU and 1 ms of message latency)",
    )
    .addOption(
      new Option("--on-failure <what>", "when a VM dies mid-trial")
        .choices(["continue", "stop"])
        .default("continue"),
    )
    .option(
      "--start-delay <ms>",
      "time from spawning a trial's VMs to their shared first tick",
      milliseconds(MAX_WAIT_MS),
      RUN_DEFAULTS.startDelayMs,
    )
    .option(
      "--drain <ms>",
      "how long VMs keep receiving after their last tick",
      milliseconds(MAX_WAIT_MS),
      DEFAULT_DRAIN_MS,
    )
    .option(
      "--gap-timeout <ms>",
      "wait for a missing seq before logging a gap",
      milliseconds(MAX_WAIT_MS),
      RUN_DEFAULTS.gapTimeoutMs,
    )
    .option("--html", "write report.html into the run folder at the end (the default)", true)
    .option("--no-html", "do not write report.html")
    .option("--no-color", "no colour, even on a terminal")
    .option(
      "--force",
      `go past the bounds (${MAX_REAL_RATE} ticks/s per VM, ticks per trial, records per run, free disk)`,
      false,
    );
  return addNetnsOptions(addFaultOptions(command));
}

/**
 * Says before anything starts whether the run is feasible: rates a VM can keep, ticks per VM,
 * records, free disk (`copies` runs of it: compare's transports). Throws naming the flag.
 */
export function checkRunBounds(config: RunConfig, io: CliIo, copies = 1): void {
  checkBounds(config.experiments.map(planOf), {
    maxRate: MAX_REAL_RATE,
    copies,
    copiesOf: "transports",
    force: config.force ?? false,
    logDir: config.logDir,
    flags: RUN_FLAGS,
    note: io.err,
  });
}

/** The terminal to draw a live view on, when stdout is one. */
export function liveTerminal(colour: boolean): { write(s: string): void; colour: boolean } | undefined {
  return process.stdout.isTTY
    ? {
        write: (s: string) => process.stdout.write(s),
        colour: colour && wantColour(process.stdout, process.env),
      }
    : undefined;
}

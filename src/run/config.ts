import { UsageError } from "../base/errors.js";
import type { LatencyModel } from "../transport/faults.js";
import type { RateSpec } from "../vm/rate.js";
import { DEFAULT_GAP_TIMEOUT_MS } from "../wire/reorder.js";
import type { FaultFlags } from "./vm-args.js";

/** One experiment of a run: what every trial of it does. */
export interface ExperimentConfig {
  name: string;
  vms: number;
  trials: number;
  durationS: number;
  rateMin: number;
  rateMax: number;
  /** Fixed base rate per VM (ticks/s), or undefined for random rates. */
  rates: number[] | undefined;
  eventRange: number;
  multiplier: number;
}

/** The rate spec of VM number `i` (0-based) of an experiment, as the `vm` command takes it. */
export function rateSpecOf(exp: ExperimentConfig, i: number): RateSpec {
  return { fixed: exp.rates?.[i], min: exp.rateMin, max: exp.rateMax, multiplier: exp.multiplier };
}

/** A whole run: its experiments and what they share. */
export interface RunConfig {
  experiments: ExperimentConfig[];
  /** Name of the run folder's suffix: the experiment, or "all". */
  label: string;
  seed: number;
  basePort: number;
  host: string;
  transport: string;
  logDir: string;
  /** Milliseconds between spawning a trial's VMs and their shared first tick. */
  startDelayMs: number;
  drainMs: number;
  gapTimeoutMs: number;
  onFailure: "continue" | "stop";
  html: boolean;
  /** Go past the bounds (src/run/bounds.ts); passed on to every VM. @default false */
  force?: boolean;
  /** Write into exactly this folder (compare does) instead of a new `<timestamp>-<label>`. */
  runDir?: string;
  /** Fault flags passed on to every VM, as given (validated when the run is configured). */
  faults: FaultFlags;
  /** CURVE keys for every VM: from `dir`, or (no dir) made for this run in `<run folder>/keys`. */
  curve?: { dir?: string };
}

type Preset = Omit<ExperimentConfig, "name">;

/** The two classic experiments (SPEC section 5). */
export const PRESETS: Readonly<Record<string, Preset>> = {
  standard: {
    vms: 3,
    trials: 5,
    durationS: 60,
    rateMin: 1,
    rateMax: 6,
    rates: undefined,
    eventRange: 10,
    multiplier: 1,
  },
  "smaller-variation": {
    vms: 3,
    trials: 5,
    durationS: 60,
    rateMin: 4,
    rateMax: 6,
    rates: undefined,
    eventRange: 5,
    multiplier: 1,
  },
};

/** Flag values given on the command line; undefined where the preset decides. */
export type Overrides = Partial<Preset>;

/**
 * The experiments of `--experiment NAME` (`all` for every preset), with the flags the user
 * gave laid over each preset. Throws a UsageError naming the flag when the result cannot run.
 */
export function resolveExperiments(name: string, overrides: Overrides): ExperimentConfig[] {
  const names = name === "all" ? Object.keys(PRESETS) : [name];
  return names.map((n) => {
    const preset = PRESETS[n];
    if (preset === undefined) {
      throw new UsageError(
        `--experiment: expected one of ${[...Object.keys(PRESETS), "all"].join(", ")}, got "${name}"`,
      );
    }
    const defined = Object.fromEntries(
      Object.entries(overrides).filter(([, v]) => v !== undefined),
    ) as Overrides;
    const config: ExperimentConfig = { name: n, ...preset, ...defined };
    if (overrides.rates !== undefined && overrides.vms === undefined) config.vms = overrides.rates.length;
    check(config);
    return config;
  });
}

function check(c: ExperimentConfig): void {
  if (c.rates !== undefined && c.rates.length !== c.vms) {
    throw new UsageError(
      `--rates: expected ${c.vms} rates (one per VM, --vms ${c.vms}), got ${c.rates.length}`,
    );
  }
  if (c.rateMin > c.rateMax) {
    throw new UsageError(`--rate-min/--rate-max: expected min <= max, got ${c.rateMin} and ${c.rateMax}`);
  }
  if (c.eventRange < c.vms) {
    throw new UsageError(
      `--event-range: expected an integer >= ${c.vms} (peers + 1) for ${c.vms} VMs in ${c.name}, got ${c.eventRange}`,
    );
  }
}

export const RUN_DEFAULTS = {
  basePort: 5001,
  host: "127.0.0.1",
  logDir: "logs",
  startDelayMs: 1500,
  gapTimeoutMs: DEFAULT_GAP_TIMEOUT_MS,
  onFailure: "continue" as const,
};

/** A simulated run (`clocklab sim`): the experiments of `run`, in virtual time. */
export interface SimConfig {
  experiments: ExperimentConfig[];
  seed: number;
  basePort: number;
  latency: LatencyModel;
  /** Folder to write logs and run.json into, or undefined to keep only statistics. */
  runDir: string | undefined;
}

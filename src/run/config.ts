import { UsageError } from "../base/errors.js";
import { DEFAULT_HOST } from "../transport/address.js";
import type { LatencyModel } from "../transport/faults.js";
import { checkEventRange } from "../vm/events.js";
import type { RateSpec } from "../vm/rate.js";
import { DEFAULT_GAP_TIMEOUT_MS } from "../wire/reorder.js";
import type { NetConditions } from "./netns/spec.js";
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
  /** Every VM runs its transport in a thread of its own (`--io-thread`; host/io-thread.ts). @default false */
  ioThread?: boolean;
  html: boolean;
  /** Go past the bounds (src/run/bounds.ts); passed on to every VM. @default false */
  force?: boolean;
  /** Write into exactly this folder (compare does) instead of a new `<timestamp>-<label>`. */
  runDir?: string;
  /** Fault flags passed on to every VM, as given (validated when the run is configured). */
  faults: FaultFlags;
  /** CURVE keys for every VM: from `dir`, or (no dir) made for this run in `<run folder>/keys`. */
  curve?: { dir?: string };
  /** Each VM in a network namespace of its own, with these kernel-level conditions (`--netns`). */
  netns?: NetConditions;
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
 * gave laid over each preset. Throws a UsageError naming the field when the result cannot run.
 */
export function resolveExperiments(name: string, overrides: Overrides): ExperimentConfig[] {
  const names = name === "all" ? Object.keys(PRESETS) : [name];
  return names.map((n) => {
    const preset = PRESETS[n];
    if (preset === undefined) {
      throw new UsageError({
        field: "experiment",
        detail: `expected one of ${[...Object.keys(PRESETS), "all"].join(", ")}, got "${name}"`,
      });
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
    const given = c.rates.length;
    throw new UsageError({
      field: "rates",
      detail: (name) => `expected ${c.vms} rates (one per VM, ${name("vms")} ${c.vms}), got ${given}`,
    });
  }
  if (c.rateMin > c.rateMax) {
    throw new UsageError({
      field: ["rateMin", "rateMax"],
      detail: `expected min <= max, got ${c.rateMin} and ${c.rateMax}`,
    });
  }
  // Every VM of the experiment has the others as its peers.
  checkEventRange(c.eventRange, c.vms - 1, `${c.vms} VMs in ${c.name}`);
}

export const RUN_DEFAULTS = {
  basePort: 5001,
  host: DEFAULT_HOST,
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

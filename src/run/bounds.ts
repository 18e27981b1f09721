import { UsageError } from "../base/errors.js";
import { ticksFor } from "../vm/scheduler.js";

/**
 * What is feasible, said before anything starts: caps on the tick rate a VM can keep, on ticks
 * per VM in a trial and on records per run, and estimates of the disk and memory a run needs.
 * Pure functions over a plan; errors name fields (`durationS`, `rateMax`, ...), which cli/ turns
 * into flags. Every cap can be passed on purpose (`force`).
 */

/**
 * Highest tick rate a real VM is allowed (ticks/s, after the multiplier). Every tick is at least
 * one event-loop turn and one write call (10-20 us here); the bench keeps tick lateness p99
 * within 2 ms at 1,000/s with 3 VMs, and a lone VM kept 20,000/s on time in the median. 5,000/s
 * leaves each tick 200 us, room for several VMs per core and their messages.
 */
export const MAX_REAL_RATE = 5_000;

/**
 * Highest tick rate in virtual time. Virtual instants are floats of ms since 1970, about
 * 0.24 us apart near today; at 100,000/s ticks are 10 us apart, 40 such steps, so deadlines stay
 * distinct and in order. No wall clock to keep up with, so it may be far above MAX_REAL_RATE.
 */
export const MAX_SIM_RATE = 100_000;

/** Ticks one VM may be asked for in one trial: ~2 GB of log at the biggest records. */
export const MAX_TICKS_PER_VM = 10_000_000;

/** Records one run may write, over every VM, trial and experiment: ~9 GB of logs at 3 VMs. */
export const MAX_RECORDS_PER_RUN = 50_000_000;

/**
 * Bytes of one log record, an upper estimate: measured 165 B at 3 VMs and 249 B at 8 (sim,
 * 60 s), 176 B and 224 B in real runs, 124 B for a lone VM; the vector clock grows with the VMs.
 */
export function bytesPerRecord(vms: number): number {
  return 130 + 16 * vms;
}

/** Heap bytes one record takes when a trial is kept in memory (measured 250-290 B). */
const MEMORY_BYTES_PER_RECORD = 320;

/** Logs above this size are announced before the run starts. */
export const LARGE_LOG_BYTES = 100 * 2 ** 20;

/**
 * A refused plan: `field` names the input at fault, `detail` says the estimate and the cap, and
 * `hint` what would go past it (field `force`), told as "(use force to go past it)".
 */
export class BoundError extends UsageError {
  constructor(
    readonly field: string,
    readonly detail: string,
    readonly hint?: { field: string; to: string },
  ) {
    super({ field, detail, hint });
  }
}

/** One experiment as the bounds see it: the fastest each VM may tick (ticks/s). */
export interface PlannedExperiment {
  trials: number;
  durationS: number;
  /** Per VM, its highest possible rate after the multiplier. */
  rates: number[];
  /** Which input set the rates: a fixed rate per VM, or the top of the random range. */
  fixed: boolean;
  multiplier: number;
  /** VMs on the mesh, which sizes each record's vector clock. @default rates.length */
  mesh?: number;
}

/** The experiment fields the bounds read (ExperimentConfig has them all). */
export interface ExperimentLike {
  vms: number;
  trials: number;
  durationS: number;
  rateMax: number;
  rates: number[] | undefined;
  multiplier: number;
}

/** The worst case of an experiment: every random rate at the top of its range. */
export function planOf(exp: ExperimentLike): PlannedExperiment {
  const base = Array.from({ length: exp.vms }, (_, i) => exp.rates?.[i] ?? exp.rateMax);
  return {
    trials: exp.trials,
    durationS: exp.durationS,
    rates: base.map((r) => r * exp.multiplier),
    fixed: exp.rates !== undefined,
    multiplier: exp.multiplier,
  };
}

/** What a run will produce at most. */
export interface Estimate {
  /** Most ticks of any one VM in one trial. */
  ticksPerVm: number;
  /** Every record of the run: ticks plus each VM's start and stop. */
  records: number;
  /** Most records of one trial (all its VMs), which `--no-logs` keeps in memory at once. */
  recordsPerTrial: number;
  /** Log bytes of the whole run. */
  bytes: number;
}

/** Sums a plan's records and bytes; `copies` runs it several times (compare's transports). */
export function estimate(plan: readonly PlannedExperiment[], copies = 1): Estimate {
  let ticksPerVm = 0;
  let records = 0;
  let recordsPerTrial = 0;
  let bytes = 0;
  for (const exp of plan) {
    const ticks = exp.rates.map((r) => ticksFor(r, exp.durationS));
    const trial = ticks.reduce((s, t) => s + t + 2, 0);
    ticksPerVm = Math.max(ticksPerVm, ...ticks);
    recordsPerTrial = Math.max(recordsPerTrial, trial);
    records += trial * exp.trials * copies;
    bytes += trial * exp.trials * copies * bytesPerRecord(exp.mesh ?? exp.rates.length);
  }
  return { ticksPerVm, records, recordsPerTrial, bytes };
}

/** Every cap can be passed on purpose: the field `force` (cli/ tells it as its flag). */
const GO_PAST = { field: "force", to: "go past it" };

/**
 * Checks rates, ticks per VM and records per run against the caps; throws a BoundError naming
 * the field to change. `maxRate` is MAX_REAL_RATE for processes, MAX_SIM_RATE in virtual time.
 */
export function checkPlan(
  plan: readonly PlannedExperiment[],
  limits: { maxRate: number; copies?: number; copiesOf?: string; force?: boolean },
): Estimate {
  const est = estimate(plan, limits.copies);
  if (limits.force) return est;
  for (const exp of plan) {
    const fastest = Math.max(...exp.rates);
    if (fastest > limits.maxRate) {
      const field = exp.multiplier !== 1 ? "multiplier" : exp.fixed ? "rates" : "rateMax";
      const how =
        exp.multiplier !== 1
          ? `${count(fastest / exp.multiplier)} ticks/s x ${count(exp.multiplier)} = ${count(fastest)} ticks/s`
          : `${count(fastest)} ticks/s`;
      throw new BoundError(field, `${how}, more than a VM can tick (${count(limits.maxRate)}/s)`, GO_PAST);
    }
    const ticks = ticksFor(fastest, exp.durationS);
    if (ticks > MAX_TICKS_PER_VM) {
      throw new BoundError(
        "durationS",
        `${count(exp.durationS)} s at ${count(fastest)} ticks/s is ${count(ticks)} ticks per VM, more than ${count(MAX_TICKS_PER_VM)}`,
        GO_PAST,
      );
    }
  }
  if (est.records > MAX_RECORDS_PER_RUN) {
    throw new BoundError(
      "trials",
      `${describePlan(plan, limits.copies ?? 1, limits.copiesOf ?? "copies")} make ${count(est.records)} records, more than ${count(MAX_RECORDS_PER_RUN)} in a run`,
      GO_PAST,
    );
  }
  return est;
}

function describePlan(plan: readonly PlannedExperiment[], copies: number, copiesOf: string): string {
  const parts = plan.map(
    (e) =>
      `${count(e.trials)} trials x ${e.rates.length} VMs x up to ${count(ticksFor(Math.max(...e.rates), e.durationS))} ticks`,
  );
  return `${parts.join(" + ")}${copies > 1 ? ` in each of ${count(copies)} ${copiesOf}` : ""}`;
}

/** Refuses logs that would not fit in `freeBytes` (the log folder's free space). */
export function checkDisk(bytes: number, freeBytes: number, force = false): void {
  if (force || bytes <= freeBytes) return;
  throw new BoundError(
    "logDir",
    `logs of up to ${formatBytes(bytes)} do not fit in the ${formatBytes(freeBytes)} free there`,
    GO_PAST,
  );
}

/**
 * Refuses a trial kept in memory (`--no-logs`, sweep cells) that would not fit in half the heap
 * (the rest is for the analysis of it).
 */
export function checkMemory(recordsPerTrial: number, heapLimitBytes: number, force = false): void {
  const need = recordsPerTrial * MEMORY_BYTES_PER_RECORD;
  if (force || need <= heapLimitBytes / 2) return;
  throw new BoundError(
    "memory",
    `a trial of ${count(recordsPerTrial)} records kept in memory needs about ${formatBytes(need)}, more than the ${formatBytes(heapLimitBytes / 2)} it may use`,
    GO_PAST,
  );
}

/** A count with thousands separators, or a power of ten when it has too many digits to read. */
export function count(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1e15) return `about 10^${Math.floor(Math.log10(Math.abs(n)))}`;
  return n.toLocaleString("en-US", { maximumFractionDigits: 3 });
}

/** Bytes as B, KB, MB, GB or TB (powers of 1024), one decimal above KB. */
export function formatBytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (value >= 1024) return `${count(value)} TB`;
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Seconds as m:ss, h:mm:ss, or days: always short and without exponents, however long the run
 * (`--force --duration 1e300` shows "more than 1,000,000 days").
 */
export function formatDuration(seconds: number): string {
  const t = Math.max(0, Math.round(Number.isFinite(seconds) ? seconds : Number.MAX_VALUE));
  const p = (n: number) => String(n).padStart(2, "0");
  if (t < 3600) return `${Math.floor(t / 60)}:${p(t % 60)}`;
  if (t < 100 * 3600) return `${Math.floor(t / 3600)}:${p(Math.floor(t / 60) % 60)}:${p(t % 60)}`;
  const days = t / 86400;
  return days > 1e6 ? "more than 1,000,000 days" : `${count(Math.round(days))} days`;
}

import { statfsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { getHeapStatistics } from "node:v8";
import { SetupError, UsageError } from "../base/errors.js";
import {
  checkDisk,
  checkMemory,
  checkPlan,
  type Estimate,
  formatBytes,
  LARGE_LOG_BYTES,
  type PlannedExperiment,
} from "../run/bounds.js";

/** Flag names of the fields errors below cli/ name (`durationS` -> `--duration`). */
export type FlagNames = Readonly<Record<string, string>>;

/** The fields of a run's bounds, as `run`, `compare` and `sim` spell them. */
export const RUN_FLAGS: FlagNames = {
  rates: "--rates",
  rateMax: "--rate-max",
  multiplier: "--multiplier",
  durationS: "--duration",
  trials: "--trials",
  logDir: "--log-dir",
  memory: "--no-logs",
  host: "--host",
  /** The keys folder `run --curve` writes in the run folder. */
  dir: "--curve",
};

/** Fields every command spells the same way. */
const SHARED_FLAGS: FlagNames = { force: "--force" };

/** What an error below cli/ may say to do about it: "use `field` to `to`" (BoundError, DirError). */
interface Hint {
  field: string;
  to: string;
}

/**
 * An error from below cli/ that names a field (`field`, `detail`, maybe a `hint` naming another:
 * BoundError, DirError, AddressError), told again with the flags' names; any other value comes
 * back as it was.
 */
export function withFlag(err: unknown, flags: FlagNames): unknown {
  if (!(err instanceof UsageError || err instanceof SetupError)) return err;
  const { field, detail, hint } = err as { field?: unknown; detail?: unknown; hint?: Hint };
  if (typeof field !== "string" || typeof detail !== "string") return err;
  const names = { ...SHARED_FLAGS, ...flags };
  const flag = names[field];
  if (flag === undefined) return err;
  const use = hint === undefined ? "" : ` (use ${names[hint.field] ?? hint.field} to ${hint.to})`;
  const message = `${flag}: ${detail}${use}`;
  return err instanceof UsageError
    ? new UsageError(message)
    : new SetupError(message, { cause: err.cause, exitCode: err.exitCode });
}

/** Runs `work`, telling its field errors with flag names. */
export async function flagged<T>(flags: FlagNames, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw withFlag(err, flags);
  }
}

/**
 * Free bytes for an unprivileged writer where `dir` is, or would be made (its nearest parent);
 * infinite where the filesystem has no blocks to count (/proc): writing there fails on its own.
 */
export function freeBytes(dir: string): number {
  for (let path = resolve(dir); ; path = dirname(path)) {
    try {
      const fs = statfsSync(path);
      return fs.blocks === 0 ? Number.POSITIVE_INFINITY : fs.bavail * fs.bsize;
    } catch {
      if (dirname(path) === path) return Number.POSITIVE_INFINITY;
    }
  }
}

export interface BoundsOptions {
  /** Tick rate cap: MAX_REAL_RATE for processes, MAX_SIM_RATE in virtual time. */
  maxRate: number;
  /** The plan runs this many times (compare: once per transport). @default 1 */
  copies?: number;
  /** What the copies are, for the message ("transports", "cells"). */
  copiesOf?: string;
  force: boolean;
  /** Where logs go, to check the free space; absent when nothing is written. */
  logDir?: string;
  /** Trials are kept in memory whole (sim --no-logs, sweep). */
  inMemory?: boolean;
  flags: FlagNames;
  /** Says how big the logs will be when they are large. */
  note?: (line: string) => void;
}

/**
 * The bounds check every command makes before starting anything: caps on rate, ticks and
 * records, the disk (or memory) the run needs. Throws a UsageError naming the flag.
 */
export function checkBounds(plan: readonly PlannedExperiment[], o: BoundsOptions): Estimate {
  try {
    const est = checkPlan(plan, {
      maxRate: o.maxRate,
      copies: o.copies ?? 1,
      ...(o.copiesOf === undefined ? {} : { copiesOf: o.copiesOf }),
      force: o.force,
    });
    if (o.logDir !== undefined) {
      const free = freeBytes(o.logDir);
      checkDisk(est.bytes, free, o.force);
      if (est.bytes >= LARGE_LOG_BYTES) {
        o.note?.(
          `clocklab: logs of up to ${formatBytes(est.bytes)} (${est.records.toLocaleString("en-US")} records); ${formatBytes(free)} free in ${o.logDir}`,
        );
      }
    }
    if (o.inMemory) checkMemory(est.recordsPerTrial, getHeapStatistics().heap_size_limit, o.force);
    return est;
  } catch (err) {
    throw withFlag(err, o.flags);
  }
}

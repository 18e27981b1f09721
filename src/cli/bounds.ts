import { statfsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { getHeapStatistics } from "node:v8";
import {
  checkDisk,
  checkMemory,
  checkPlan,
  type Estimate,
  formatBytes,
  LARGE_LOG_BYTES,
  type PlannedExperiment,
} from "../run/bounds.js";
import { type FlagNames, flagsOf, tellWithFlags } from "./flags.js";

export type { FlagNames };

/** The fields of a run's bounds, as `run`, `compare` and `sim` spell them. */
export const RUN_FLAGS: FlagNames = flagsOf("run");

/** Fields every command spells the same way. */
const SHARED_FLAGS: FlagNames = { force: "--force" };

/**
 * An error from below cli/ that names a field (BoundError, DirError, AddressError, any error with
 * a FieldFault), told again with the flags' names; any other value comes back as it was.
 */
export function withFlag(err: unknown, flags: FlagNames): unknown {
  return tellWithFlags(err, { ...SHARED_FLAGS, ...flags });
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

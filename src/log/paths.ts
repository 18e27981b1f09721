import { join } from "node:path";

/** Formats a rate for a file name: integers as-is, fractions with up to 3 decimals. */
export function formatRate(rate: number): string {
  return Number.isInteger(rate) ? String(rate) : String(Number(rate.toFixed(3)));
}

/** `trial-<n>_vm-<port>_rate-<r>.jsonl` inside `dir`. */
export function logFileName(dir: string, trial: number, vm: string, rate: number): string {
  return join(dir, `trial-${trial}_vm-${vm}_rate-${formatRate(rate)}.jsonl`);
}

/** The link in a log folder that points at its newest run folder. */
export function latestLink(logDir: string): string {
  return join(logDir, "latest");
}

const NAME = /^trial-(\d+)_vm-([^_]+)_rate-([\d.]+)\.jsonl$/;

/** Reads trial, VM id and rate back from a log file name, or undefined if it is not one. */
export function parseLogFileName(name: string): { trial: number; vm: string; rate: number } | undefined {
  const m = NAME.exec(name);
  if (m === null) return undefined;
  return { trial: Number(m[1]), vm: m[2] as string, rate: Number(m[3]) };
}

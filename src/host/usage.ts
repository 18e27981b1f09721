import { readFileSync } from "node:fs";
import type { ProcessUsage } from "../log/schema.js";

/** This process's proportional set size (Linux's smaps_rollup), or undefined elsewhere. */
function proportionalSetKb(): number | undefined {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync("/proc/self/smaps_rollup", "utf8"));
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/** What this process has used so far, for the `stop` record: peak RSS, PSS where known, CPU. */
export function processUsage(): ProcessUsage {
  const used = process.resourceUsage();
  const pssKb = proportionalSetKb();
  return {
    maxRssKb: used.maxRSS,
    ...(pssKb === undefined ? {} : { pssKb }),
    cpuUserMs: Math.round(used.userCPUTime / 1000),
    cpuSystemMs: Math.round(used.systemCPUTime / 1000),
  };
}

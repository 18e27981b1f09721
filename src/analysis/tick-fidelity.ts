import type { Located } from "../log/reader.js";
import type { StartRecord, StopRecord } from "../log/schema.js";
import { dueTime } from "../vm/scheduler.js";
import type { Collector } from "./collector.js";
import type { Incarnation } from "./incarnations.js";

/**
 * A tick due this long (ms) before a VM's stop by a signal may still have been waiting for its
 * timer when the signal came; one due longer ago (and longer than the VM's largest lateness)
 * should have run.
 */
const STOP_GRACE_MS = 100;

/**
 * Checks the ticks of a VM's last run against its plan: every planned tick for a run that ran
 * its duration; for one stopped by a signal, the ticks due before the stop. Returns the ticks
 * due before the stop (undefined for a run that stopped on an error: nothing is judged).
 * `where` is the log's last line, `maxLateMs` the largest lateness of the VM's ticks.
 */
export function checkTickCount(
  ticks: Collector,
  last: Incarnation,
  stop: Located<StopRecord>,
  planned: number,
  maxLateMs: number,
  where: string,
): number | undefined {
  const { start } = last;
  const r = stop.record;
  if (r.reason === "duration") {
    ticks.checked += 1;
    if (last.ticks !== planned) {
      ticks.fail(where, `${last.ticks} ticks, planned floor(${start.rate} x ${start.duration}) = ${planned}`);
    }
    return planned;
  }
  if (r.reason !== "signal") return undefined;
  // Interrupted: judged against the ticks due before the stop, not the plan.
  const due = ticksDueBy(start, planned, r.t);
  const surely = ticksDueBy(start, planned, r.t - Math.max(STOP_GRACE_MS, maxLateMs));
  ticks.checked += 1;
  if (last.ticks > due || last.ticks < surely) {
    const at = ((r.t - start.startAt) / 1000).toFixed(3);
    ticks.fail(
      stop,
      `${last.ticks} ticks, but ${due} were due before the stop by a signal at ${at} s (${planned} planned)`,
    );
  }
  return due;
}

/** How many of ticks 1..planned are due at or before wall time `t` (deadlines as the VM computes them). */
function ticksDueBy(start: Pick<StartRecord, "startAt" | "rate">, planned: number, t: number): number {
  let n = Math.min(planned, Math.max(0, Math.floor(((t - start.startAt) * start.rate) / 1000) + 1));
  while (n < planned && dueTime(start, n + 1) <= t) n += 1;
  while (n > 0 && dueTime(start, n) > t) n -= 1;
  return n;
}

import type { TimeSource } from "./time.js";

/** When a VM ticks: `count` ticks, tick n (1-based) due at `startAt + (n - 1) * 1000 / rate`. */
export interface TickPlan {
  startAt: number;
  rate: number;
  count: number;
}

/**
 * Ticks in a run of `durationS` seconds: floor(rate * duration), the first at `startAt`.
 * A tiny epsilon keeps e.g. 0.1 * 30 = 3.0000000000000004 from turning into an extra tick.
 */
export function ticksFor(rate: number, durationS: number): number {
  return Math.floor(rate * durationS + 1e-9);
}

/** Deadline of tick n, computed from n alone so rounding never accumulates into drift. */
export function dueTime(plan: Pick<TickPlan, "startAt" | "rate">, n: number): number {
  return plan.startAt + ((n - 1) * 1000) / plan.rate;
}

/**
 * Runs `onTick(n, due)` for n = 1..count on absolute deadlines. A late tick does not push the
 * later ones back: the next deadline is still computed from the start, so a VM that fell behind
 * catches up and never drifts. `onDone` runs after the last tick.
 */
export function runTicks(
  time: TimeSource,
  plan: TickPlan,
  onTick: (n: number, due: number) => void,
  onDone: () => void,
): { cancel(): void } {
  let cancel = (): void => {};
  let stopped = false;
  let n = 0;
  let due = 0;
  // One callback for every tick (n and due live outside it): no closure per tick.
  const fire = (): void => {
    if (stopped) return;
    onTick(n, due);
    if (!stopped) schedule();
  };
  const schedule = (): void => {
    n += 1;
    if (n > plan.count) {
      onDone();
      return;
    }
    due = dueTime(plan, n);
    cancel = time.at(due, fire);
  };
  schedule();
  return {
    cancel(): void {
      stopped = true;
      cancel();
    },
  };
}

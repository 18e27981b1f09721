// Delivery latency over the trial: the chart where a stream's stall (a spike, then a burst) and
// a datagram bus's steady latency with gaps look different.
import type { TrialAnalysis } from "../analysis/trial.js";
import { base, type ChartSpec, PAGE_PX, PALETTE } from "./chart-style.js";

/** Points per trial's line at most: one every 4 px of the chart. */
const WIDTH = PAGE_PX - 120;

/** One trial's largest latency per bucket of grid steps (buckets with no message are left out). */
function rowsOf(t: TrialAnalysis, buckets: number): { trial: string; s: number; ms: number }[] {
  const steps = t.latencyOverTime;
  const n = Math.max(1, Math.min(steps.length, buckets));
  const rows: { trial: string; s: number; ms: number }[] = [];
  for (let b = 0; b < n; b++) {
    const from = Math.floor((b * steps.length) / n);
    const to = Math.max(from + 1, Math.floor(((b + 1) * steps.length) / n));
    let ms = Number.NEGATIVE_INFINITY;
    for (let g = from; g < to; g++) ms = Math.max(ms, steps[g] ?? Number.NEGATIVE_INFINITY);
    if (Number.isFinite(ms))
      rows.push({ trial: `trial ${t.trial}`, s: Math.round(from * t.grid.stepMs) / 1000, ms });
  }
  return rows;
}

/** Whether any trial delivered a message (else the chart has nothing to show). */
export function hasLatency(trials: readonly TrialAnalysis[]): boolean {
  return trials.some((t) => t.latencyOverTime.some((x) => x !== null));
}

/**
 * The largest delivery latency of the messages sent at each moment of each trial (a line per
 * trial), on a log scale so a 0.3 ms link and a 200 ms stall are both readable.
 */
export function latencyOverTimeChart(trials: readonly TrialAnalysis[]): ChartSpec {
  const values = trials.flatMap((t) => rowsOf(t, Math.ceil(WIDTH / 4)));
  const names = [...new Set(values.map((v) => v.trial))];
  return base("Delivery latency over time: the largest of the messages sent at each moment, per trial", {
    data: { values },
    width: WIDTH,
    height: 200,
    mark: { type: "line", interpolate: "step-after", point: values.length < 80 },
    encoding: {
      x: { field: "s", type: "quantitative", title: "wall time when sent (s)" },
      y: { field: "ms", type: "quantitative", title: "latency (ms, log scale)", scale: { type: "log" } },
      color: {
        field: "trial",
        type: "nominal",
        scale: { domain: names, range: names.map((_, i) => PALETTE[i % PALETTE.length]) },
        legend: { orient: "top", direction: "horizontal", title: null },
      },
    },
  });
}

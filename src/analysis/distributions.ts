import { concatSeries, round3, type Summary, summarize } from "./series.js";
import type { VmPass } from "./vm-pass.js";

/** Delivery latency and tick lateness (ms) over every VM of a trial. */
export interface OverallDelays {
  latencyMs: Pick<Summary, "count" | "p50" | "p99" | "max">;
  latenessMs: Pick<Summary, "mean" | "p99" | "max">;
}

/** One bin of the latency histogram: [fromMs, toMs]. */
export interface LatencyBin {
  fromMs: number;
  toMs: number;
  count: number;
}

/** Latency and lateness pooled over the passes of every VM. */
export function overallDelays(passes: readonly VmPass[]): OverallDelays {
  const latency = summarize(concatSeries(passes.map((p) => p.latency)));
  const late = summarize(concatSeries(passes.map((p) => p.lateness)));
  return {
    latencyMs: {
      count: latency.count,
      p50: round3(latency.p50),
      p99: round3(latency.p99),
      max: round3(latency.max),
    },
    latenessMs: { mean: round3(late.mean), p99: round3(late.p99), max: round3(late.max) },
  };
}

/** Integer values as [value, count] pairs, by value. */
export function histogramOfIntegers(values: Float64Array): [number, number][] {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => a[0] - b[0]);
}

/** Latencies in bins that double in width from 1 us, so microseconds and seconds both show. */
export function logHistogram(values: Float64Array): LatencyBin[] {
  const bins = new Map<number, number>();
  for (const v of values) {
    const k = v <= 0.001 ? 0 : Math.ceil(Math.log2(v / 0.001));
    bins.set(k, (bins.get(k) ?? 0) + 1);
  }
  return [...bins]
    .sort((a, b) => a[0] - b[0])
    .map(([k, count]) => ({ fromMs: k === 0 ? 0 : 0.001 * 2 ** (k - 1), toMs: 0.001 * 2 ** k, count }));
}

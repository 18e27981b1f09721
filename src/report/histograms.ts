// The histograms of the report: jump sizes by the VM's rank by rate, and delivery latency.
import type { TrialAnalysis } from "../analysis/trial.js";
import { base, type ChartSpec, grid, INTEGER_AXIS, PAGE_PX, PALETTE, rankedVms } from "./chart-style.js";

const ORDINAL = ["fastest", "2nd fastest", "3rd fastest"];
const rankName = (rank: number) => ORDINAL[rank - 1] ?? `${rank}th fastest`;

/** Jump counts pooled over trials by rank, with every size from 1 to the largest (0 where none). */
export function jumpRows(trials: TrialAnalysis[]) {
  const counts = new Map<number, Map<number, number>>();
  const ratios = new Map<number, number[]>();
  let max = 1;
  for (const t of trials) {
    const ranked = rankedVms(t);
    const fastest = ranked[0]?.rate ?? 1;
    for (const v of ranked) {
      ratios.set(v.rank, [...(ratios.get(v.rank) ?? []), v.rate / fastest]);
      const byRank = counts.get(v.rank) ?? new Map<number, number>();
      counts.set(v.rank, byRank);
      for (const [size, n] of t.jumpHistogram[v.vm] ?? []) {
        byRank.set(size, (byRank.get(size) ?? 0) + n);
        max = Math.max(max, size);
      }
    }
  }
  const ranks = [...counts.keys()].sort((a, b) => a - b);
  return {
    max,
    ranks: ranks.map((rank) => {
      const r = ratios.get(rank) ?? [];
      const lo = Math.min(...r);
      const hi = Math.max(...r);
      const span = lo === hi ? lo.toFixed(2) : `${lo.toFixed(2)}-${hi.toFixed(2)}`;
      const byRank = counts.get(rank) ?? new Map<number, number>();
      return {
        rank,
        title: [
          `${rankName(rank)} VM of each trial (ties by VM id)`,
          `rate ${span} of the fastest, ${r.length} VM-trial${r.length === 1 ? "" : "s"}`,
        ],
        values: Array.from({ length: max }, (_, i) => ({
          size: i + 1,
          lo: i + 0.5,
          hi: i + 1.5,
          count: byRank.get(i + 1) ?? 0,
        })),
      };
    }),
  };
}

/** Jump sizes by rank in the trial (not by port: a port's rate is drawn anew each trial). */
export function jumpHistogram(trials: TrialAnalysis[]): ChartSpec {
  const { max, ranks } = jumpRows(trials);
  const { columns, width } = grid(ranks.length);
  return base("Jump sizes (receives where the clock skipped values), by the VM's rank by rate, all trials", {
    concat: ranks.map((r) => ({
      title: { text: r.title, fontSize: 12 },
      width,
      height: 170,
      data: { values: r.values },
      // Rects from x to x2 and 0 to the count: a bar per integer size, on a quantitative axis.
      mark: { type: "rect", tooltip: true, color: PALETTE[(r.rank - 1) % PALETTE.length] },
      encoding: {
        x: {
          field: "lo",
          type: "quantitative",
          title: "jump size n (values skipped: the clock moved n + 1)",
          scale: { domain: [0.5, max + 0.5], nice: false, zero: false },
          axis: {
            ...INTEGER_AXIS,
            values: Array.from({ length: max }, (_, i) => i + 1).filter(
              (k) => max <= 30 || k === 1 || k % 5 === 0,
            ),
          },
        },
        x2: { field: "hi" },
        y: { field: "count", type: "quantitative", title: "receives", axis: INTEGER_AXIS },
        y2: { datum: 0 },
        description: { field: "size" },
      },
    })),
    columns,
    resolve: { scale: { y: "shared" } },
  });
}

function latencyBins(trials: TrialAnalysis[]) {
  const bins = new Map<number, { fromMs: number; toMs: number; count: number }>();
  for (const t of trials) {
    for (const b of t.latencyHistogram) {
      const prev = bins.get(b.toMs);
      bins.set(b.toMs, { ...b, count: (prev?.count ?? 0) + b.count });
    }
  }
  return [...bins.values()].sort((a, b) => a.toMs - b.toMs);
}

export function latencyChart(trials: TrialAnalysis[]): ChartSpec {
  const values = latencyBins(trials).map((b) => ({ ...b, label: `≤ ${formatMs(b.toMs)}` }));
  return base("Delivery latency (arrivedAt - sentAt), all trials", {
    data: { values },
    width: Math.min(PAGE_PX - 70, Math.max(360, 90 * values.length)),
    height: 200,
    mark: { type: "bar", tooltip: true },
    encoding: {
      x: {
        field: "label",
        type: "ordinal",
        sort: { field: "toMs" },
        title: "latency bin (bins double in width)",
        axis: { labelAngle: 0 },
      },
      y: { field: "count", type: "quantitative", title: "messages", axis: INTEGER_AXIS },
      description: { field: "label" },
    },
  });
}

/** Why the latency chart looks as it does, when it is one bar. */
export function latencyCaption(trials: TrialAnalysis[]): string | undefined {
  const used = latencyBins(trials).filter((b) => b.count > 0);
  const [only] = used;
  if (used.length !== 1 || only === undefined) return undefined;
  return `Every one of the ${only.count} messages received took at most ${formatMs(only.toMs)}, so the chart is one bar. In a simulated run this is expected: the simulator delivers each message after its latency model's delay (sim --latency, a fixed 0.1 ms unless told otherwise), so latency does not vary; what varies between VMs is the wait in the queue until the receiving VM's next tick. A real run spreads over several bins.`;
}

/** Milliseconds in the unit that reads best: µs, ms or s. */
export function formatMs(ms: number): string {
  return ms < 1
    ? `${Math.round(ms * 1000)} µs`
    : ms < 1000
      ? `${Number(ms.toPrecision(3))} ms`
      : `${ms / 1000} s`;
}

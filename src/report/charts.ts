import { ordinalRanks } from "../analysis/ratios.js";
import type { TrialAnalysis } from "../analysis/trial.js";
import { spaceTime } from "./diagram/static.js";

/** A Vega-Lite spec (kept loose: the compiler validates it). */
export type ChartSpec = Record<string, unknown>;

/** One chart of the report: a file-safe name, a title, its spec, and maybe a sentence under it. */
export interface Chart {
  name: string;
  title: string;
  spec: ChartSpec;
  caption?: string;
  /** Made only as an image (--png): the page has the interactive diagram instead. */
  imageOnly?: true;
}

const FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";
const CONFIG = {
  font: FONT,
  view: { stroke: "#ddd" },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 14, anchor: "start" },
  concat: { spacing: 28 },
};

/** The width charts share: the page is 1,400 px wide, less its margins. */
const PAGE_PX = 1340;
/** What a small chart adds beside its plot: the y axis with its title, and the spacing. */
const AXIS_PX = 90;

/**
 * Colours in rank order (the fastest VM first), far apart in hue and lightness and safe for
 * colour-blind readers (Okabe-Ito's blue, orange, green, purple, then the rest of theirs).
 */
export const PALETTE = [
  "#0072b2",
  "#e69f00",
  "#009e73",
  "#cc79a7",
  "#56b4e9",
  "#d55e00",
  "#000000",
  "#8c564b",
  "#7f7f7f",
  "#bcbd22",
];

/**
 * Dash patterns and widths by rank: the fastest is drawn widest, the others thinner and dashed
 * on top of it, so two VMs whose lines coincide (equal rates, or clocks that keep pace) both
 * stay visible.
 */
const DASHES = [
  [1, 0],
  [6, 3],
  [2, 2],
  [9, 3, 2, 3],
  [4, 4],
  [1, 4],
];
const WIDTHS = [3.4, 2.2, 1.6, 1.4, 1.2, 1.2];

/** Axis settings for a count: integer ticks only (no "queue 0.2"). */
const INTEGER_AXIS = { tickMinStep: 1, format: "d" };

function base(title: string, extra: ChartSpec): ChartSpec {
  return { $schema: "https://vega.github.io/schema/vega-lite/v6.json", title, config: CONFIG, ...extra };
}

/** A VM of a trial with its rank by rate (1 = fastest; ties broken by VM id, so each rank once). */
interface RankedVm {
  vm: string;
  rate: number;
  rank: number;
  /** The legend's name for it, with its rate: "5001 (rate 3)". */
  label: string;
}

/**
 * The trial's VMs, fastest first (ties by VM id), each with its rank and legend label. The rank
 * is ordinal, the same as analysis/ratios.ts gives: two VMs of equal rate get ranks 1 and 2, so
 * they never share a colour and dash.
 */
export function rankedVms(t: TrialAnalysis): RankedVm[] {
  const ranks = ordinalRanks(t.vms);
  return t.vms
    .map((v) => ({
      vm: v.vm,
      rate: v.rate,
      rank: ranks.get(v.vm) ?? t.vms.length,
      label: `${v.vm} (rate ${formatRate(v.rate)})`,
    }))
    .sort((a, b) => a.rank - b.rank);
}

function formatRate(rate: number): string {
  return Number.isInteger(rate) ? String(rate) : rate.toFixed(2);
}

/** How many columns of small charts fit the page, and how wide each is. */
function grid(n: number, minWidth = 340): { columns: number; width: number } {
  const columns = Math.max(1, Math.min(n, Math.floor(PAGE_PX / (minWidth + AXIS_PX))));
  return { columns, width: Math.floor(PAGE_PX / columns) - AXIS_PX };
}

/**
 * One trial's samples of `field` as long-form rows, at most `maxPoints` per VM: the grid has a
 * point every few tens of ms (over 1,000 a minute), three or more to a pixel of a small chart, which made
 * the page megabytes of path data and seconds to draw. Each bucket of grid points keeps its
 * largest value, so a lag or queue peak is never lost (and a clock, which only grows, keeps
 * its value at the bucket's end).
 */
export function gridRows(
  t: TrialAnalysis,
  ranked: RankedVm[],
  field: "clock" | "lag" | "queue",
  maxPoints: number,
) {
  const rows: { series: string; width: number; s: number; value: number }[] = [];
  const points = t.grid.points;
  const buckets = Math.max(1, Math.min(points, maxPoints));
  const at = (v: RankedVm, g: number): number => {
    const clock = t.grid.clocks[v.vm]?.[g] ?? 0;
    if (field === "clock") return clock;
    if (field === "queue") return t.grid.queues[v.vm]?.[g] ?? 0;
    return Math.max(...ranked.map((o) => t.grid.clocks[o.vm]?.[g] ?? 0)) - clock;
  };
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * points) / buckets);
    const to = Math.max(from + 1, Math.floor(((b + 1) * points) / buckets));
    for (const v of ranked) {
      let value = at(v, from);
      for (let g = from + 1; g < to; g++) value = Math.max(value, at(v, g));
      rows.push({
        series: v.label,
        width: WIDTHS[(v.rank - 1) % WIDTHS.length] ?? 1,
        s: Math.round(from * t.grid.stepMs) / 1000,
        value,
      });
    }
  }
  return rows;
}

/**
 * One small chart per trial (concatenated, so no empty cell is drawn), each with its own
 * legend naming its VMs with their rates; colour and dash follow the rank by rate, so the
 * fastest VM is the same blue solid line in every trial.
 */
function overTime(
  title: string,
  field: "clock" | "lag" | "queue",
  label: string,
  trials: TrialAnalysis[],
): ChartSpec {
  const { columns, width } = grid(trials.length);
  const charts = trials.map((t) => {
    const ranked = rankedVms(t);
    const domain = ranked.map((v) => v.label);
    const legend = {
      orient: "top",
      direction: "horizontal",
      title: null,
      symbolStrokeWidth: 2.5,
      symbolSize: 200,
      symbolOffset: 0,
      columnPadding: 8,
      labelOffset: 3,
      // Two entries a row: three would be wider than the chart under them.
      columns: 2,
      labelFontSize: 11,
    };
    return {
      title: { text: `trial ${t.trial}`, fontSize: 12 },
      width,
      height: 190,
      // A point every 4 px of the chart's width: finer costs Vega time and page bytes, not detail
      // a reader sees (each point is its bucket's largest value).
      data: { values: gridRows(t, ranked, field, Math.ceil(width / 4)) },
      mark: {
        type: "line",
        interpolate: field === "clock" ? "linear" : "step-after",
      },
      encoding: {
        x: { field: "s", type: "quantitative", title: "wall time (s)" },
        y: { field: "value", type: "quantitative", title: label, axis: INTEGER_AXIS },
        color: {
          field: "series",
          type: "nominal",
          scale: { domain, range: ranked.map((v) => PALETTE[(v.rank - 1) % PALETTE.length]) },
          legend,
        },
        strokeDash: {
          field: "series",
          type: "nominal",
          scale: { domain, range: ranked.map((v) => DASHES[(v.rank - 1) % DASHES.length]) },
          legend,
        },
        strokeWidth: { field: "width", type: "quantitative", scale: null, legend: null },
      },
    };
  });
  return base(title, {
    concat: charts,
    columns,
    resolve: {
      scale: { color: "independent", strokeDash: "independent", y: "shared" },
      legend: { color: "independent", strokeDash: "independent" },
    },
  });
}

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
function jumpHistogram(trials: TrialAnalysis[]): ChartSpec {
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

function latencyChart(trials: TrialAnalysis[]): ChartSpec {
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

/** Every chart of one experiment. */
export function experimentCharts(experiment: string, trials: TrialAnalysis[]): Chart[] {
  const slug = experiment === "." ? "run" : experiment.replace(/[^A-Za-z0-9_-]+/g, "-");
  const first = trials[0];
  return [
    {
      name: `${slug}-clock`,
      title: "Logical clock vs wall time",
      spec: overTime("Logical clock vs wall time, per trial", "clock", "Lamport clock", trials),
    },
    {
      name: `${slug}-drift`,
      title: "Drift vs wall time",
      spec: overTime(
        "Drift (lag behind the largest clock, seen from outside with the system time), per trial",
        "lag",
        "drift (values behind)",
        trials,
      ),
    },
    {
      name: `${slug}-queue`,
      title: "Queue length vs wall time",
      spec: overTime("Network queue length, per trial", "queue", "messages waiting", trials),
    },
    { name: `${slug}-jumps`, title: "Jump sizes", spec: jumpHistogram(trials) },
    {
      name: `${slug}-latency`,
      title: "Latency",
      spec: latencyChart(trials),
      ...optionalCaption(latencyCaption(trials)),
    },
    ...(first === undefined
      ? []
      : [
          {
            name: `${slug}-spacetime`,
            title: "Space-time diagram",
            spec: base(...spaceTime(first)),
            imageOnly: true as const,
          },
        ]),
  ];
}

function optionalCaption(caption: string | undefined): { caption?: string } {
  return caption === undefined ? {} : { caption };
}

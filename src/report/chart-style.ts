// The style every chart of the report shares: the Vega-Lite config, the page's widths, and the
// colour, dash and width of a VM by its rank by rate, so one VM looks the same in every chart.
import { ordinalRanks } from "../analysis/ratios.js";
import type { TrialAnalysis } from "../analysis/trial.js";

/** A Vega-Lite spec (kept loose: the compiler validates it). */
export type ChartSpec = Record<string, unknown>;

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
export const PAGE_PX = 1340;
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
export const DASHES = [
  [1, 0],
  [6, 3],
  [2, 2],
  [9, 3, 2, 3],
  [4, 4],
  [1, 4],
];
export const WIDTHS = [3.4, 2.2, 1.6, 1.4, 1.2, 1.2];

/** Axis settings for a count: integer ticks only (no "queue 0.2"). */
export const INTEGER_AXIS = { tickMinStep: 1, format: "d" };

export function base(title: string, extra: ChartSpec): ChartSpec {
  return { $schema: "https://vega.github.io/schema/vega-lite/v6.json", title, config: CONFIG, ...extra };
}

/** A VM of a trial with its rank by rate (1 = fastest; ties broken by VM id, so each rank once). */
export interface RankedVm {
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
export function grid(n: number, minWidth = 340): { columns: number; width: number } {
  const columns = Math.max(1, Math.min(n, Math.floor(PAGE_PX / (minWidth + AXIS_PX))));
  return { columns, width: Math.floor(PAGE_PX / columns) - AXIS_PX };
}

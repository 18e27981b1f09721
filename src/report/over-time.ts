// The charts over wall time (clock, drift, queue): one small chart per trial, a line per VM.
import type { TrialAnalysis } from "../analysis/trial.js";
import {
  base,
  type ChartSpec,
  DASHES,
  grid,
  INTEGER_AXIS,
  PALETTE,
  type RankedVm,
  rankedVms,
  WIDTHS,
} from "./chart-style.js";

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
export function overTime(
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

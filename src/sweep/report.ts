import { csvCell } from "../analysis/export-csv.js";
import { formatTable } from "../analysis/table.js";
import type { ChartSpec } from "../report/chart-style.js";
import type { CellResult } from "./cell.js";

/** The figures a sweep shows, with how to name them. */
export const METRICS = [
  {
    key: "slowestMeanJump",
    title: "Mean jump of the slowest VM",
    explain:
      'how far the slowest VM\'s Lamport clock leaps on a receive (clock - previous - 1, over the receives that jumped), mean over the trials where it jumped; "-" where it never jumped (empty in the CSV)',
  },
  {
    key: "maxQueue",
    title: "Max queue length",
    explain: "the longest any VM's network queue grew, mean over trials",
  },
  {
    key: "maxLag",
    title: "Max lag",
    explain:
      "how far the most-behind VM's clock trailed the largest clock at the same wall time (the drift, with the sign turned), mean over trials",
  },
] as const;

type MetricKey = (typeof METRICS)[number]["key"];

/** One text table per metric: a row per rate spread, a column per event range. */
export function sweepTables(results: CellResult[]): string {
  const spreads = [...new Set(results.map((r) => r.spread))].sort((a, b) => a - b);
  const ranges = [...new Set(results.map((r) => r.eventRange))].sort((a, b) => a - b);
  return METRICS.map(({ key, title, explain }) => {
    const headers = [
      "spread \\ range",
      ...ranges.map((e) => `${e} (${Math.round(internalOf(results, e) * 100)}% int)`),
    ];
    const rows = spreads.map((s) => [
      String(s),
      // A missing cell or one without a figure (no jumps) reads "-", as in inspect.
      ...ranges.map((e) => results.find((r) => r.spread === s && r.eventRange === e)?.[key] ?? Number.NaN),
    ]);
    return `${title} (${key}): ${explain}\n${formatTable(headers, rows).replace(/^/gm, "  ")}`;
  }).join("\n\n");
}

function internalOf(results: CellResult[], range: number): number {
  return results.find((r) => r.eventRange === range)?.internal ?? Number.NaN;
}

/** Every cell as one CSV row. */
export function sweepCsv(results: CellResult[]): string {
  const columns = Object.keys(results[0] ?? {}) as (keyof CellResult)[];
  const lines = [columns.join(","), ...results.map((r) => columns.map((c) => csvCell(r[c])).join(","))];
  return `${lines.join("\n")}\n`;
}

/** A heatmap of one metric over the grid, value printed in each cell. */
export function heatmap(results: CellResult[], key: MetricKey, title: string): ChartSpec {
  // Viridis runs from dark purple to yellow: white figures on the dark half, black on the light.
  const all = results.map((r) => r[key]).filter((x): x is number => x !== null && Number.isFinite(x));
  const middle = all.length === 0 ? 0 : (Math.min(...all) + Math.max(...all)) / 2;
  const values = results.map((r) => ({
    spread: r.spread,
    range: `${r.eventRange} (${Math.round(r.internal * 100)}%)`,
    order: r.eventRange,
    value: r[key],
    // No figure (the slowest VM never jumped): "-" on an uncoloured cell, as inspect shows it.
    label: r[key] === null ? "-" : (r[key] as number).toFixed(2),
  }));
  const x = {
    field: "range",
    type: "ordinal",
    sort: { field: "order" },
    title: "event range (internal probability)",
    axis: { labelAngle: 0 },
  };
  const y = {
    field: "spread",
    type: "ordinal",
    sort: "descending",
    title: "rate spread (rates in [max - spread, max])",
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `${title} (${key})`,
    config: { font: "DejaVu Sans, Helvetica, Arial, sans-serif", view: { stroke: null } },
    data: { values },
    width: 380,
    height: 280,
    encoding: { x, y },
    layer: [
      {
        mark: "rect",
        encoding: {
          color: { field: "value", type: "quantitative", scale: { scheme: "viridis" }, title: null },
          description: { field: "value" },
        },
      },
      {
        mark: { type: "text", fontSize: 12 },
        encoding: {
          text: { field: "label", type: "nominal" },
          color: {
            condition: { test: `datum.value === null || datum.value > ${middle}`, value: "black" },
            value: "white",
          },
        },
      },
    ],
  };
}

/** Whether every clock rule held, as a sentence naming the cells where one did not. */
function checksSentence(results: readonly CellResult[]): string {
  const failed = results.filter((r) => !r.allChecksPass);
  if (failed.length === 0) return "Every check passed in every trial of every cell.";
  const cells = failed.map((r) => `spread ${r.spread}, range ${r.eventRange}`).join("; ");
  return `Some check failed in ${failed.length} of ${results.length} cells (${cells}): run one with clocklab sim and inspect it.`;
}

/** The sweep's report.html: what ran, whether the checks held, each metric in words, its heatmap. */
export function sweepPage(
  title: string,
  ran: string,
  results: readonly CellResult[],
  svgs: string[],
): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:2rem}figure{display:inline-block;margin:1rem}</style></head>
<body><h1>${title}</h1><p>${ran} ${checksSentence(results)} Every cell's figures, one row per cell: <a href="sweep.csv">sweep.csv</a>.</p>
<ul>${METRICS.map((m) => `<li><b>${m.title}</b> (<code>${m.key}</code> in the CSV): ${m.explain}.</li>`).join("")}</ul>
${svgs.map((svg) => `<figure>${svg}</figure>`).join("\n")}</body></html>\n`;
}

import type * as Report from "./index.js";

/**
 * The report modules, loaded on first use: Vega and resvg take about 25 MB and 200 ms to load,
 * which every VM process would otherwise pay without ever drawing a chart.
 */
export function loadReport(): Promise<typeof Report> {
  return import("./index.js");
}

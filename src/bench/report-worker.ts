// Makes report.html of a run folder in a process of its own, so its peak memory is its own:
// node dist/bench/report-worker.js <folder> <html file>; reports its times over IPC.
import { statSync } from "node:fs";
import { inspectPaths } from "../analysis/inspect.js";
import { loadReport } from "../report/load.js";

const [dir = ".", html = "report.html"] = process.argv.slice(2);
const began = performance.now();
const report = await inspectPaths([dir]);
const analysed = performance.now();
const { renderCharts, writeHtml } = await loadReport();
const charts = await renderCharts(report);
writeHtml(html, report, charts);
const done = performance.now();
process.send?.({
  inspectMs: analysed - began,
  pageMs: done - analysed,
  bytes: statSync(html).size,
  maxRssKb: process.resourceUsage().maxRSS,
});

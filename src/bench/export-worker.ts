// Runs `inspect`'s analysis and then its table export on a run folder in a process of its own,
// so the peak memory is theirs (DuckDB's included: it runs inside this process):
// node dist/bench/export-worker.js <folder> <out>; reports over IPC.
import { inspectPaths } from "../analysis/inspect.js";
import { exportTables } from "../export/export.js";

const [folder = ".", out = "."] = process.argv.slice(2);
const began = performance.now();
const report = await inspectPaths([folder]);
const inspected = performance.now();
const steps: Record<string, number> = {};
await exportTables(report, { parquet: `${out}/tables`, duckdb: `${out}/run.duckdb` }, (step, ms) => {
  steps[step] = Math.round(ms);
});
process.send?.({
  inspectMs: inspected - began,
  exportMs: performance.now() - inspected,
  maxRssKb: process.resourceUsage().maxRSS,
  steps,
});

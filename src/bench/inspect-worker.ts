// Runs `inspect`'s analysis on a run folder in a process of its own, so its peak memory is its
// own: node dist/bench/inspect-worker.js <folder>; reports over IPC.
import { inspectPaths } from "../analysis/inspect.js";

const began = performance.now();
const report = await inspectPaths([process.argv[2] ?? "."]);
process.send?.({
  ms: performance.now() - began,
  ok: report.ok,
  maxRssKb: process.resourceUsage().maxRSS,
});

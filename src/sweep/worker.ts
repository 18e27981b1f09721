// A sweep worker process: receives cells over IPC, simulates them, sends the results back.
import { type Cell, runCell, type SweepSettings } from "./cell.js";

process.on("message", async (job: { id: number; cell: Cell; settings: SweepSettings }) => {
  const result = await runCell(job.cell, job.settings);
  process.send?.({ id: job.id, result });
});
// Leave when the parent goes away, so no worker outlives a sweep.
process.on("disconnect", () => process.exit(0));
// Ctrl-C reaches the whole process group: the parent decides, and stops the workers itself.
process.on("SIGINT", () => {});

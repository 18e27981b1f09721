import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { openLogFile } from "../log/writer.js";
import { simulateTrial } from "../sim/trial.js";

/**
 * Writes a simulated run of at least `records` records (3 VMs, full mesh, in virtual time) as a
 * run folder under `out`, for measuring `inspect` on large runs. Returns the records written.
 */
export function writeBigRun(records: number, out: string): { records: number; durationS: number } {
  const rates = [300, 400, 300];
  // Each tick is one record; the start and stop records are few.
  const durationS = Math.ceil(records / rates.reduce((s, r) => s + r, 0));
  const dir = join(out, "standard");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const vms = simulateTrial({
    ids: ["5001", "5002", "5003"],
    rates: rates.map((fixed) => ({ fixed, min: 1, max: 6, multiplier: 1 })),
    durationS,
    seed: 1,
    trial: 1,
    eventRange: 10,
  });
  let total = 0;
  for (const vm of vms) {
    const sink = openLogFile(join(dir, `trial-1_vm-${vm.id}_rate-${vm.rate}.jsonl`));
    for (const record of vm.records) sink.write(record);
    sink.close();
    total += vm.records.length;
  }
  return { records: total, durationS };
}

// Writes a simulated run of at least N records (3 VMs, full mesh, in virtual time) as a run folder,
// for measuring `clocklab inspect` on large runs:
//   node --import tsx scripts/big-run.ts [RECORDS] [OUT]      (defaults 1000000, /tmp/clocklab-big-run)
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { openLogFile } from "../src/log/writer.js";
import { simulateTrial } from "../src/sim/trial.js";

const records = Number(process.argv[2] ?? 1_000_000);
const out = process.argv[3] ?? "/tmp/clocklab-big-run";
if (!Number.isInteger(records) || records < 1000) {
  console.error(`big-run: RECORDS: expected an integer >= 1000, got "${process.argv[2]}"`);
  process.exit(2);
}
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
console.log(
  `big-run: ${total} records in ${out} (3 VMs at ${rates.join("/")} ticks/s for ${durationS} s of virtual time)`,
);

// Writes a simulated run of at least N records (3 VMs, full mesh, in virtual time) as a run folder,
// for measuring `clocklab inspect` on large runs:
//   node --import tsx scripts/big-run.ts [RECORDS] [OUT]      (defaults 1000000, /tmp/clocklab-big-run)
import { writeBigRun } from "../src/bench/big-run.js";

const records = Number(process.argv[2] ?? 1_000_000);
const out = process.argv[3] ?? "/tmp/clocklab-big-run";
if (!Number.isInteger(records) || records < 1000) {
  console.error(`big-run: RECORDS: expected an integer >= 1000, got "${process.argv[2]}"`);
  process.exit(2);
}
const written = writeBigRun(records, out);
console.log(
  `big-run: ${written.records} records in ${out} (3 VMs for ${written.durationS} s of virtual time)`,
);

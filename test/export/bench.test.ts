import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { exportRows, measureExport } from "../../src/bench/export.js";

describe("bench: the export's cost", { timeout: 60_000 }, () => {
  it("measures a small run's export in a worker, with every file's size", async () => {
    const cost = await measureExport(3000);
    assert.ok(cost.records >= 3000);
    assert.ok(cost.exportMs > 0 && cost.inspectMs > 0 && cost.peakRssMb > 50, JSON.stringify(cost));
    assert.ok(cost.logsMb > 0 && cost.duckdbMb > 0 && (cost.parquetMb.events ?? 0) > 0, JSON.stringify(cost));
    assert.deepEqual(Object.keys(cost.parquetMb).sort(), [
      "events",
      "faults",
      "gaps",
      "messages",
      "rejects",
      "runs",
      "trials",
      "vms",
    ]);
    assert.ok(["stage", "events", "messages", "database"].every((s) => (cost.steps[s] ?? -1) >= 0));
    const rows = exportRows(cost);
    assert.equal(rows.length, 2);
    assert.equal(rows[0]?.met, cost.exportMs < 15_000);
  });
});

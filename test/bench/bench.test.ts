import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { measureLatencies, measureThroughput } from "../../src/bench/links.js";
import { renderRows } from "../../src/bench/rows.js";

describe("benchmark pieces", () => {
  it("measures round trips through a transport and a bare floor, taking turns, on loopback", async () => {
    const { latency, errors } = await measureLatencies(["tcp", "net-bare"], 50, 10);
    assert.deepEqual(errors, []);
    for (const kind of ["tcp", "net-bare"] as const) {
      const l = latency[kind];
      assert.equal(l?.rounds, 50);
      assert.ok(l !== undefined && l.p50Us > 0 && l.p99Us >= l.p50Us, JSON.stringify(l));
    }
  });

  it("counts every message of a flood before reporting its rate", async () => {
    const t = await measureThroughput("zmq", 2000);
    assert.equal(t.count, 2000);
    assert.ok(Number.isFinite(t.messagesPerS) && t.messagesPerS > 0);
  });

  it("puts floor, ratio, target and verdict side by side", () => {
    const table = renderRows([
      {
        section: "latency",
        name: "zmq p50",
        value: 60,
        unit: "us",
        floor: 50,
        floorName: "bare",
        target: "<= 50 us",
        met: false,
      },
      {
        section: "offline",
        name: "sim",
        value: 2_500_000,
        unit: "ticks/s",
        target: ">= 2,000,000",
        met: true,
      },
    ]);
    const [header, first, second] = table.split("\n");
    assert.match(header ?? "", /ours\/floor/);
    assert.match(first ?? "", /zmq p50 vs bare .* 1\.20 .* NO$/);
    assert.match(second ?? "", /2,500,000 .* yes$/);
  });
});

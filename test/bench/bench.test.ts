import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { type FloodCost, floodRows, measureFlood } from "../../src/bench/flood.js";
import { measureLatencies, measureThroughput } from "../../src/bench/links.js";
import { type LiveCost, liveRows } from "../../src/bench/live.js";
import { measureBigReport, timeToInteractive } from "../../src/bench/report.js";
import { renderRows } from "../../src/bench/rows.js";
import { browserMissing } from "../helpers/browser.js";

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

  it("sets the live page's runs side by side against their targets", () => {
    const run = (pages: number, late: number, cpu: number, p99?: number): LiveCost => ({
      ...{ pages, durationS: 30, latenessP99Ms: late, latenessMaxMs: late, orchestratorCpuMs: 0 },
      ...{ orchestratorCpuPercent: cpu, checksPassed: true },
      ...(p99 === undefined ? {} : { delay: { count: 540, p50: 40, p99, max: p99 + 10 } }),
    });
    const rows = liveRows([run(0, 2, 3), run(2, 3.5, 4, 90), run(0, 3, 3.2), run(2, 4.5, 4.4, 260)]);
    // Plain: the (upper) median of 2 and 3; with pages: 4.5 > the worst plain 3 + 1: missed.
    assert.deepEqual(
      rows.map((r) => [r.value, r.met]),
      [
        [3, undefined],
        [4.5, false],
        [4.4, undefined],
        [260, false],
      ],
    );
    const fine = liveRows([run(0, 3, 3), run(2, 3.9, 4, 249)]);
    assert.deepEqual(
      fine.map((r) => r.met),
      [undefined, true, undefined, true],
    );
  });

  it("floods a VM beside a bystander and counts every frame in the flooded VM's log", async () => {
    const r = await measureFlood(3000, true);
    assert.equal(r.rejected, 3000);
    for (const x of [r.flooded.quietP99, r.flooded.floodP99, r.bystander.quietP99, r.bystander.floodP99])
      assert.ok(Number.isFinite(x) && x >= 0, `lateness ${x}`);
  });

  it("sets a flood's flooded VM against its bystander: medians, and the verdict with --io-thread (by hand)", () => {
    const run = (ioThread: boolean, flooded: number, bystander: number, rejected = 100): FloodCost => ({
      ioThread,
      frames: 100,
      sentInMs: 10,
      handledInMs: 1000,
      rejected,
      flooded: { quietP99: 0.5, floodP99: flooded },
      bystander: { quietP99: 0.5, floodP99: bystander },
    });
    const rows = floodRows([
      run(false, 9, 3),
      run(true, 3.9, 3),
      run(false, 5, 2),
      run(true, 3.5, 3),
      run(false, 7, 4),
      run(true, 5, 3),
    ]);
    assert.deepEqual(
      rows.map((r) => [r.value, r.floor, r.met]),
      [
        [7, 3, undefined], // medians of 9, 5, 7 and of 3, 2, 4; no target without the thread
        [3.9, 3, true], // 3.9 <= 3 + 1
      ],
    );
    assert.equal(
      floodRows([run(true, 3.5, 3), run(true, 4.5, 3), run(true, 4.1, 3)])[0]?.met,
      false,
      "4.1 > 3 + 1",
    );
    assert.equal(floodRows([run(true, 1, 3, 99)])[0]?.met, false, "a frame not counted fails it");
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

  it("makes a big run's report in a process of its own and says its size and peak memory", async () => {
    const r = await measureBigReport(20_000);
    assert.ok(r.records >= 20_000, String(r.records));
    assert.ok(r.bytes > 10_000 && r.peakRssMb > 10 && r.inspectMs > 0 && r.pageMs > 0, JSON.stringify(r));
  });

  it("times a page to its first frame after load, and reads a ready mark when the page sets one", async (t) => {
    const missing = browserMissing();
    if (missing !== undefined) {
      t.skip(missing);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), "clocklab-bench-tti-"));
    try {
      const page = join(dir, "page.html");
      writeFileSync(page, '<!doctype html><p>hi</p><script>performance.mark("st-ready")</script>');
      const r = await timeToInteractive(page, 1);
      assert.ok(r.interactiveMs > 0 && r.interactiveMs < 30_000, JSON.stringify(r));
      assert.ok(r.diagramReadyMs !== undefined && r.diagramReadyMs <= r.interactiveMs, JSON.stringify(r));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
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

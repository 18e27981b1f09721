import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { experimentGrid } from "../../src/analysis/columns.js";
import type { ExperimentSummary } from "../../src/analysis/experiment.js";
import { inspectPaths } from "../../src/analysis/inspect.js";
import { main } from "../../src/cli/program.js";
import { captureIo } from "../helpers/io.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-ratios-"));
after(() => rmSync(root, { recursive: true, force: true }));

/** One VM of one trial, computed here from its log lines alone. */
interface Hand {
  trial: number;
  vm: string;
  rate: number;
  ratio: number;
  rank: number;
  ticks: number;
  skippedPerTick: number;
  jumps: number[];
  queues: number[];
  /** [t, clock] after each tick, for the lag on the grid. */
  clocks: [number, number][];
  startAt: number;
  duration: number;
  lagMax: number;
  lagMaxAtS: number;
  received: number;
  /** Messages the other VMs' send records address to it. */
  sentTo: number;
  /** Destinations of its own sends, to count what reached each peer. */
  sentToPeers: string[];
}

/** Reads every log of an experiment folder and computes its per-VM figures by hand. */
function handCompute(dir: string): Hand[] {
  const vms: Hand[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".jsonl"))) {
    const lines = readFileSync(join(dir, name), "utf8").trim().split("\n");
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const start = records[0] as {
      trial: number;
      vm: string;
      rate: number;
      startAt: number;
      duration: number;
    };
    let clock = 0;
    const hand: Hand = {
      trial: start.trial,
      vm: start.vm,
      rate: start.rate,
      ratio: 0,
      rank: 0,
      ticks: 0,
      skippedPerTick: 0,
      jumps: [],
      queues: [],
      clocks: [],
      startAt: start.startAt,
      duration: start.duration,
      lagMax: 0,
      lagMaxAtS: 0,
      received: 0,
      sentTo: 0,
      sentToPeers: [],
    };
    for (const r of records) {
      if (r.event !== "internal" && r.event !== "send" && r.event !== "receive") continue;
      const c = r.clock as number;
      if (r.event === "receive" && c - clock - 1 > 0) hand.jumps.push(c - clock - 1);
      clock = c;
      hand.ticks += 1;
      hand.queues.push(r.queue as number);
      hand.clocks.push([r.t as number, c]);
      if (r.event === "receive") hand.received += 1;
      if (r.event === "send") hand.sentToPeers.push(...(r.to as string[]));
    }
    hand.skippedPerTick = (clock - hand.ticks) / hand.ticks;
    vms.push(hand);
  }
  for (const trial of new Set(vms.map((v) => v.trial))) {
    const mine = vms.filter((v) => v.trial === trial);
    const fastest = Math.max(...mine.map((v) => v.rate));
    // Ordinal ranks: fastest first, a tie broken by the lower VM id.
    const order = [...mine].sort((a, b) => b.rate - a.rate || Number(a.vm) - Number(b.vm));
    for (const v of mine) {
      v.ratio = v.rate / fastest;
      v.rank = order.indexOf(v) + 1;
      v.sentTo = mine.flatMap((o) => o.sentToPeers).filter((to) => to === v.vm).length;
    }
    // The lag on a wall-time grid: a sample at T is each clock after its ticks at or before T.
    const t0 = Math.min(...mine.map((v) => v.startAt));
    const t1 = Math.max(...mine.map((v) => v.startAt + v.duration * 1000));
    const step = Math.max(50, Math.ceil((t1 - t0) / 1999));
    const points = Math.floor((t1 - t0) / step) + 1;
    const at = (v: Hand, T: number) => {
      let c = 0;
      for (const [t, clock] of v.clocks) if (t <= T) c = clock;
      return c;
    };
    for (let g = 0; g < points; g++) {
      const T = t0 + g * step;
      const clocks = mine.map((v) => at(v, T));
      const top = Math.max(...clocks);
      for (const [i, v] of mine.entries()) {
        const lag = top - (clocks[i] as number);
        if (lag > v.lagMax) {
          v.lagMax = lag;
          v.lagMaxAtS = (g * step) / 1000;
        }
      }
    }
  }
  return vms;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sd = (xs: number[]) =>
  xs.length < 2 ? 0 : Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
/** Figures are rounded to 3 decimals before they are pooled: equal within that rounding. */
const near = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= 0.002, `${what}: got ${actual}, computed ${expected}`);

async function simAndInspect(args: string[], name: string) {
  const logDir = join(root, name);
  const io = captureIo();
  assert.equal(await main(["sim", ...args, "--log-dir", logDir], io), 0, io.errs.join("\n"));
  const [run] = readdirSync(logDir).filter((d) => d !== "latest");
  const runDir = join(logDir, run as string);
  const json = captureIo();
  assert.equal(await main(["inspect", "--json", runDir], json), 0, json.errs.join("\n"));
  const report = JSON.parse(json.outs.join("\n")) as { experiments: ExperimentSummary[] };
  // The tables are made from the report in memory (JSON turns NaN, "no jumps", into null).
  const live = await inspectPaths([runDir]);
  return { runDir, report, live };
}

function compare(e: ExperimentSummary, live: ExperimentSummary | undefined, hands: Hand[]): void {
  assert.equal(e.ratios.length, hands.length);
  for (const h of hands) {
    const v = e.ratios.find((x) => x.trial === h.trial && x.vm === h.vm);
    assert.ok(v, `trial ${h.trial} VM ${h.vm} missing`);
    const where = `trial ${h.trial} VM ${h.vm}`;
    near(v.ratio, h.ratio, `${where} ratio`);
    assert.equal(v.rank, h.rank, `${where} rank`);
    assert.equal(v.ticks, h.ticks, `${where} ticks`);
    near(v.skippedPerTick, h.skippedPerTick, `${where} skipped per tick`);
    assert.equal(v.jumps.count, h.jumps.length, `${where} jumps`);
    if (h.jumps.length > 0) {
      near(v.jumps.mean, mean(h.jumps), `${where} mean jump`);
      assert.equal(v.jumps.max, Math.max(...h.jumps), `${where} max jump`);
    }
    near(v.queueMean, mean(h.queues), `${where} mean queue`);
    assert.equal(v.queueMax, Math.max(...h.queues), `${where} max queue`);
    assert.equal(v.lagMax, h.lagMax, `${where} largest lag`);
    near(v.lagMaxAtS, h.lagMaxAtS, `${where} when the lag was largest`);
    // Every message sent to it reached it in a sim without faults: received, or waiting at the end.
    assert.equal(v.receives, h.received, `${where} received`);
    assert.equal(v.pending, h.sentTo - h.received, `${where} still waiting at the end`);
    near(v.arrivedPerS, h.sentTo / h.duration, `${where} measured arrivals a second`);
  }
  const ranks = [...new Set(hands.map((h) => h.rank))].sort((a, b) => a - b);
  assert.deepEqual(
    e.ranks.map((g) => g.rank),
    ranks,
  );
  for (const g of e.ranks) {
    const group = hands.filter((h) => h.rank === g.rank);
    assert.equal(g.count, group.length, `rank ${g.rank} count`);
    near(g.ratio.min, Math.min(...group.map((h) => h.ratio)), `rank ${g.rank} lowest ratio`);
    near(g.ratio.max, Math.max(...group.map((h) => h.ratio)), `rank ${g.rank} highest ratio`);
    near(g.rate.mean, mean(group.map((h) => h.rate)), `rank ${g.rank} mean rate`);
    near(g.rate.sd, sd(group.map((h) => h.rate)), `rank ${g.rank} rate sd`);
    near(g.skippedPerTick.mean, mean(group.map((h) => h.skippedPerTick)), `rank ${g.rank} skipped`);
    near(g.lagMax.mean, mean(group.map((h) => h.lagMax)), `rank ${g.rank} largest lag`);
    near(g.lagMax.sd, sd(group.map((h) => h.lagMax)), `rank ${g.rank} largest lag sd`);
    near(g.queueMean.mean, mean(group.map((h) => mean(h.queues))), `rank ${g.rank} mean queue`);
    const jumpers = group.filter((h) => h.jumps.length > 0);
    if (jumpers.length > 0)
      near(g.jumpMean.mean, mean(jumpers.map((h) => mean(h.jumps))), `rank ${g.rank} mean jump`);
  }
  // The summary table is by rank, with each rank's ratio range; never by port.
  assert.ok(live);
  const grid = experimentGrid(live);
  assert.equal(grid.headers[0], "rank");
  assert.deepEqual(
    grid.rows.map((r) => r[0]),
    ranks,
  );
  assert.ok(!grid.headers.includes("vm"));
}

describe("statistics by rate ratio", () => {
  it("equal a hand computation from the logs of a seeded sim run (rates drawn anew each trial)", async () => {
    const { runDir, report, live } = await simAndInspect(
      ["--experiment", "standard", "--seed", "7", "--trials", "4", "--duration", "30"],
      "drawn",
    );
    const [e] = report.experiments;
    assert.ok(e);
    compare(e, live.experiments[0], handCompute(join(runDir, "standard")));
  });

  it("give VMs of equal rate distinct ranks, the tie broken by VM id ('1, 3, 2' for rates 4, 2, 4)", async () => {
    const { runDir, report, live } = await simAndInspect(
      [
        "--experiment",
        "smaller-variation",
        "--seed",
        "3",
        "--trials",
        "2",
        "--duration",
        "20",
        "--rates",
        "4,2,4",
      ],
      "ties",
    );
    const [e] = report.experiments;
    assert.ok(e);
    const hands = handCompute(join(runDir, "smaller-variation"));
    assert.deepEqual(
      hands
        .filter((h) => h.trial === 1)
        .sort((a, b) => Number(a.vm) - Number(b.vm))
        .map((h) => h.rank),
      [1, 3, 2],
    );
    compare(e, live.experiments[0], hands);
    assert.deepEqual(
      e.ranks.map((g) => [g.rank, g.count]),
      [
        [1, 2],
        [2, 2],
        [3, 2],
      ],
    );
  });
});

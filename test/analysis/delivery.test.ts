import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { LinkDelivery, latencyOverTime, longestStall } from "../../src/analysis/delivery.js";
import { inspectPaths } from "../../src/analysis/inspect.js";
import { main } from "../../src/cli/program.js";
import { captureIo } from "../helpers/io.js";

const link = (pairs: [number, number][]) => {
  const l = new LinkDelivery();
  for (const [s, a] of pairs) l.add(s, a);
  return l;
};

describe("delivery over time", () => {
  it("finds a stream's stall: the message after a loss waits for the retransmission, the rest come at once", () => {
    // Sent every 10 ms; the second is lost and resent, arriving at 250 ms with the two behind it.
    const tcp = link([
      [0, 1],
      [10, 250],
      [20, 250.5],
      [30, 251],
    ]);
    // By hand: 1 - 0 = 1; 250 - max(10, 1) = 240; 250.5 - max(20, 250) = 0.5; 251 - 250.5 = 0.5.
    assert.equal(tcp.longestStall(), 240);
    // A datagram bus loses the second and reorders the last two: the longest wait is a latency.
    const udp = link([
      [0, 1],
      [30, 31.5],
      [20, 33],
    ]);
    // In order of arrival: 1 - 0 = 1; 31.5 - max(30, 1) = 1.5; 33 - max(20, 31.5) = 1.5.
    assert.equal(udp.longestStall(), 1.5);
    assert.equal(longestStall([tcp, udp]), 240);
    assert.equal(longestStall([]), 0);
  });

  it("puts each message's latency on the step of the grid it was sent in, the largest per step", () => {
    const a = link([
      [10, 15],
      [50, 70],
    ]);
    const b = link([
      [150, 157],
      [320, 330],
    ]);
    // Steps of 100 ms from 0, 3 points: [0,100) holds 5 and 20; [100,200) 7; a send past the last point counts there.
    assert.deepEqual(latencyOverTime({ start: 0, stepMs: 100, points: 3 }, [a, b]), [20, 7, 10]);
    assert.deepEqual(latencyOverTime({ start: 0, stepMs: 100, points: 2 }, []), [null, null]);
  });

  it("on a simulated run with a constant 20 ms latency, every stall and every step's latency is 20 ms", async () => {
    const dir = mkdtempSync(join(tmpdir(), "clocklab-delivery-"));
    try {
      const io = captureIo();
      const args = ["sim", "--trials", "1", "--duration", "10", "--rates", "2,3,5", "--latency", "20"];
      const code = await main([...args, "--seed", "3", "--log-dir", dir], io);
      assert.equal(code, 0, io.errs.join("\n"));
      const [trial] = (await inspectPaths([dir])).trials;
      assert.ok(trial !== undefined);
      // Sends at most 5 a second on a link, 200 ms apart: no message waits behind another.
      for (const v of trial.vms) assert.equal(v.stallMs, 20, v.vm);
      const steps = trial.latencyOverTime.filter((x): x is number => x !== null);
      assert.ok(steps.length > 10);
      for (const x of steps) assert.equal(x, 20);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

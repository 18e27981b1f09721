import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { LogTail } from "../../src/run/tail.js";
import { startRecord } from "../helpers/trial-logs.js";

const dir = mkdtempSync(join(tmpdir(), "clocklab-tail-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const line = (r: object) => `${JSON.stringify(r)}\n`;

describe("LogTail", () => {
  it("counts a coalesced reject record as the rejects it stands for, across polls and a split line", () => {
    const file = join(dir, "trial-1_vm-5001_rate-2.jsonl");
    writeFileSync(file, line({ event: "reject", t: 1, reason: "decode", detail: "x" }));
    const tail = new LogTail(file, "5001", 2, 10);
    assert.equal(tail.poll().rejected, 1);
    const coalesced = line({ event: "reject", t: 2, reason: "decode", detail: "x", count: 4997 });
    // Half a line now, the rest later: a record is folded only once it is complete.
    appendFileSync(file, coalesced.slice(0, 20));
    assert.equal(tail.poll().rejected, 1);
    appendFileSync(file, coalesced.slice(20) + line({ event: "reject", t: 3, reason: "shape", detail: "y" }));
    assert.equal(tail.poll().rejected, 1 + 4997 + 1);
  });
  it("folds every kind of record as a hand count, and skips a kind it does not know", () => {
    const file = join(dir, "trial-1_vm-5002_rate-1.jsonl");
    const vc = { 5002: 1 };
    const records = [
      startRecord("5002", "5001", { rate: 3, ticksPlanned: 12, startAt: 1 }),
      { event: "internal", t: 1, due: 1, tick: 1, clock: 1, queue: 0, vc },
      { event: "send", t: 2, due: 2, tick: 2, clock: 2, queue: 1, vc, to: ["5001", "5003"], seq: [1, 1] },
      { event: "fault", t: 2, kind: "loss", to: "5003", seq: 1 },
      {
        event: "receive",
        t: 3,
        due: 3,
        tick: 3,
        clock: 9,
        queue: 2,
        vc,
        from: "5001",
        seq: 1,
        msgClock: 8,
        sentAt: 2,
        arrivedAt: 2.5,
      },
      { event: "reject", t: 4, reason: "decode", detail: "x", count: 2 },
      { event: "gap", t: 5, from: "5003", missing: [4] },
      { event: "internal", t: 7, due: 7, tick: 4, clock: 10, queue: 1, vc },
      // A kind this build does not know, shaped like a tick: it must not move the view.
      { event: "mystery", t: 8, tick: 40, clock: 400, queue: 4 },
    ];
    writeFileSync(file, records.map((r) => `${JSON.stringify(r)}\n`).join(""));
    const tail = new LogTail(file, "5002", 1, 1);
    // The receive took the clock from 2 to 9: 6 values skipped, 2 ms after the first tick's deadline.
    const live = {
      vm: "5002",
      rate: 3,
      planned: 12,
      ticks: 4,
      clock: 10,
      queue: 1,
      lastJump: 6,
      lastJumpAtS: 0.002,
    };
    assert.deepEqual(tail.poll(), { ...live, sent: 2, received: 1, rejected: 2, stopped: false });
    appendFileSync(
      file,
      `${JSON.stringify({ event: "stop", t: 9, ticks: 4, sent: 2, received: 1, pending: 1, rejected: 2, reason: "duration", links: {} })}\n`,
    );
    assert.deepEqual(tail.poll(), { ...live, sent: 2, received: 1, rejected: 2, stopped: true });
  });

  it("hands an observer the start, tick and stop lines, and the bytes read as whole lines", () => {
    const file = join(dir, "trial-1_vm-5003_rate-1.jsonl");
    const vc = { 5003: 1 };
    const start = line(startRecord("5003", "5001", { ticksPlanned: 2 }));
    const tick = line({ event: "internal", t: 1, due: 1, tick: 1, clock: 1, queue: 0, vc });
    const reject = line({ event: "reject", t: 2, reason: "decode", detail: "x" });
    const half = line({ event: "internal", t: 3, due: 3, tick: 2, clock: 2, queue: 0, vc });
    writeFileSync(file, start + tick + reject + half.slice(0, 10));
    const tail = new LogTail(file, "5003", 1, 2, true);
    tail.poll();
    assert.deepEqual(tail.take(), [start.trimEnd(), tick.trimEnd()]);
    assert.deepEqual(tail.take(), []);
    assert.equal(tail.upTo, Buffer.byteLength(start + tick + reject));
    appendFileSync(file, half.slice(10));
    tail.poll();
    assert.deepEqual(tail.take(), [half.trimEnd()]);
    assert.equal(tail.upTo, Buffer.byteLength(start + tick + reject + half));
    // Without `collect`, nothing is kept for an observer.
    const quiet = new LogTail(file, "5003", 1, 2);
    quiet.poll();
    assert.deepEqual(quiet.take(), []);
  });
});

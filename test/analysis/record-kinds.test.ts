import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { vcOf } from "../../src/clock/vector.js";
import type { LogRecord, StartRecord } from "../../src/log/schema.js";
import { analyzeRecords, startRecord } from "../helpers/trial-logs.js";

const start = (vm: string, peer: string): StartRecord =>
  startRecord(vm, peer, { t: -1, duration: 4, ticksPlanned: 4 });

// A: 4 ticks at 0, 1000, 2000, 3000; sends seq 1 (which its fault layer also duplicates) and
// seq 2 (which its fault layer loses). B receives seq 1, rejects 3 undecodable frames (one
// coalesced record) and a malformed one from A, and gives up on seq 2 in a gap record.
// Conservation on A->B: sent 2 = received 1 + gap 1.
const a: LogRecord[] = [
  start("A", "B"),
  { event: "internal", t: 0, due: 0, tick: 1, clock: 1, queue: 0, vc: vcOf({ A: 1 }) },
  { event: "send", t: 1000, due: 1000, tick: 2, clock: 2, queue: 0, vc: vcOf({ A: 2 }), to: ["B"], seq: [1] },
  { event: "fault", t: 1000, kind: "duplicate", to: "B", seq: 1 },
  { event: "send", t: 2000, due: 2000, tick: 3, clock: 3, queue: 0, vc: vcOf({ A: 3 }), to: ["B"], seq: [2] },
  { event: "fault", t: 2000, kind: "loss", to: "B", seq: 2 },
  { event: "internal", t: 3000, due: 3000, tick: 4, clock: 4, queue: 0, vc: vcOf({ A: 4 }) },
  {
    event: "stop",
    t: 4000,
    ticks: 4,
    sent: 2,
    received: 0,
    pending: 0,
    rejected: 0,
    reason: "duration",
    links: { B: { sent: 2, received: 0, pending: 0 } },
  },
];
const b: LogRecord[] = [
  start("B", "A"),
  { event: "internal", t: 0, due: 0, tick: 1, clock: 1, queue: 0, vc: vcOf({ B: 1 }) },
  {
    event: "receive",
    t: 1000.5,
    due: 1000,
    tick: 2,
    clock: 3,
    queue: 0,
    vc: vcOf({ A: 2, B: 2 }),
    from: "A",
    seq: 1,
    epoch: 1,
    msgClock: 2,
    sentAt: 1000,
    arrivedAt: 1000.2,
  },
  { event: "reject", t: 1200, reason: "decode", detail: "not msgpack", count: 3 },
  { event: "reject", t: 1300, reason: "shape", detail: "no vc", from: "A" },
  { event: "internal", t: 2000, due: 2000, tick: 3, clock: 4, queue: 0, vc: vcOf({ A: 2, B: 3 }) },
  { event: "gap", t: 2500, from: "A", missing: [2], epoch: 1 },
  { event: "internal", t: 3000, due: 3000, tick: 4, clock: 5, queue: 0, vc: vcOf({ A: 2, B: 4 }) },
  {
    event: "stop",
    t: 4000,
    ticks: 4,
    sent: 0,
    received: 1,
    pending: 0,
    rejected: 4,
    reason: "duration",
    links: { A: { sent: 0, received: 1, pending: 0 } },
  },
];

describe("record kinds", () => {
  it("counts every kind of the schema as a hand count of the records, and every check passes", async () => {
    const result = await analyzeRecords([
      { id: "A", records: a },
      { id: "B", records: b },
    ]);
    assert.deepEqual(
      result.checks.filter((c) => !c.ok),
      [],
    );
    const [sa, sb] = result.vms;
    assert.ok(sa && sb);
    assert.deepEqual(sa.events, { internal: 2, send: 2, receive: 0, reject: 0, gap: 0, fault: 2 });
    // Rejects are counted as the rejects they stand for (3 + 1), not as records (2).
    assert.deepEqual(sb.events, { internal: 3, send: 0, receive: 1, reject: 4, gap: 1, fault: 0 });
    assert.equal(sa.dropped, 1, "a duplicate is not a drop");
    assert.equal(sb.gapped, 1);
    assert.deepEqual(sb.rejectReasons, { decode: 3, shape: 1 });
    assert.deepEqual(sb.rejectSenders, { unknown: 3, A: 1 });
    assert.deepEqual([sa.ticks, sb.ticks], [4, 4]);
  });

  it("a record of a kind the schema does not know fails structure and is not taken as a tick", async () => {
    // Line 6 of B, between its ticks 2 and 3, shaped like tick 3.
    const mystery = { event: "mystery", t: 1500, due: 1500, tick: 3, clock: 4, queue: 0, vc: { A: 2, B: 3 } };
    const records = [...b.slice(0, 5), mystery as unknown as LogRecord, ...b.slice(5)];
    const result = await analyzeRecords([
      { id: "A", records: a },
      { id: "B", records },
    ]);
    const structure = result.checks.find((c) => c.name === "structure");
    assert.deepEqual(structure?.violations, [{ where: "sim-B:6", message: 'unknown record kind "mystery"' }]);
    assert.deepEqual(
      result.checks.filter((c) => !c.ok).map((c) => c.name),
      ["structure"],
    );
    const sb = result.vms[1];
    assert.equal(sb?.ticks, 4);
    assert.equal(sb?.finalClock, 5);
    assert.deepEqual(sb?.events, { internal: 3, send: 0, receive: 1, reject: 4, gap: 1, fault: 0 });
  });
});

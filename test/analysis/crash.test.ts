import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { vcOf } from "../../src/clock/vector.js";
import type { LogRecord, StartRecord } from "../../src/log/schema.js";
import { analyzeRecords, startRecord } from "../helpers/trial-logs.js";

function start(
  vm: string,
  peer: string,
  epoch: number,
  t: number,
  extra: Partial<StartRecord> = {},
): StartRecord {
  return startRecord(vm, peer, { t, startAt: t, epoch, ...extra });
}

const stop = (
  t: number,
  ticks: number,
  peer: string,
  link: { sent: number; received: number },
): LogRecord => ({
  event: "stop",
  t,
  ticks,
  sent: link.sent,
  received: link.received,
  pending: 0,
  rejected: 0,
  reason: "signal",
  links: { [peer]: { ...link, pending: 0 } },
});

const send = (t: number, tick: number, seq: number): LogRecord => ({
  event: "send",
  t,
  due: t,
  tick,
  clock: tick,
  queue: 0,
  vc: vcOf({ A: tick }),
  to: ["B"],
  seq: [seq],
});

// A sends B seqs 1-3 at t = 100, 200, 300 (stamps 1-3): ticks 1-3 of rate 10 from 100.
const a: LogRecord[] = [
  start("A", "B", 10, 0, { rate: 10, startAt: 100 }),
  send(100, 1, 1),
  send(200, 2, 2),
  send(300, 3, 3),
  stop(400, 3, "B", { sent: 3, received: 0 }),
];

// B takes seq 1, and dies at t = 150 (seq 2 was in its queue, lost with it).
const beforeCrash: LogRecord[] = [
  start("B", "A", 20, 0),
  {
    event: "receive",
    t: 150,
    due: 150,
    tick: 1,
    clock: 2,
    queue: 1,
    vc: vcOf({ A: 1, B: 1 }),
    from: "A",
    seq: 1,
    msgClock: 1,
    sentAt: 100,
    arrivedAt: 120,
    epoch: 10,
  },
];

describe("inspect across a crash", () => {
  it("a VM that restarts: clocks carry on, the lost message is a gap, the crash is reported", async () => {
    const b: LogRecord[] = [
      ...beforeCrash,
      start("B", "A", 30, 250, { recovered: { epoch: 20, ticks: 1, clock: 2, tornBytes: 17 } }),
      { event: "gap", t: 340, from: "A", missing: [2], epoch: 10 },
      {
        event: "receive",
        t: 350,
        due: 350,
        tick: 1,
        clock: 4,
        queue: 0,
        vc: vcOf({ A: 3, B: 2 }),
        from: "A",
        seq: 3,
        msgClock: 3,
        sentAt: 300,
        arrivedAt: 310,
        epoch: 10,
      },
      stop(400, 1, "A", { sent: 0, received: 1 }),
    ];
    const t = await analyzeRecords([
      { id: "A", records: a },
      { id: "B", records: b },
    ]);
    for (const check of t.checks) assert.ok(check.ok, `${check.name}: ${JSON.stringify(check.violations)}`);
    assert.equal(t.crashes.length, 1);
    assert.deepEqual(t.crashes[0], {
      vm: "B",
      epoch: 20,
      afterTick: 1,
      at: 150,
      restartedAt: 250,
      newEpoch: 30,
      tornBytes: 17,
      sentWhileDown: 1, // seq 2, at t = 200
    });
    assert.equal(t.lostWithCrashes, 0);
  });

  it("a VM that never comes back: its log fails the structure check, its lost messages are explained", async () => {
    const t = await analyzeRecords([
      { id: "A", records: a },
      { id: "B", records: beforeCrash },
    ]);
    const byName = Object.fromEntries(t.checks.map((c) => [c.name, c]));
    assert.equal(byName.structure?.ok, false);
    assert.match(byName.structure?.violations[0]?.message ?? "", /killed VM, not restarted/);
    assert.equal(byName.conservation?.ok, true, JSON.stringify(byName.conservation?.violations));
    assert.equal(t.lostWithCrashes, 2);
    assert.equal(t.crashes[0]?.restartedAt, undefined);
    assert.equal(t.crashes[0]?.sentWhileDown, 2);
  });

  it("a restart must resume the clock the log ended with, under a higher epoch", async () => {
    const b: LogRecord[] = [
      ...beforeCrash,
      start("B", "A", 15, 250, { recovered: { epoch: 20, ticks: 1, clock: 9, tornBytes: 0 } }),
      stop(400, 0, "A", { sent: 0, received: 0 }),
    ];
    const t = await analyzeRecords([
      { id: "A", records: a },
      { id: "B", records: b },
    ]);
    const messages = t.checks.find((c) => c.name === "structure")?.violations.map((v) => v.message) ?? [];
    assert.ok(
      messages.some((m) => /epoch 15, not above 20/.test(m)),
      JSON.stringify(messages),
    );
    assert.ok(
      messages.some((m) => /resumed at clock 9, the log's last clock is 2/.test(m)),
      JSON.stringify(messages),
    );
  });
});

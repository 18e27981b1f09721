import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Rng } from "../../src/base/rng.js";
import { plainVc, vcOf } from "../../src/clock/vector.js";
import { frameInbox } from "../../src/host/inbox.js";
import { warmUp } from "../../src/host/warm-up.js";
import type { LogRecord, ReceiveRecord, SendRecord } from "../../src/log/schema.js";
import { memorySink } from "../../src/log/writer.js";
import { simulateTrial } from "../../src/sim/trial.js";
import { Machine, type MachineConfig } from "../../src/vm/machine.js";
import { encodeMessage } from "../../src/wire/codec.js";
import { analyzeRecords } from "../helpers/trial-logs.js";

/** An RNG that replays fixed draws: value v in 1..range comes from (v - 0.5) / range. */
function scripted(draws: number[], range: number): Rng {
  let i = 0;
  return { next: () => ((draws[i++ % draws.length] as number) - 0.5) / range };
}

function machineWith(draws: number[], extra: Partial<MachineConfig> = {}) {
  const sink = memorySink();
  const sent: { to: string; frame: Uint8Array }[] = [];
  let now = 1000;
  const machine = new Machine(
    { id: "5001", peers: ["5002", "5003"], eventRange: 10, epoch: 7, ...extra },
    {
      now: () => now,
      rng: scripted(draws, 10),
      outbox: (msg) => sent.push({ to: msg.to, frame: encodeMessage(msg) }),
      sink,
    },
  );
  // Frames reach the Machine as in a VM process: decoded by the host's inbox.
  const frame = frameInbox(machine, "5001", ["5002", "5003"]);
  return { machine, frame, sink, sent, advance: (ms: number) => (now += ms) };
}

const incoming = (seq: number, clock: number) =>
  encodeMessage({
    v: 1,
    from: "5002",
    to: "5001",
    epoch: 1,
    seq,
    clock,
    vc: vcOf({ "5002": clock }),
    sentAt: 5,
  });

describe("machine", () => {
  it("stamps a send with the clock after its increment, one record for a broadcast", () => {
    const { machine, sink, sent } = machineWith([4, 3]);
    machine.tick(1, 1000); // internal: clock 1
    machine.tick(2, 1001); // broadcast: clock 2
    const send = sink.records[1] as SendRecord;
    assert.equal(sink.records.length, 2);
    assert.equal(send.event, "send");
    assert.equal(send.clock, 2);
    assert.deepEqual(send.to, ["5002", "5003"]);
    assert.deepEqual(send.seq, [1, 1]);
    assert.equal(sent.length, 2);
  });

  it("takes exactly one queued message per tick, jumping the clock past its stamp", () => {
    const { machine, frame, sink } = machineWith([5]);
    frame(incoming(1, 10), "5002");
    frame(incoming(2, 11), "5002");
    machine.tick(1, 1000);
    const r = sink.records[0] as ReceiveRecord;
    assert.equal(r.event, "receive");
    assert.equal(r.clock, 11);
    assert.equal(r.queue, 1);
    assert.deepEqual(plainVc(r.vc), { "5001": 1, "5002": 10 });
    machine.tick(2, 1001);
    assert.equal((sink.records[1] as ReceiveRecord).clock, 12);
    machine.tick(3, 1002);
    assert.equal(sink.records[2]?.event, "internal");
  });

  it("rejects a bad frame with a record and leaves the clock alone", () => {
    const { machine, frame, sink } = machineWith([5]);
    machine.tick(1, 1000);
    frame(Uint8Array.from([1, 2, 3]), "5002");
    frame(incoming(1, 99), "5003");
    assert.equal(machine.clock, 1);
    assert.equal(machine.queueLength, 0);
    assert.deepEqual(
      sink.records.slice(1).map((r) => (r.event === "reject" ? r.reason : r.event)),
      ["decode", "sender-mismatch"],
    );
    assert.equal(machine.stop("duration").rejected, 2);
  });

  it("refuses what arrives at a full queue, with a record naming the message", () => {
    const { machine, frame, sink } = machineWith([5], { maxQueue: 2 });
    for (const seq of [1, 2, 3]) frame(incoming(seq, seq), "5002");
    assert.equal(machine.queueLength, 2);
    const reject = sink.records.at(-1);
    assert.equal(reject?.event, "reject");
    assert.deepEqual(reject?.event === "reject" && [reject.reason, reject.from, reject.seq], [
      "queue-full",
      "5002",
      3,
    ]);
    assert.equal(machine.stop("duration").rejected, 1);
  });

  it("resumes clocks and each sender's position from a crashed incarnation", () => {
    const senders = new Map([["5002", { epoch: 1, next: 4 }]]);
    const { machine, frame, sink } = machineWith([5], { resume: { clock: 40, vc: { "5001": 30 }, senders } });
    frame(incoming(3, 3), "5002"); // received before the crash: a duplicate now
    frame(incoming(4, 50), "5002");
    machine.tick(1, 1000);
    assert.deepEqual(
      sink.records.map((r) => (r.event === "reject" ? r.reason : r.event)),
      ["duplicate", "receive"],
    );
    const r = sink.records[1] as ReceiveRecord;
    assert.equal(r.clock, 51);
    assert.equal(r.epoch, 1);
    assert.deepEqual(plainVc(r.vc), { "5001": 31, "5002": 50 });
  });

  it("counts queued and held messages as pending per link at stop", () => {
    const { machine, frame } = machineWith([5]);
    frame(incoming(1, 3), "5002");
    frame(incoming(3, 5), "5002"); // held: seq 2 missing
    const stop = machine.stop("duration");
    assert.deepEqual(stop.links["5002"], { sent: 0, received: 0, pending: 2, reordered: 1 });
    assert.equal(stop.pending, 2);
  });
});

describe("rejects under a flood", () => {
  /** `n` bad frames over `seconds` of virtual time, a tick every 20 ms, then stop. */
  function flood(n: number, seconds: number, hint: (i: number) => string | undefined) {
    const { machine, frame, sink, advance } = machineWith([5]);
    const step = (seconds * 1000) / n;
    let tick = 0;
    let sinceTick = 0;
    for (let i = 0; i < n; i++) {
      frame(Uint8Array.from([0xc1, i & 0xff]), hint(i));
      advance(step);
      sinceTick += step;
      if (sinceTick >= 20) {
        sinceTick -= 20;
        tick += 1;
        machine.tick(tick, 1000 + tick * 20);
      }
    }
    const stop = machine.stop("signal");
    const rejects = sink.records.filter((r) => r.event === "reject");
    return { records: sink.records, rejects, stop, ticks: tick };
  }
  const counted = (rs: readonly LogRecord[]) =>
    rs.reduce((s, r) => s + (r.event === "reject" ? (r.count ?? 1) : 0), 0);

  it("counts every frame of a flood from one sender in a bounded number of records", () => {
    const { records, rejects, stop, ticks } = flood(50_000, 2.5, () => "5002");
    assert.equal(stop.rejected, 50_000);
    assert.equal(counted(records), 50_000, "the counts add up to stop.rejected");
    // 10 in full, one a second for 2.5 s, one at stop.
    assert.ok(rejects.length <= 10 + 3 + 1, `${rejects.length} reject records`);
    assert.equal(records.at(-1), stop, "nothing held back is written after stop");
    const tickRecords = records.filter((r) => r.event === "internal");
    assert.equal(tickRecords.length, ticks);
    for (const [i, r] of tickRecords.entries()) assert.equal(r.clock, i + 1, "rejects never move the clock");
    for (const [i, r] of records.entries()) {
      assert.ok(i === 0 || r.t >= (records[i - 1] as LogRecord).t, `record ${i} goes back`);
    }
  });

  it("stays bounded when every frame names another sender, keeping the names in the full records", () => {
    const { rejects, stop } = flood(50_000, 2.5, (i) => `9${i}`);
    assert.equal(stop.rejected, 50_000);
    assert.equal(counted(rejects), 50_000);
    assert.ok(rejects.length <= 14, `${rejects.length} reject records`);
    assert.deepEqual(
      rejects.slice(0, 10).map((r) => r.event === "reject" && r.from),
      Array.from({ length: 10 }, (_, i) => `9${i}`),
    );
  });

  it("flushes what it holds before stop, and writes the same log for the same input", () => {
    const a = flood(500, 0.1, (i) => (i % 2 === 0 ? "5002" : "5003"));
    assert.equal(a.stop.rejected, 500);
    assert.equal(counted(a.records), 500);
    const held = a.rejects.filter((r) => r.event === "reject" && r.count !== undefined);
    assert.deepEqual(
      held.map((r) => r.event === "reject" && [r.from, r.count, r.t]),
      [
        ["5002", 240, a.stop.t],
        ["5003", 240, a.stop.t],
      ],
      "one record per peer, written at stop",
    );
    assert.deepEqual(
      flood(500, 0.1, (i) => (i % 2 === 0 ? "5002" : "5003")),
      a,
    );
  });

  it("writes a lone reject in full, as before", () => {
    const { records, stop } = flood(1, 1, () => "5002");
    assert.equal(stop.rejected, 1);
    const r = records.find((x) => x.event === "reject");
    assert.deepEqual(r?.event === "reject" && [r.reason, r.from, r.count], ["decode", "5002", undefined]);
  });
});

describe("machines in virtual time", () => {
  const trial = (seed: number, offsets?: number[]) =>
    simulateTrial({
      ids: ["5001", "5002", "5003"],
      rates: [1, 2, 3].map(() => ({ min: 1, max: 6, multiplier: 1 })),
      durationS: 60,
      seed,
      trial: 1,
      eventRange: 10,
      ...(offsets === undefined ? {} : { startOffsetsMs: offsets }),
    });

  it("keep every clock rule, FIFO per link and conservation over a 60 s trial", async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const vms = trial(seed);
      for (const check of (await analyzeRecords(vms)).checks) {
        assert.ok(check.ok, `seed ${seed} ${check.name}: ${JSON.stringify(check.violations)}`);
        assert.ok(check.checked > 0, `${check.name} looked at nothing`);
      }
      const messages = vms.reduce((s, vm) => s + vm.stop.received, 0);
      assert.ok(messages > 0, "no message was exchanged");
    }
  });

  it("are deterministic for a seed", () => {
    assert.deepEqual(trial(9), trial(9));
    assert.notDeepEqual(trial(9), trial(10));
  });

  it("lose nothing when one VM starts a second late", async () => {
    const vms = trial(3, [0, 0, 1000]);
    for (const check of (await analyzeRecords(vms)).checks)
      assert.ok(check.ok, `${check.name}: ${JSON.stringify(check.violations)}`);
  });
});

describe("warmUp", () => {
  it("runs the tick and receive paths for any number of peers without touching anything real", () => {
    for (const peers of [[], ["5002"], Array.from({ length: 31 }, (_, i) => String(5002 + i))]) {
      assert.doesNotThrow(() => warmUp("5001", peers, Math.max(10, peers.length + 1), 200));
    }
  });
});

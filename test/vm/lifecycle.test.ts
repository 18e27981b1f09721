import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StartRecord } from "../../src/log/schema.js";
import { memorySink } from "../../src/log/writer.js";
import {
  drainEnd,
  endLife,
  type LifeEnd,
  type LifeSpec,
  runLife,
  startRecord,
  tickPlan,
} from "../../src/vm/lifecycle.js";
import { Machine } from "../../src/vm/machine.js";
import { VirtualTimeSource } from "../../src/vm/time.js";

const spec: LifeSpec = {
  id: "5001",
  peers: ["5002", "5003"],
  trial: 2,
  seed: 9,
  eventRange: 10,
  rate: 4,
  startAt: 10_000,
  durationS: 2,
  epoch: 77,
  gapTimeoutMs: 1000,
  drainMs: 300,
};

/** A machine whose draws are all internal events (draw 10 of 10), so it sends nothing. */
function quietMachine(time: VirtualTimeSource) {
  const sink = memorySink();
  const machine = new Machine(
    { id: spec.id, peers: spec.peers, eventRange: spec.eventRange, epoch: spec.epoch },
    { now: () => time.now(), rng: { next: () => 0.99 }, outbox: () => assert.fail("nothing is sent"), sink },
  );
  return { machine, sink };
}

describe("lifecycle", () => {
  it("plans floor(rate * seconds) ticks, fewer for a VM that ticks for less of the trial", () => {
    assert.deepEqual(tickPlan(spec), { startAt: 10_000, rate: 4, count: 8 });
    assert.equal(tickPlan({ ...spec, rate: 0.1, durationS: 30 }).count, 3);
    assert.equal(tickPlan({ ...spec, tickS: 1.25 }).count, 5);
  });

  it("writes the start record from the spec, the plan and the host's stamp, fields in log order", () => {
    const plan = tickPlan(spec);
    const start = startRecord(spec, plan, { t: 9_999, transport: "tcp", pid: 42, host: "h" });
    assert.deepEqual(Object.keys(start), [
      "event",
      "t",
      "vm",
      "trial",
      "rate",
      "peers",
      "transport",
      "seed",
      "eventRange",
      "startAt",
      "duration",
      "epoch",
      "version",
      "pid",
      "host",
      "ticksPlanned",
      "gapTimeoutMs",
      "drainMs",
    ]);
    const { version, ...rest } = start;
    assert.match(version, /^\d+\.\d+\.\d+/);
    assert.deepEqual(rest, {
      event: "start",
      t: 9_999,
      vm: "5001",
      trial: 2,
      rate: 4,
      peers: ["5002", "5003"],
      transport: "tcp",
      seed: 9,
      eventRange: 10,
      startAt: 10_000,
      duration: 2,
      epoch: 77,
      pid: 42,
      host: "h",
      ticksPlanned: 8,
      gapTimeoutMs: 1000,
      drainMs: 300,
    } satisfies Omit<StartRecord, "version">);
  });

  it("writes `recovered` last, with only the four fields a reader needs, when the host continues a crashed log", () => {
    const plan = tickPlan(spec);
    const recovered = {
      path: "/logs/trial-2_vm-5001_rate-4.jsonl",
      epoch: 70,
      tornBytes: 17,
      ticks: 5,
      clock: 12,
      vc: { "5001": 5 },
      senders: new Map([["5002", { epoch: 3, next: 4 }]]),
    };
    const start = startRecord(spec, plan, { t: 9_999, transport: "tcp", pid: 42, host: "h", recovered });
    assert.equal(Object.keys(start).at(-1), "recovered");
    assert.deepEqual(start.recovered, { epoch: 70, ticks: 5, clock: 12, tornBytes: 17 });
    const fresh = startRecord(spec, plan, {
      t: 9_999,
      transport: "tcp",
      pid: 42,
      host: "h",
      recovered: undefined,
    });
    assert.equal("recovered" in fresh, false);
  });

  it("drains drainMs past the planned end, or past the last tick when the VM ran late", () => {
    assert.equal(drainEnd(spec, 11_000), 12_300);
    assert.equal(drainEnd(spec, 12_100), 12_400);
  });

  it("ticks on plan, then ends once at the drain's end; endLife writes the stop record", () => {
    const time = new VirtualTimeSource(9_000);
    const { machine, sink } = quietMachine(time);
    const ends: [LifeEnd["reason"], number][] = [];
    runLife(time, machine, spec, tickPlan(spec), {
      drain: true,
      onEnd: (end) => ends.push([end.reason, time.now()]),
    });
    time.run();
    // 8 ticks at 10000, 10250, ... 11750; the planned end 12000 plus 300 ms of drain.
    assert.deepEqual(
      sink.records.map((r) => (r.event === "internal" ? r.due : r.event)),
      [10_000, 10_250, 10_500, 10_750, 11_000, 11_250, 11_500, 11_750],
    );
    assert.deepEqual(ends, [["duration", 12_300]]);
    const stop = endLife(machine, "duration");
    assert.equal(stop.ticks, 8);
    assert.equal(sink.records.at(-1)?.event, "stop");
  });

  it("without drain nothing follows the last tick; cancel stops the ticks", () => {
    const time = new VirtualTimeSource(9_000);
    const { machine, sink } = quietMachine(time);
    const life = runLife(time, machine, spec, tickPlan(spec), {
      drain: false,
      onEnd: () => assert.fail("no end without drain"),
    });
    time.run(10_600);
    life.cancel();
    assert.equal(time.run(), 0);
    assert.equal(sink.records.length, 3);
  });

  it("a tick that throws ends the life with its message and stops ticking", () => {
    const time = new VirtualTimeSource(9_000);
    const sink = memorySink();
    let writes = 0;
    const machine = new Machine(
      { id: spec.id, peers: spec.peers, eventRange: spec.eventRange, epoch: spec.epoch },
      {
        now: () => time.now(),
        rng: { next: () => 0.99 },
        outbox: () => {},
        sink: {
          write: (r) => {
            writes += 1;
            if (writes === 2) throw new Error("disk gone");
            sink.write(r);
          },
        },
      },
    );
    const ends: LifeEnd[] = [];
    runLife(time, machine, spec, tickPlan(spec), { drain: true, onEnd: (end) => ends.push(end) });
    time.run();
    assert.equal(ends.length, 1);
    assert.equal(ends[0]?.reason, "error");
    assert.equal(ends[0]?.reason === "error" ? ends[0].error : "", "disk gone");
    assert.equal(sink.records.length, 1);
  });
});

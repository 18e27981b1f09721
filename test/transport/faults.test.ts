import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UsageError } from "../../src/base/errors.js";
import { createRng } from "../../src/base/rng.js";
import {
  type FaultEvent,
  type FaultSpec,
  NO_FAULTS,
  parseLatency,
  parsePartitions,
  parseProbability,
  withFaults,
} from "../../src/transport/faults.js";
import type { Transport } from "../../src/transport/transport.js";

/** A fake inner transport and fake clock: records what reaches the wire and when. */
function harness(spec: Partial<FaultSpec>, seed = 1) {
  let now = 0;
  const wire: { to: string; n: number; at: number }[] = [];
  const faults: FaultEvent[] = [];
  const timers: { at: number; fn: () => void }[] = [];
  let closedWith: number | undefined;
  const inner: Transport = {
    name: "fake",
    start: async () => {},
    send: (to, frame) => wire.push({ to, n: frame[0] as number, at: now }),
    close: async (linger) => {
      closedWith = linger;
      return 0;
    },
  };
  const t = withFaults(
    inner,
    { ...NO_FAULTS, ...spec },
    {
      self: "a",
      rng: createRng(seed),
      now: () => now,
      startAt: () => 0,
      report: (e) => faults.push(e),
      setTimeout: (fn, ms) => {
        const timer = { at: now + ms, fn };
        timers.push(timer);
        return timer;
      },
      clearTimeout: (h) => {
        timers.splice(timers.indexOf(h as (typeof timers)[number]), 1);
      },
    },
  );
  const advance = (to: number) => {
    for (;;) {
      timers.sort((x, y) => x.at - y.at);
      const next = timers[0];
      if (next === undefined || next.at > to) break;
      timers.shift();
      now = next.at;
      next.fn();
    }
    now = to;
  };
  const send = (n: number, to = "b") => t.send(to, Uint8Array.of(n % 256));
  return { t, wire, faults, send, advance, setNow: (x: number) => (now = x), closedWith: () => closedWith };
}

describe("fault layer", () => {
  it("passes everything through untouched without faults", () => {
    const h = harness({});
    for (let n = 0; n < 100; n++) h.send(n);
    assert.equal(h.wire.length, 100);
    assert.deepEqual(h.faults, []);
  });

  it("drops about p of the messages, reports each, and is the same for the same seed", () => {
    const runOnce = () => {
      const h = harness({ loss: 0.2 }, 7);
      for (let n = 0; n < 10_000; n++) h.send(n);
      return h;
    };
    const h = runOnce();
    assert.equal(h.wire.length + h.faults.length, 10_000);
    assert.ok(h.faults.every((f) => f.kind === "loss"));
    assert.ok(
      h.faults.length > 1800 && h.faults.length < 2200,
      `${h.faults.length} lost of 10,000 at p = 0.2`,
    );
    assert.equal(runOnce().faults.length, h.faults.length);
  });

  it("duplicates: the message reaches the wire twice and is reported once", () => {
    const h = harness({ duplicate: 1 });
    h.send(5);
    assert.deepEqual(
      h.wire.map((w) => w.n),
      [5, 5],
    );
    assert.deepEqual(
      h.faults.map((f) => f.kind),
      ["duplicate"],
    );
  });

  it("cuts a link only inside its window, and only that link", () => {
    const h = harness({ partitions: parsePartitions("a-b@1-2") });
    for (const at of [999, 1000, 1500, 1999, 2000]) {
      h.setNow(at);
      h.send(at);
      h.send(at, "c");
    }
    assert.deepEqual(
      h.faults.map((f) => f.kind),
      ["partition", "partition", "partition"],
    );
    assert.equal(h.wire.filter((w) => w.to === "b").length, 2);
    assert.equal(h.wire.filter((w) => w.to === "c").length, 5);
  });

  it("delays by the latency model, and flushes what it still holds on close", async () => {
    const h = harness({ latency: { kind: "constant", ms: 20 } });
    h.send(1);
    h.advance(19);
    assert.equal(h.wire.length, 0);
    h.advance(20);
    assert.deepEqual(
      h.wire.map((w) => w.at),
      [20],
    );
    h.send(2);
    await h.t.close(50);
    assert.equal(h.wire.length, 2);
    assert.equal(h.closedWith(), 50);
  });

  it("draws exponential latencies with about the requested mean", () => {
    const h = harness({ latency: parseLatency("exp:20") }, 3);
    for (let n = 0; n < 5000; n++) h.send(n);
    h.advance(1e9);
    const mean = h.wire.reduce((s, w) => s + w.at, 0) / h.wire.length;
    assert.ok(mean > 18 && mean < 22, `mean ${mean}`);
  });

  it("parses its flags and names the field in every error", () => {
    assert.deepEqual(parseLatency("20"), { kind: "constant", ms: 20 });
    assert.deepEqual(parseLatency("uniform:10-30"), { kind: "uniform", minMs: 10, maxMs: 30 });
    assert.deepEqual(parsePartitions("5001>5002@10-20"), [
      { from: "5001", to: "5002", startS: 10, endS: 20 },
    ]);
    assert.equal(parseProbability("loss", "0.05"), 0.05);
    for (const [f, field, bad] of [
      [() => parseLatency("fast"), "latency", /^latency: /],
      [() => parseLatency("uniform:30-10"), "latency", /^latency: /],
      [() => parsePartitions("5001-5002@20-10"), "partition", /^partition: /],
      [
        () => parseProbability("duplicate", "1.5"),
        "duplicate",
        /^duplicate: expected a probability from 0 to 1, got "1.5"$/,
      ],
    ] as const) {
      assert.throws(
        f,
        (err: unknown) => err instanceof UsageError && err.fault?.field === field && bad.test(err.message),
      );
    }
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dueTime, runTicks, ticksFor } from "../../src/vm/scheduler.js";
import { createRealTimeSource, VirtualTimeSource } from "../../src/vm/time.js";

describe("tick scheduler (virtual time)", () => {
  it("runs 10,000 ticks on their exact deadlines: no drift, never early", () => {
    const time = new VirtualTimeSource(0);
    const plan = { startAt: 1000, rate: 3, count: 10_000 };
    const fired: { n: number; due: number; at: number }[] = [];
    let done = false;
    runTicks(
      time,
      plan,
      (n, due) => fired.push({ n, due, at: time.now() }),
      () => (done = true),
    );
    time.run();
    assert.equal(done, true);
    assert.equal(fired.length, 10_000);
    for (const f of fired) {
      assert.equal(f.due, 1000 + ((f.n - 1) * 1000) / 3);
      assert.ok(f.at >= f.due, `tick ${f.n} early`);
      assert.equal(f.at, f.due);
    }
    // The last deadline is computed from n, not accumulated: exactly (n-1)/rate after start.
    assert.equal(fired.at(-1)?.due, 1000 + (9_999 * 1000) / 3);
  });

  it("catches up after a stall without shifting later deadlines", () => {
    const time = new VirtualTimeSource(0);
    const plan = { startAt: 0, rate: 10, count: 50 };
    const fired: { n: number; due: number; at: number }[] = [];
    runTicks(
      time,
      plan,
      (n, due) => {
        fired.push({ n, due, at: time.now() });
        if (n === 5) time.advance(750); // tick 5 kept the loop busy for 750 ms
      },
      () => {},
    );
    time.run();
    assert.equal(fired.length, 50);
    for (const f of fired) {
      assert.equal(f.due, dueTime(plan, f.n));
      assert.ok(f.at >= f.due, `tick ${f.n} early`);
    }
    // Ticks 6..12 were overdue and ran back to back at the end of the stall ...
    for (let n = 6; n <= 12; n++) assert.equal(fired[n - 1]?.at, 1150);
    // ... and from then on every tick is on its original deadline again.
    for (let n = 13; n <= 50; n++) assert.equal(fired[n - 1]?.at, dueTime(plan, n));
  });

  it("counts floor(rate * duration) ticks, also for fractional rates", () => {
    assert.equal(ticksFor(3, 60), 180);
    assert.equal(ticksFor(1.5, 5), 7);
    assert.equal(ticksFor(0.1, 30), 3);
  });
});

describe("real time source", () => {
  it("never fires before the deadline, even when timers fire early", () => {
    let now = 0;
    const timers: { at: number; fn: () => void }[] = [];
    const time = createRealTimeSource({
      now: () => now,
      // A hostile timer: fires up to 1.5 ms before it was asked to (but not before it was set).
      setTimeout: (fn, ms) => timers.push({ at: now + Math.max(0.05, ms - 1.5), fn }),
      clearTimeout: () => {},
      setImmediate: (fn) => timers.push({ at: now + 0.01, fn }),
      clearImmediate: () => {},
      // A sleep that may wake a little early, too.
      sleep: (ms) => (now += Math.max(0.001, ms - 0.05)),
      spinMs: 2,
    });
    let firedAt: number | undefined;
    time.at(100, () => (firedAt = now));
    while (firedAt === undefined) {
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift();
      assert.ok(next, "nothing scheduled before the deadline fired");
      now = Math.max(now, next.at);
      next.fn();
    }
    assert.ok(firedAt >= 100, `fired at ${firedAt}, before 100`);
    assert.ok(firedAt < 100.1, `fired at ${firedAt}, well after 100`);
  });

  it("can be cancelled before it fires", () => {
    let now = 0;
    const pending = new Map<number, () => void>();
    let next = 0;
    const add = (fn: () => void): number => {
      pending.set(++next, fn);
      return next;
    };
    const clear = (h: unknown): void => {
      pending.delete(h as number);
    };
    const time = createRealTimeSource({
      now: () => now,
      setTimeout: add,
      clearTimeout: clear,
      setImmediate: add,
      clearImmediate: clear,
      sleep: (ms) => (now += ms),
    });
    let fired = 0;
    const cancelA = time.at(50, () => (fired += 1));
    time.at(50, () => (fired += 10));
    // Run the initial yields, so each timer is re-armed on a setTimeout, then cancel one.
    for (const [h, fn] of [...pending]) {
      pending.delete(h);
      fn();
    }
    cancelA();
    now = 60;
    for (let guard = 0; pending.size > 0 && guard < 10; guard++) {
      for (const [h, fn] of [...pending]) {
        pending.delete(h);
        fn();
      }
    }
    assert.equal(fired, 10);
  });
});

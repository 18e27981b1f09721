import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRng, randomInt } from "../../src/base/rng.js";
import { VectorClockValue, vcOf } from "../../src/clock/vector.js";
import { TickScanner, wallTimeValue } from "../../src/log/fast/scan.js";
import { vcJson } from "../../src/log/fast/serialize.js";
import { TICK_FIELDS } from "../../src/log/schema.js";
import { recordLine } from "../../src/log/serialize.js";
import { simulateTrial } from "../../src/sim/trial.js";

describe("recordLine and TickScanner", () => {
  it("write every record of a simulated trial as JSON.stringify does, and read tick records back", () => {
    const vms = simulateTrial({
      ids: ["5001", "5002", "5003", "5004"],
      rates: [{ fixed: 6, min: 1, max: 6, multiplier: 1 }],
      durationS: 30,
      seed: 4,
      trial: 1,
      eventRange: 5,
      // Random latency lets messages overtake each other: receives of held-back messages too.
      latency: { kind: "exponential", meanMs: 400 },
    });
    const events = new Set<string>();
    const scanner = new TickScanner();
    let lines = 0;
    for (const vm of vms) {
      for (const record of vm.records) {
        const line = recordLine(record);
        assert.equal(line, JSON.stringify(record));
        // Tick records read back through the scanner, not JSON.parse, and come back the same.
        if (record.event === "internal" || record.event === "send" || record.event === "receive") {
          const back = scanner.scan(line);
          assert.ok(back !== undefined, `scanner gave up on ${line}`);
          assert.equal(JSON.stringify(back), line);
          // The Machine builds records in the schema's field order, which both paths follow.
          const order = ["event", ...TICK_FIELDS[record.event]];
          assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(record))), order);
          assert.deepEqual(Object.keys(back), order);
        }
        events.add(record.event);
        lines += 1;
      }
    }
    // Long latencies also make gaps given up on, and late arrivals refused as duplicates.
    assert.deepEqual([...events].sort(), ["gap", "internal", "receive", "reject", "send", "start", "stop"]);
    assert.ok(lines > 500, `${lines} records`);
  });

  it("orders a snapshot's ids as JSON.stringify orders the map form, and omits zero entries", () => {
    const ids = ["b", "5001", "a.1", "10", "0", "007", "4294967295", "4294967294"];
    const snapshot = new VectorClockValue(ids, [1, 2, 3, 4, 5, 0, 7, 8]);
    assert.equal(vcJson(snapshot), JSON.stringify(snapshot.toJSON()));
    assert.equal(
      vcJson(
        new VectorClockValue(
          ids,
          ids.map(() => 0),
        ),
      ),
      "{}",
    );
  });

  it("writes non-finite numbers as null, as JSON does", () => {
    const record = {
      event: "internal",
      t: Number.NaN,
      tick: 1,
      due: 0,
      clock: 1,
      vc: vcOf({}),
      queue: 0,
    } as const;
    assert.equal(recordLine(record), JSON.stringify(record));
  });
});

describe("wallTimeValue", () => {
  it("equals Number() on wall times with up to 8 fraction digits, as written and at random", () => {
    const rng = createRng(21);
    for (let i = 0; i < 300_000; i++) {
      const int = 2 ** 40 + Math.floor(rng.next() * 2 ** 40);
      const digits = randomInt(rng, 1, 8);
      const fraction = Math.floor(rng.next() * 10 ** digits);
      const text = `${int}.${String(fraction).padStart(digits, "0")}`;
      assert.equal(wallTimeValue(int, fraction, digits), Number(text), text);
      // A double of this range as JS writes it (the shortest form) reads back as itself.
      const t = int + rng.next();
      const written = `${t}`;
      const [whole, frac = ""] = written.split(".");
      if (frac.length > 0 && frac.length <= 8) {
        assert.equal(wallTimeValue(Number(whole), Number(frac), frac.length), t, written);
      }
    }
  });
});

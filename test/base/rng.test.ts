import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRng, deriveSeed, randomInt } from "../../src/base/rng.js";
import { chooseRate } from "../../src/vm/rate.js";

describe("seeded RNG", () => {
  it("gives the same stream for the same seed and a different one for another", () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 100 }, () => a.next());
    assert.deepEqual(
      xs,
      Array.from({ length: 100 }, () => b.next()),
    );
    assert.notDeepEqual(
      xs,
      Array.from({ length: 100 }, () => c.next()),
    );
  });

  it("draws integers covering exactly [min, max], near uniformly", () => {
    const rng = createRng(7);
    const counts = new Map<number, number>();
    for (let i = 0; i < 60_000; i++) {
      const v = randomInt(rng, 1, 6);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    assert.deepEqual([...counts.keys()].sort(), [1, 2, 3, 4, 5, 6]);
    for (const n of counts.values()) assert.ok(n > 9_000 && n < 11_000, `count ${n} far from 10,000`);
  });

  it("derives different streams per VM and trial from one user seed", () => {
    const seeds = new Set([deriveSeed(1, "5001", 1), deriveSeed(1, "5002", 1), deriveSeed(1, "5001", 2)]);
    assert.equal(seeds.size, 3);
    assert.equal(deriveSeed(1, "5001", 1), deriveSeed(1, "5001", 1));
  });

  it("chooses the rate from the seed, fixed by overridefreq and scaled by multiplier", () => {
    const spec = { min: 1, max: 6, multiplier: 1 };
    const drawn = chooseRate(spec, createRng(9));
    assert.equal(chooseRate(spec, createRng(9)), drawn);
    assert.ok(Number.isInteger(drawn) && drawn >= 1 && drawn <= 6);
    assert.equal(chooseRate({ ...spec, fixed: 3, multiplier: 2 }, createRng(9)), 6);
    assert.equal(chooseRate({ ...spec, multiplier: 0.5 }, createRng(9)), drawn * 0.5);
  });
});

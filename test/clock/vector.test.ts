import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRng, randomInt } from "../../src/base/rng.js";
import { type VectorClock, vectorLocal, vectorReceive } from "../../src/clock/clocks.js";
import { plainVc, type VectorClockValue, VectorState, vcOf } from "../../src/clock/vector.js";

describe("VectorState", () => {
  it("follows the pure vector clock rules under a seeded mix of events, both message forms", () => {
    const rng = createRng(7);
    const ids = ["5001", "5002", "5003", "5004"];
    // Each VM knows the others in a different order, and 5004 is nobody's configured peer.
    const states = ids.map(
      (id, i) =>
        new VectorState(
          id,
          i === 3
            ? []
            : ids
                .filter((p) => p !== id)
                .reverse()
                .slice(0, 2),
        ),
    );
    const plain: VectorClock[] = ids.map(() => ({}));
    for (let step = 0; step < 5000; step++) {
      const a = randomInt(rng, 0, 3);
      const b = randomInt(rng, 0, 3);
      const self = ids[a] as string;
      if (a === b) {
        states[a]?.local();
        plain[a] = vectorLocal(plain[a] as VectorClock, self);
      } else {
        const sent = states[b]?.snapshot() as VectorClockValue;
        // Half the messages carry the sender's own value, half one made from its map form (a
        // decoded frame's), with ids in another order and a layout of their own.
        states[a]?.receive(step % 2 === 0 ? sent : vcOf(sent.toJSON()));
        plain[a] = vectorReceive(plain[a] as VectorClock, plain[b] as VectorClock, self);
      }
      assert.deepEqual(plainVc(states[a]?.snapshot() as VectorClockValue), plain[a], `step ${step}`);
    }
  });

  it("starts from a resumed clock and keeps snapshots unchanged by later events", () => {
    const state = new VectorState("5001", ["5002"], { "5001": 30, "5009": 2 });
    const before = state.snapshot();
    state.receive(vcOf({ "5002": 50, "5010": 1 }));
    assert.deepEqual(before.toJSON(), { "5001": 30, "5009": 2 });
    assert.deepEqual(state.snapshot().toJSON(), { "5001": 31, "5002": 50, "5009": 2, "5010": 1 });
    assert.equal(JSON.stringify({ vc: state.snapshot() }), '{"vc":{"5001":31,"5002":50,"5009":2,"5010":1}}');
  });
});

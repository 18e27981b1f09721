import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  happenedBefore,
  lamportLocal,
  lamportReceive,
  vectorLocal,
  vectorReceive,
} from "../../src/clock/clocks.js";

describe("Lamport clock", () => {
  it("advances by one on a local event", () => {
    assert.equal(lamportLocal(0), 1);
    assert.equal(lamportLocal(41), 42);
  });

  it("jumps past the message stamp on receive", () => {
    assert.equal(lamportReceive(3, 10), 11);
  });

  it("still advances when the message is older than the local clock", () => {
    assert.equal(lamportReceive(10, 3), 11);
    assert.equal(lamportReceive(5, 5), 6);
  });
});

describe("vector clock", () => {
  it("increments only its own entry on a local event, without mutating the input", () => {
    const before = { a: 2, b: 1 };
    assert.deepEqual(vectorLocal(before, "a"), { a: 3, b: 1 });
    assert.deepEqual(before, { a: 2, b: 1 });
    assert.deepEqual(vectorLocal({}, "c"), { c: 1 });
  });

  it("takes the element-wise max on receive, then increments its own entry", () => {
    assert.deepEqual(vectorReceive({ a: 4, b: 1 }, { a: 2, b: 3, c: 5 }, "a"), { a: 5, b: 3, c: 5 });
  });

  it("orders causally related events and no others", () => {
    assert.equal(happenedBefore({ a: 1 }, { a: 1, b: 1 }), true);
    assert.equal(happenedBefore({ a: 1, b: 1 }, { a: 1 }), false);
    assert.equal(happenedBefore({ a: 2 }, { b: 2 }), false);
    assert.equal(happenedBefore({ a: 1 }, { a: 1 }), false);
  });
});

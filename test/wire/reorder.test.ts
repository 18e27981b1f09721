import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { vcOf } from "../../src/clock/vector.js";
import type { WireMessage } from "../../src/wire/message.js";
import { MAX_SEQ_AHEAD, ReorderBuffer, type ReorderOutput } from "../../src/wire/reorder.js";

const msg = (seq: number, epoch = 100, from = "5002"): WireMessage => ({
  v: 1,
  from,
  to: "5001",
  epoch,
  seq,
  clock: seq,
  vc: vcOf({ [from]: seq }),
  sentAt: 0,
});
/** Compact view of outputs: "d3" delivered seq 3, "x3" duplicate, "s3" stale, "g1,2" gap. */
const view = (outs: readonly ReorderOutput[]): string[] =>
  outs.map((o) => {
    switch (o.kind) {
      case "deliver":
        return `d${o.msg.seq}`;
      case "duplicate":
        return `x${o.msg.seq}`;
      case "stale-epoch":
        return `s${o.msg.seq}`;
      case "seq-too-far":
        return `f${o.msg.seq}`;
      case "gap":
        return `g${o.missing.join(",")}`;
    }
    return "?";
  });

describe("reorder buffer", () => {
  it("delivers in order as-is", () => {
    const rb = new ReorderBuffer();
    assert.deepEqual(
      [1, 2, 3].flatMap((s) => view(rb.push(msg(s), 0))),
      ["d1", "d2", "d3"],
    );
  });

  it("holds an early message until the missing one arrives", () => {
    const rb = new ReorderBuffer();
    assert.deepEqual(view(rb.push(msg(1), 0)), ["d1"]);
    assert.deepEqual(view(rb.push(msg(3), 0)), []);
    assert.deepEqual(view(rb.push(msg(4), 0)), []);
    assert.deepEqual(rb.heldBySender(), new Map([["5002", 2]]));
    assert.deepEqual(view(rb.push(msg(2), 0)), ["d2", "d3", "d4"]);
    assert.equal(rb.heldBySender().size, 0);
  });

  it("drops duplicates, delivered or held", () => {
    const rb = new ReorderBuffer();
    rb.push(msg(1), 0);
    rb.push(msg(3), 0);
    assert.deepEqual(view(rb.push(msg(1), 0)), ["x1"]);
    assert.deepEqual(view(rb.push(msg(3), 0)), ["x3"]);
  });

  it("gives up on a missing seq after the gap timeout, not before", () => {
    const rb = new ReorderBuffer({ gapTimeoutMs: 1000 });
    rb.push(msg(1), 0);
    rb.push(msg(4), 100);
    rb.push(msg(5), 200);
    assert.deepEqual(view(rb.poll(1099)), []);
    assert.deepEqual(view(rb.poll(1100)), ["g2,3", "d4", "d5"]);
    // A late arrival of a seq given up on is a duplicate now.
    assert.deepEqual(view(rb.push(msg(2), 1200)), ["x2"]);
  });

  it("restarts a sender's sequence on a higher epoch, releasing what it held", () => {
    const rb = new ReorderBuffer();
    rb.push(msg(1, 100), 0);
    rb.push(msg(3, 100), 0);
    assert.deepEqual(view(rb.push(msg(1, 200), 0)), ["g2", "d3", "d1"]);
    assert.deepEqual(view(rb.push(msg(2, 200), 0)), ["d2"]);
  });

  it("rejects messages of an older epoch as stale", () => {
    const rb = new ReorderBuffer();
    rb.push(msg(1, 200), 0);
    assert.deepEqual(view(rb.push(msg(2, 100), 0)), ["s2"]);
    assert.deepEqual(view(rb.push(msg(2, 200), 0)), ["d2"]);
  });

  it("keeps senders independent", () => {
    const rb = new ReorderBuffer();
    assert.deepEqual(view(rb.push(msg(2, 100, "5003"), 0)), []);
    assert.deepEqual(view(rb.push(msg(1, 100, "5002"), 0)), ["d1"]);
    assert.deepEqual(view(rb.push(msg(1, 100, "5003"), 0)), ["d1", "d2"]);
  });

  it("bounds what it holds: past the limit the oldest gap is given up at once", () => {
    const rb = new ReorderBuffer({ maxBuffered: 3, gapTimeoutMs: 1e9 });
    rb.push(msg(1), 0);
    for (const s of [3, 4, 5]) assert.deepEqual(view(rb.push(msg(s), 0)), []);
    assert.deepEqual(view(rb.push(msg(7), 0)), ["g2", "d3", "d4", "d5"]);
    assert.deepEqual(rb.heldBySender(), new Map([["5002", 1]]));
  });

  it("refuses a seq absurdly far ahead instead of listing a huge gap", () => {
    const rb = new ReorderBuffer();
    rb.push(msg(1), 0);
    assert.deepEqual(view(rb.push(msg(2 + MAX_SEQ_AHEAD + 1), 0)), [`f${2 + MAX_SEQ_AHEAD + 1}`]);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LinkTally } from "../../src/vm/links.js";

describe("link tally", () => {
  it("recounts pending at stop, adds reordered, and sums over the links, strangers last", () => {
    const tally = new LinkTally(["5002", "5003"]);
    tally.of("5002").sent += 3;
    tally.of("5003").received += 2;
    tally.of("5003").pending = 9; // a stale count: settle recounts it
    const summary = tally.settle(
      [
        ["5003", 1],
        ["6000", 1],
        ["5003", 4],
      ],
      [["5002", 2]],
    );
    assert.deepEqual(summary, {
      links: {
        "5002": { sent: 3, received: 0, pending: 0, reordered: 2 },
        "5003": { sent: 0, received: 2, pending: 5 },
        "6000": { sent: 0, received: 0, pending: 1 },
      },
      sent: 3,
      received: 2,
      pending: 6,
    });
    assert.deepEqual(Object.keys(summary.links), ["5002", "5003", "6000"]);
  });
});

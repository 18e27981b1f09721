import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UsageError } from "../../src/base/errors.js";
import { checkEventRange, eventForDraw } from "../../src/vm/events.js";

describe("event draw", () => {
  it("maps 3 VMs and range 10 exactly: 1 one peer, 2 the other, 3 both, 4..10 internal", () => {
    const peers = ["5002", "5003"];
    assert.deepEqual(eventForDraw(1, peers), { kind: "send", to: ["5002"] });
    assert.deepEqual(eventForDraw(2, peers), { kind: "send", to: ["5003"] });
    assert.deepEqual(eventForDraw(3, peers), { kind: "send", to: ["5002", "5003"] });
    for (let v = 4; v <= 10; v++) assert.deepEqual(eventForDraw(v, peers), { kind: "internal" });
  });

  it("generalises to P peers: 1..P single sends, P+1 broadcast", () => {
    const peers = ["a", "b", "c", "d"];
    for (let v = 1; v <= 4; v++)
      assert.deepEqual(eventForDraw(v, peers), { kind: "send", to: [peers[v - 1]] });
    assert.deepEqual(eventForDraw(5, peers), { kind: "send", to: peers });
    assert.deepEqual(eventForDraw(6, peers), { kind: "internal" });
  });

  it("refuses an event range too small for the peers, naming the field", () => {
    assert.throws(
      () => checkEventRange(2, 2),
      (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.equal(err.fault?.field, "eventRange");
        assert.equal(err.message, "eventRange: expected an integer >= 3 (peers + 1) for 2 peer(s), got 2");
        return true;
      },
    );
    assert.doesNotThrow(() => checkEventRange(3, 2));
    assert.throws(() => checkEventRange(2.5, 1), /^UsageError: eventRange: expected an integer >= 2/);
  });

  it("says whose peers they are when told", () => {
    assert.throws(
      () => checkEventRange(4, 4, "5 VMs in standard"),
      /^UsageError: eventRange: expected an integer >= 5 \(peers \+ 1\) for 5 VMs in standard, got 4$/,
    );
  });
});

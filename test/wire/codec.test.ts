import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Packr } from "msgpackr";
import { vcOf } from "../../src/clock/vector.js";
import { decodeFrame, encodeMessage } from "../../src/wire/codec.js";
import { MAX_FRAME_BYTES, type WireMessage } from "../../src/wire/message.js";

const ctx = { self: "5001", peers: new Set(["5002", "5003"]), senderHint: "5002" };
const good: WireMessage = {
  v: 1,
  from: "5002",
  to: "5001",
  epoch: 1_700_000_000_123,
  seq: 7,
  clock: 42,
  vc: vcOf({ "5001": 3, "5002": 40 }),
  sentAt: 1_700_000_000_456.789,
};
/** `good` as another writer holds it: the clock in map form. */
const wire = { ...good, vc: good.vc.toJSON() };
// Another msgpack writer, configured the plain way any language's library would write.
const plain = new Packr({ useRecords: false });
const frame = (value: unknown): Uint8Array => plain.pack(value);

describe("codec", () => {
  it("round-trips a message exactly, float sentAt included", () => {
    const out = decodeFrame(encodeMessage(good), ctx);
    assert.deepEqual(out, { ok: true, msg: good });
  });

  it("writes a plain msgpack map of 8 entries with no extension types", () => {
    const bytes = encodeMessage(good);
    assert.equal(bytes[0], 0x88, "fixmap with 8 entries");
    // msgpackr's record extension would appear as ext type 0x72 ('r') after an ext header.
    for (let i = 0; i < bytes.length - 1; i++) {
      const b = bytes[i] as number;
      if (b >= 0xd4 && b <= 0xd8) assert.notEqual(bytes[i + 1], 0x72, `record extension at byte ${i}`);
    }
  });

  it("accepts frames written by another msgpack writer", () => {
    assert.equal(decodeFrame(frame({ ...wire }), ctx).ok, true);
  });

  const bad: [string, Uint8Array, string][] = [
    ["oversize", new Uint8Array(MAX_FRAME_BYTES + 1), "oversize"],
    ["random bytes", Uint8Array.from([0xc1, 0xff, 0x00, 0x13]), "decode"],
    ["truncated msgpack", encodeMessage(good).slice(0, 20), "decode"],
    ["two values in one frame", Buffer.concat([encodeMessage(good), encodeMessage(good)]), "decode"],
    ["an array", frame([1, 2, 3]), "shape"],
    [
      "a missing field",
      frame(Object.fromEntries(Object.entries(wire).filter(([k]) => k !== "seq"))),
      "shape",
    ],
    ["an extra field", frame({ ...wire, extra: 1 }), "shape"],
    ["a wrong version", frame({ ...wire, v: 2 }), "version"],
    ["an unknown sender", frame({ ...wire, from: "6666" }), "unknown-sender"],
    ["a sender other than the transport saw", frame({ ...wire, from: "5003" }), "sender-mismatch"],
    ["a wrong recipient", frame({ ...wire, to: "5003" }), "wrong-recipient"],
    ["a negative clock", frame({ ...wire, clock: -1 }), "bad-integer"],
    ["a fractional seq", frame({ ...wire, seq: 1.5 }), "bad-integer"],
    ["a zero seq", frame({ ...wire, seq: 0 }), "bad-integer"],
    ["a huge clock", frame({ ...wire, clock: 2 ** 60 }), "bad-integer"],
    ["a string epoch", frame({ ...wire, epoch: "1" }), "bad-integer"],
    ["a vc that is a list", frame({ ...wire, vc: [1] }), "bad-vc"],
    ["a vc with a negative entry", frame({ ...wire, vc: { "5002": -3 } }), "bad-vc"],
    ["a vc with a bad key", frame({ ...wire, vc: { "__proto__ ": 1 } }), "bad-vc"],
    ["a NaN sentAt", frame({ ...wire, sentAt: Number.NaN }), "bad-sentAt"],
  ];
  for (const [what, bytes, reason] of bad) {
    it(`rejects ${what} as ${reason}`, () => {
      const out = decodeFrame(bytes, ctx);
      assert.equal(out.ok, false);
      if (!out.ok) assert.equal(out.reason, reason, out.detail);
    });
  }
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Packr } from "msgpackr";
import { createRng, randomInt } from "../../src/base/rng.js";
import { plainVc, VectorClockValue, vcOf } from "../../src/clock/vector.js";
import { decodeFrame, encodeMessage } from "../../src/wire/codec.js";
import { FrameDecoder } from "../../src/wire/fast/decode.js";
import { encodeOwnMessage } from "../../src/wire/fast/encode.js";
import type { Validation, ValidationContext, WireMessage } from "../../src/wire/message.js";
import { FOREIGN_BAD_VALUES, foreignFrame } from "../helpers/fuzz.js";
import { type Packed, write } from "./forms.js";

const ctx: ValidationContext = { self: "5001", peers: new Set(["5002", "5003", "peer-b.x"]) };
const plain = (r: Validation) => (r.ok ? { ...r, msg: { ...r.msg, vc: plainVc(r.msg.vc) } } : r);

function message(rng: ReturnType<typeof createRng>): WireMessage {
  const from = ["5002", "5003", "peer-b.x"][randomInt(rng, 0, 2)] as string;
  const vc: Record<string, number> = {};
  const ids = ["5001", "5002", "5003", "5004", "peer-b.x"];
  for (let k = randomInt(rng, 0, 4); k >= 0; k--) {
    vc[ids[randomInt(rng, 0, ids.length - 1)] as string] = [
      1,
      127,
      128,
      255,
      65_535,
      65_536,
      2 ** 32,
      2 ** 52,
    ][randomInt(rng, 0, 7)] as number;
  }
  return {
    v: 1,
    from,
    to: "5001",
    epoch: [0, 5, 1_763_783_000_123][randomInt(rng, 0, 2)] as number,
    seq: randomInt(rng, 1, 100_000),
    clock: [1, 300, 70_000, 2 ** 40][randomInt(rng, 0, 3)] as number,
    vc: vcOf(vc),
    sentAt: 1_763_783_000_000 + rng.next() * 1000,
  };
}

describe("FrameDecoder", () => {
  it("reads the frames encodeMessage writes on its fast path, with decodeFrame's result", () => {
    const rng = createRng(11);
    const decoder = new FrameDecoder();
    for (let i = 0; i < 5000; i++) {
      const msg = message(rng);
      const frame = encodeMessage(msg);
      const fast = decoder.fastPath(frame, { ...ctx, senderHint: i % 2 === 0 ? msg.from : undefined });
      assert.ok(fast !== undefined, "fast path not taken");
      assert.deepEqual(plain({ ok: true, msg: fast }), plain(decodeFrame(frame, ctx)));
    }
  });

  it("gives decodeFrame's verdict on damaged, foreign and hostile frames", () => {
    const rng = createRng(12);
    const decoder = new FrameDecoder();
    // Another msgpack writer: same map, other key order or number forms (float32, uint64, signed).
    const other = new Packr({ useRecords: false, useFloat32: 1, largeBigIntToFloat: false });
    // Fields in FIELDS's order, written the plain way (a vc with a zero entry is no clock value).
    const inOrder = new Packr({ useRecords: false });
    for (let i = 0; i < 20_000; i++) {
      const msg = message(rng);
      /** The message as another writer holds it: its clock in map form. */
      const map = { ...msg, vc: msg.vc.toJSON() };
      let frame: Uint8Array = Buffer.from(encodeMessage(msg));
      switch (i % 6) {
        case 0: // flip bytes
          for (let k = randomInt(rng, 1, 3); k > 0; k--) {
            frame[randomInt(rng, 0, frame.length - 1)] = randomInt(rng, 0, 255);
          }
          break;
        case 1: // cut short, or trailing bytes
          frame =
            rng.next() < 0.5
              ? frame.subarray(0, randomInt(rng, 0, frame.length - 1))
              : Buffer.concat([frame, Buffer.from([randomInt(rng, 0, 255)])]);
          break;
        case 2: // wrong sender, recipient, or values out of range
          frame = inOrder.pack({
            ...map,
            ...[
              { from: "9999" },
              { to: "5002" },
              { seq: 0 },
              { clock: 2 ** 52 + 2 },
              { sentAt: -1 },
              { vc: { "5002": 0 } },
            ][randomInt(rng, 0, 5)],
          });
          break;
        case 3: {
          // sentAt first, epoch as uint64, floats as float32 where exact.
          const { sentAt, ...rest } = map;
          frame = other.pack({ sentAt, ...rest, epoch: BigInt(msg.epoch) });
          break;
        }
        case 4: // a sender hint that disagrees
          assert.deepEqual(
            plain(decoder.decode(frame, { ...ctx, senderHint: "5003" })),
            plain(decodeFrame(frame, { ...ctx, senderHint: "5003" })),
          );
          continue;
        default:
          break;
      }
      assert.deepEqual(plain(decoder.decode(frame, ctx)), plain(decodeFrame(frame, ctx)), `case ${i % 6}`);
    }
  });
});

describe("FrameDecoder's vector clocks", () => {
  /** A frame from 5002 whose vector clock lists `entries` as they are, a key twice if so. */
  const frame = (entries: [string, number][]): Buffer => {
    const head = ["v", 1, "from", "5002", "to", "5001", "epoch", 1, "seq", 1, "clock", 9] as const;
    const pairs: [Packed, Packed][] = [];
    for (let i = 0; i < head.length; i += 2) pairs.push([packed(head[i]), packed(head[i + 1])]);
    pairs.push([packed("vc"), { map: entries.map(([id, n]) => [packed(id), packed(n)]), form: "fixmap" }]);
    pairs.push([packed("sentAt"), packed(1)]);
    return write({ map: pairs, form: "fixmap" });
  };
  const packed = (x: string | number | undefined): Packed =>
    typeof x === "string" ? { str: x, form: "fixstr" } : { num: x ?? 0, form: "fixint" };

  it("never gives a clock whose ids repeat, even one kept from the sender's frame before", () => {
    const decoder = new FrameDecoder();
    const frames = [
      frame([
        ["5001", 1],
        ["5002", 2],
      ]),
      // "5002" twice: the first differs from the list before, the second is the one kept from it.
      frame([
        ["5002", 5],
        ["5002", 4],
      ]),
      frame([["5002", 3]]),
      frame([
        ["5003", 6],
        ["5003", 7],
      ]),
      frame([
        ["5001", 1],
        ["5002", 2],
      ]),
    ];
    for (const bytes of frames) {
      const fast = decoder.decode(bytes, ctx);
      const general = decodeFrame(bytes, ctx);
      assert.ok(general.ok, "a repeated key: the last one wins");
      assert.deepEqual(plain(fast), plain(general));
      if (fast.ok) {
        const { ids, counts } = fast.msg.vc;
        assert.equal(new Set(ids).size, ids.length, `ids ${ids} repeat`);
        const map = plainVc(general.msg.vc);
        for (const [k, id] of ids.entries()) assert.equal(counts[k], map[id], `vc[${id}]`);
      }
    }
  });
});

describe("FrameDecoder on other writers' encodings", () => {
  it("gives decodeFrame's verdict on every number, string and map form, keys in any order, good or bad", () => {
    const rng = createRng(14);
    const decoder = new FrameDecoder();
    const fields = Object.keys(FOREIGN_BAD_VALUES) as (keyof WireMessage)[];
    const seen = { fast: 0, general: 0, rejected: 0 };
    for (let i = 0; i < 20_000; i++) {
      const own = message(rng);
      const msg: Record<string, unknown> = { ...own, vc: own.vc.toJSON() };
      let frame: Uint8Array;
      switch (i % 4) {
        case 0: // a bad value in another writer's form
          {
            const field = fields[randomInt(rng, 0, fields.length - 1)] as keyof WireMessage;
            const bad = FOREIGN_BAD_VALUES[field];
            msg[field] = bad[randomInt(rng, 0, bad.length - 1)];
            frame = foreignFrame(rng, msg);
            break;
          }
        case 1: // a key that is not a string
          frame = foreignFrame(
            rng,
            new Map(Object.entries(msg).map(([k, v], j) => [j === i % 8 ? j : k, v])),
          );
          break;
        case 2: {
          // damaged: bytes flipped or cut short
          const whole = Buffer.from(foreignFrame(rng, msg));
          if (rng.next() < 0.5) frame = whole.subarray(0, randomInt(rng, 1, whole.length - 1));
          else {
            whole[randomInt(rng, 0, whole.length - 1)] = randomInt(rng, 0, 255);
            frame = whole;
          }
          break;
        }
        default:
          frame = foreignFrame(rng, msg);
      }
      const c = { ...ctx, senderHint: i % 3 === 0 ? undefined : (msg.from as string) };
      const fast = decoder.decode(frame, c);
      assert.deepEqual(
        plain(fast),
        plain(decodeFrame(frame, c)),
        `frame ${i}: ${Buffer.from(frame).toString("hex")}`,
      );
      if (!fast.ok) seen.rejected += 1;
      else if (decoder.fastPath(frame, c) !== undefined) seen.fast += 1;
      else seen.general += 1;
      if (i % 4 === 3) assert.ok(fast.ok, `a valid message refused: ${Buffer.from(frame).toString("hex")}`);
    }
    // Good frames mostly on the fast path (keys in order), some on the general one (shuffled).
    assert.ok(seen.fast > 3000 && seen.general > 500 && seen.rejected > 10_000, JSON.stringify(seen));
  });
});

describe("encodeOwnMessage", () => {
  it("writes the bytes msgpackr writes for the map form, or leaves the message to it", () => {
    const rng = createRng(13);
    const packr = new Packr({
      useRecords: false,
      mapsAsObjects: true,
      structuredClone: false,
      variableMapSize: true,
    });
    const ids = ["5001", "5002", "5003", "peer-b.x", "0", "a".repeat(40), "4294967295"];
    let fast = 0;
    for (let i = 0; i < 5000; i++) {
      const msg = message(rng);
      const chosen = ids.filter(() => rng.next() < 0.5);
      const counts = chosen.map(
        () => [0, 1, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32, 2 ** 52][randomInt(rng, 0, 9)] as number,
      );
      const snapshot = new VectorClockValue(chosen, counts);
      const own: WireMessage = {
        ...msg,
        vc: snapshot,
        from: i % 50 === 0 ? "é" : msg.from,
        sentAt: i % 7 === 0 ? -3 : msg.sentAt,
      };
      const bytes = encodeOwnMessage(own);
      const expected = packr.pack({ ...own, vc: snapshot.toJSON() });
      if (bytes === undefined) {
        assert.ok(i % 50 === 0 || i % 7 === 0, `fell back on ${JSON.stringify(own)}`);
        continue;
      }
      fast += 1;
      assert.deepEqual(Buffer.from(bytes), Buffer.from(expected), JSON.stringify(own));
      assert.deepEqual(
        plain(decodeFrame(bytes, { ...ctx, peers: new Set([own.from]), self: own.to })),
        plain(decodeFrame(expected, { ...ctx, peers: new Set([own.from]), self: own.to })),
      );
    }
    assert.ok(fast > 4000, `${fast} written on the fast path`);
  });
});

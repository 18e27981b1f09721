import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encode } from "@msgpack/msgpack";
import { Packr } from "msgpackr";
import { plainVc } from "../../src/clock/vector.js";
import { decodeFrame } from "../../src/wire/codec.js";
import { FrameDecoder } from "../../src/wire/fast/decode.js";
import type { RejectReason, Validation, ValidationContext } from "../../src/wire/message.js";
import { packWithPython, skipWithoutPython } from "../foreign/python.js";
import { type MessageForms, type NumberForm, type Packed, packedMessage, write } from "./forms.js";

// SPEC section 3: any msgpack writer's encoding of an allowed value is accepted, by the fast
// decoder and the general path alike; a value out of range, of another type, or a key that is
// not a string is rejected whatever its encoding.

const ctx: ValidationContext = { self: "5001", peers: new Set(["5002", "5003"]), senderHint: "5002" };
const good = {
  v: 1,
  from: "5002",
  to: "5001",
  epoch: 1_763_783_000_123,
  seq: 7,
  clock: 42,
  vc: { "5001": 3, "5002": 40 },
  sentAt: 1_763_783_000_456.5,
};
/** The same message with every number exact in float32 (24-bit mantissa). */
const small = { ...good, epoch: 2 ** 33, sentAt: 1_234_567.5 };
const plain = (r: Validation) => (r.ok ? { ...r, msg: { ...r.msg, vc: plainVc(r.msg.vc) } } : r);

/** Both paths' verdict on a frame: they must agree. `fast` tells whether the fast path took it. */
function verdict(frame: Uint8Array, c: ValidationContext = ctx): { result: Validation; fast: boolean } {
  const general = decodeFrame(frame, c);
  const decoder = new FrameDecoder();
  assert.deepEqual(plain(decoder.decode(frame, c)), plain(general), "fast decoder and general path disagree");
  return { result: general, fast: decoder.fastPath(frame, c) !== undefined };
}

function accepted(frame: Uint8Array, expected: Record<string, unknown>): boolean {
  const { result, fast } = verdict(frame);
  assert.ok(result.ok, result.ok ? "" : `${result.reason}: ${result.detail}`);
  const read = plain(result);
  assert.deepEqual(read.ok && read.msg, expected);
  return fast;
}

function rejected(frame: Uint8Array, reason: RejectReason): void {
  const { result } = verdict(frame);
  assert.equal(result.ok, false, "accepted");
  if (!result.ok) assert.equal(result.reason, reason, result.detail);
}

/** Every number in `form`, but a fraction (sentAt) in float64. */
const all =
  (form: NumberForm) =>
  (_field: string, n: number): NumberForm =>
    Number.isInteger(n) || form === "float32" ? form : "float64";
/** What Python's msgpack writes: the smallest form, unsigned above 2^32 as uint64, floats as float64. */
const pythonForms = (_field: string, n: number): NumberForm =>
  !Number.isInteger(n)
    ? "float64"
    : n < 0
      ? n >= -32
        ? "fixint"
        : "int64"
      : n < 128
        ? "fixint"
        : n < 256
          ? "uint8"
          : n < 65_536
            ? "uint16"
            : n < 2 ** 32
              ? "uint32"
              : "uint64";
const frameOf = (msg: Record<string, unknown>, forms: MessageForms): Buffer =>
  write(packedMessage(msg, forms));

describe("the hand-made msgpack writer", () => {
  it("writes the bytes of the msgpack specification (worked by hand)", () => {
    const cases: [Packed, string][] = [
      [{ num: 5, form: "fixint" }, "05"],
      [{ num: -1, form: "fixint" }, "ff"],
      [{ num: -1, form: "int8" }, "d0ff"],
      [{ num: 300, form: "uint16" }, "cd012c"],
      [{ num: 300, form: "int32" }, "d20000012c"],
      [{ num: 1_763_783_000_123, form: "uint64" }, "cf0000019aa9a8c03b"],
      [{ num: -2, form: "int64" }, "d3fffffffffffffffe"],
      [{ num: 1, form: "float32" }, "ca3f800000"],
      [{ num: 1, form: "float64" }, "cb3ff0000000000000"],
      [{ str: "v", form: "str8" }, "d90176"],
      [{ str: "v", form: "str16" }, "da000176"],
      [{ str: "v", form: "str32" }, "db0000000176"],
      [
        {
          map: [
            [
              { str: "a", form: "fixstr" },
              { num: 1, form: "fixint" },
            ],
          ],
          form: "map16",
        },
        "de0001a16101",
      ],
      [{ map: [], form: "map32" }, "df00000000"],
    ];
    for (const [value, hex] of cases) assert.equal(write(value).toString("hex"), hex, JSON.stringify(value));
  });
});

describe("foreign encodings of a valid message", () => {
  const cases: [string, Record<string, unknown>, MessageForms, boolean][] = [
    ["every integer as uint64", good, { number: all("uint64") }, true],
    ["every integer as int64", good, { number: all("int64") }, true],
    ["every integer as int8/16/32/64, the smallest that holds it", good, { number: signed }, true],
    ["every number as float64", good, { number: all("float64") }, true],
    ["every number as float32", small, { number: all("float32") }, true],
    [
      "sentAt as an integer in uint64",
      { ...good, sentAt: 1_763_783_000_456 },
      { number: all("uint64") },
      true,
    ],
    ["keys as str8", good, { number: pythonForms, key: "str8" }, true],
    [
      "keys as str16 and strings as str32",
      good,
      { number: pythonForms, key: "str16", string: "str32" },
      true,
    ],
    ["keys and strings as str32", good, { number: pythonForms, key: "str32", string: "str32" }, true],
    ["maps as map16", good, { number: pythonForms, map: "map16" }, true],
    ["maps as map32", good, { number: pythonForms, map: "map32" }, true],
    [
      "keys in reverse order",
      good,
      { number: pythonForms, order: ["sentAt", "vc", "clock", "seq", "epoch", "to", "from", "v"] },
      false,
    ],
  ];
  for (const [what, msg, forms, fast] of cases) {
    it(`accepts ${what}, with the same values, on ${fast ? "the fast path" : "the general path"}`, () => {
      assert.equal(accepted(frameOf(msg, forms), msg), fast);
    });
  }

  it("accepts what @msgpack/msgpack writes with its defaults (uint64 above 2^32)", () => {
    assert.equal(Buffer.from(encode(good.epoch))[0], 0xcf, "this writer's form for the epoch");
    assert.ok(accepted(encode(good), good));
    assert.ok(accepted(encode(small), small));
  });

  it("accepts what @msgpack/msgpack writes with integers as floats (float64, float32)", () => {
    assert.equal(Buffer.from(encode(good.seq, { forceIntegerToFloat: true }))[0], 0xcb);
    assert.ok(accepted(encode(good, { forceIntegerToFloat: true }), good));
    const f32 = { forceIntegerToFloat: true, forceFloat32: true };
    assert.equal(Buffer.from(encode(small.epoch, f32))[0], 0xca);
    assert.ok(accepted(encode(small, f32), small));
  });

  it("accepts what @msgpack/msgpack writes for BigInt (uint64) and msgpackr for BigInt (int64)", () => {
    const big = { ...good, epoch: BigInt(good.epoch), clock: BigInt(good.clock) };
    assert.equal(Buffer.from(encode(big.epoch, { useBigInt64: true }))[0], 0xcf);
    assert.ok(accepted(encode(big, { useBigInt64: true }), good));
    const packr = new Packr({ useRecords: false });
    assert.equal(packr.pack(big.epoch)[0], 0xd3);
    assert.ok(accepted(packr.pack(big), good));
  });

  it("accepts what Python's msgpack.packb writes with its defaults, byte for byte the hand-made forms", {
    skip: skipWithoutPython(["msgpack"]),
  }, () => {
    const epoch = 1_763_783_000_123; // int(time.time() * 1000), as a Python VM writes it
    const msgs = [
      good,
      { ...good, epoch, seq: 70_000, clock: 2 ** 40 },
      { ...good, sentAt: 1_763_783_000_456 },
    ];
    const frames = packWithPython(msgs.map((msg) => ({ msg })));
    for (const [i, frame] of frames.entries()) {
      const msg = msgs[i] as Record<string, unknown>;
      assert.equal(frame.toString("hex"), frameOf(msg, { number: pythonForms }).toString("hex"));
      assert.ok(accepted(frame, msg), "a Python peer's message not on the fast path");
    }
    const [single] = packWithPython([{ msg: small, single_float: true }]);
    assert.equal(single?.[single.length - 5], 0xca, "sentAt as float32");
    accepted(single as Buffer, small);
  });
});

describe("foreign encodings of an invalid message", () => {
  const spoil = (field: string, value: unknown, form: NumberForm = "uint64") =>
    frameOf({ ...good, [field]: value }, { number: (f, n) => (f === field ? form : pythonForms(f, n)) });
  const cases: [string, Uint8Array, RejectReason][] = [
    ["a negative epoch (int8)", spoil("epoch", -1, "int8"), "bad-integer"],
    ["a negative epoch (int64)", spoil("epoch", -1_763_783_000_123, "int64"), "bad-integer"],
    ["a negative epoch (negative fixint)", spoil("epoch", -5, "fixint"), "bad-integer"],
    ["a negative epoch (float64)", spoil("epoch", -1, "float64"), "bad-integer"],
    ["seq 0 (uint64)", spoil("seq", 0, "uint64"), "bad-integer"],
    ["seq 0 (float32)", spoil("seq", 0, "float32"), "bad-integer"],
    ["a fractional seq (float32)", spoil("seq", 7.5, "float32"), "bad-integer"],
    ["seq 2^53 (uint64)", spoil("seq", 2 ** 53, "uint64"), "bad-integer"],
    ["a clock above 2^52 (uint64)", spoil("clock", 2 ** 52 + 1, "uint64"), "bad-integer"],
    ["a clock above 2^52 (int64)", spoil("clock", 2 ** 52 + 1, "int64"), "bad-integer"],
    ["a clock above 2^52 (float64)", spoil("clock", 2 ** 52 + 2, "float64"), "bad-integer"],
    ["an epoch of 2^53 + 1 (uint64)", spoil("epoch", 2n ** 53n + 1n), "bad-integer"],
    ["an epoch of 2^64 - 1 (uint64)", spoil("epoch", 2n ** 64n - 1n), "bad-integer"],
    ["an epoch of -2^63 (int64)", spoil("epoch", -(2n ** 63n), "int64"), "bad-integer"],
    ["a vc count above 2^53 (uint64)", spoil("vc", { "5002": 2n ** 60n }), "bad-vc"],
    ["a negative sentAt (int8)", spoil("sentAt", -1, "int8"), "bad-sentAt"],
    ["a NaN sentAt (float32)", spoil("sentAt", Number.NaN, "float32"), "bad-sentAt"],
    [
      "a string clock (str8)",
      frameOf({ ...good, clock: "42" }, { number: pythonForms, string: "str8" }),
      "bad-integer",
    ],
    ["an array vc", spoil("vc", [3, 40]), "bad-vc"],
    ["v true", spoil("v", true), "version"],
    ["a record (msgpackr's extension, no map)", new Packr({ useRecords: true }).pack(good), "shape"],
  ];
  for (const field of Object.keys(good)) {
    const reason: RejectReason =
      field === "v"
        ? "version"
        : field === "from"
          ? "shape"
          : field === "to"
            ? "wrong-recipient"
            : field === "vc"
              ? "bad-vc"
              : field === "sentAt"
                ? "bad-sentAt"
                : "bad-integer";
    cases.push([`${field} nil`, spoil(field, null), reason]);
  }
  /** The message with the entry of `key` swapped for `entry` ([key, value] as Packed). */
  const withEntry = (key: string, entry: [Packed, Packed]): Buffer => {
    const packed = packedMessage(good, { number: pythonForms });
    if (!("map" in packed)) throw new Error("not a map");
    return write({ ...packed, map: packed.map.map((e) => ("str" in e[0] && e[0].str === key ? entry : e)) });
  };
  const vcWith = (key: Packed): [Packed, Packed] => [
    { str: "vc", form: "fixstr" },
    { map: [[key, { num: 3, form: "fixint" }]], form: "fixmap" },
  ];
  const id = [...Buffer.from("5001")];
  cases.push(
    // msgpackr's mapsAsObjects turns the key 4 into "4", 5001 into "5001": never a string here.
    [
      "an integer key",
      withEntry("seq", [
        { num: 4, form: "fixint" },
        { num: 7, form: "fixint" },
      ]),
      "shape",
    ],
    [
      "a key in bin8",
      withEntry("seq", [{ raw: [0xc4, 3, ...Buffer.from("seq")] }, { num: 7, form: "fixint" }]),
      "shape",
    ],
    ["a nil key", withEntry("seq", [{ raw: [0xc0] }, { num: 7, form: "fixint" }]), "shape"],
    ["a vc key that is an integer (5001)", withEntry("vc", vcWith({ num: 5001, form: "uint16" })), "bad-vc"],
    ["a vc key that is a float (5001.0)", withEntry("vc", vcWith({ num: 5001, form: "float64" })), "bad-vc"],
    ["a vc key in bin8", withEntry("vc", vcWith({ raw: [0xc4, 4, ...id] })), "bad-vc"],
    ["a vc key that is nil", withEntry("vc", vcWith({ raw: [0xc0] })), "bad-vc"],
  );
  for (const [what, frame, reason] of cases) {
    it(`rejects ${what} as ${reason}, on both paths`, () => rejected(frame, reason));
  }

  it("rejects what Python's msgpack.packb writes for bad values", {
    skip: skipWithoutPython(["msgpack"]),
  }, () => {
    const items = [
      { msg: { ...good, epoch: -1 } },
      { msg: { ...good, epoch: 2 ** 60 } },
      { msg: { ...good, seq: 0 } },
      { msg: { ...good, clock: "42" } },
      { msg: { ...good, vc: [3, 40] } },
      { msg: { ...good, sentAt: null } },
      { msg: good, int_vc_keys: true },
    ];
    const reasons: RejectReason[] = [
      "bad-integer",
      "bad-integer",
      "bad-integer",
      "bad-integer",
      "bad-vc",
      "bad-sentAt",
      "bad-vc",
    ];
    for (const [i, frame] of packWithPython(items).entries()) rejected(frame, reasons[i] as RejectReason);
  });
});

/** The smallest signed form (int8/16/32/64, never fixint) that holds an integer, float64 for fractions. */
function signed(_field: string, n: number): NumberForm {
  if (!Number.isInteger(n)) return "float64";
  if (Math.abs(n) < 2 ** 7) return "int8";
  if (Math.abs(n) < 2 ** 15) return "int16";
  if (Math.abs(n) < 2 ** 31) return "int32";
  return "int64";
}

import { Packr } from "msgpackr";
import { createRng, type Rng, randomInt } from "../../src/base/rng.js";
import { vcOf } from "../../src/clock/vector.js";
import { encodeMessage } from "../../src/wire/codec.js";
import type { WireMessage } from "../../src/wire/message.js";
import { formsOf, type MapForm, packedMessage, type StringForm, write } from "../wire/forms.js";

const packr = new Packr({ useRecords: false, variableMapSize: true });

/** For each field, values that must make a message invalid, whatever the other fields hold. */
const BAD_VALUES: Record<keyof WireMessage, unknown[]> = {
  v: [0, 2, "1", null, 1.5],
  from: [1234, "", "x".repeat(65), "has space", "9999"],
  to: [5, "9999", null, ""],
  epoch: [-1, 1.5, 2 ** 53, "1", null, true],
  seq: [0, -3, 2.5, 2 ** 53, 2 ** 64, "1", null],
  clock: [0, -1, 0.5, 2 ** 52 + 2, 2 ** 60, Number.POSITIVE_INFINITY, Number.NaN, "5", []],
  vc: [null, [], "x", { "bad key": 1 }, { "5001": 0 }, { "5001": -1 }, { "5001": 2 ** 53 }, { "5001": 1.5 }],
  sentAt: [-1, "now", null, Number.POSITIVE_INFINITY, Number.NaN],
};

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[randomInt(rng, 0, xs.length - 1)] as T;

/** The items in an order drawn from `rng` (Fisher-Yates). */
function shuffled<T>(rng: Rng, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rng, 0, i);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * For each field, values in encodings other writers use that must make a message invalid:
 * 64-bit integers out of range (bigint: written as uint64 or int64), integral floats out of
 * range, nil, and vector clocks with keys that are not strings (a Map keeps its keys' types).
 */
export const FOREIGN_BAD_VALUES: Record<keyof WireMessage, unknown[]> = {
  v: [2n, 1n << 32n, true, null, 1.5],
  from: [5002, null, new Map([["5002", 1]])],
  to: [5001, null, false],
  epoch: [-1, -1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 64n - 1n, -(2n ** 63n), 2 ** 53, null],
  seq: [0, 0n, -7, 2n ** 53n, 7.5, null],
  clock: [0, -1n, 2n ** 52n + 1n, 2 ** 52 + 2, "42", null],
  vc: [
    [3, 40],
    null,
    { "5002": 0 },
    { "5002": 2n ** 60n },
    { "5002": -3n },
    new Map([[5002, 3]]),
    new Map<unknown, number>([[null, 3]]),
    new Map([[5002.5, 3]]),
  ],
  sentAt: [-1, -1n, Number.NaN, Number.NEGATIVE_INFINITY, "now", null],
};

const STRING_FORMS: readonly StringForm[] = ["fixstr", "str8", "str16", "str32"];
const MAP_FORMS: readonly MapForm[] = ["fixmap", "map16", "map32"];

/**
 * A message as some msgpack writer might encode it: each number in a form that holds it
 * (uint64, int8, float32, ...), keys and strings in a string form, maps in a map form, the keys
 * shuffled now and then; all drawn from `rng`. Values other than numbers, strings and maps
 * keep their usual bytes (see packedMessage).
 */
export function foreignFrame(rng: Rng, msg: Record<string, unknown> | ReadonlyMap<unknown, unknown>): Buffer {
  const keys = msg instanceof Map ? [...msg.keys()] : Object.keys(msg);
  const shuffle = rng.next() < 0.25 && keys.every((k) => typeof k === "string");
  const order = shuffle ? shuffled(rng, keys as string[]) : undefined;
  return write(
    packedMessage(msg, {
      number: (_field, n) => pick(rng, formsOf(n)),
      key: pick(rng, STRING_FORMS),
      string: pick(rng, STRING_FORMS),
      map: pick(rng, MAP_FORMS),
      ...(order === undefined ? {} : { order }),
    }),
  );
}

function bytes(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = randomInt(rng, 0, 255);
  return out;
}

/**
 * Frames that a VM must refuse, each exactly once: random bytes, truncated msgpack, a field of
 * the wrong type or out of range (huge, negative, fractional), a wrong `to`, an unknown `from`,
 * fields missing or extra, the same in other writers' encodings (uint64, int8, float32, str8,
 * map16, a key that is not a string), trailing bytes, frames over the 64 KiB limit. Seeded, so a failure
 * replays.
 */
export class BadFrames {
  readonly #rng: Rng;

  constructor(
    seed: number,
    private readonly self: string,
    private readonly peer: string,
  ) {
    this.#rng = createRng(seed);
  }

  /** A well-formed message from the peer, to spoil. */
  #valid(): WireMessage {
    const seq = randomInt(this.#rng, 1, 1000);
    return {
      v: 1,
      from: this.peer,
      to: this.self,
      epoch: 7,
      seq,
      clock: seq,
      vc: vcOf({ [this.peer]: seq }),
      sentAt: 1,
    };
  }

  next(): Uint8Array {
    const rng = this.#rng;
    switch (randomInt(rng, 0, 7)) {
      case 0:
        return bytes(rng, randomInt(rng, 0, 200));
      case 1: {
        const whole = encodeMessage(this.#valid());
        return whole.subarray(0, randomInt(rng, 0, whole.length - 1));
      }
      case 2: {
        const msg: Record<string, unknown> = { ...this.#valid() };
        const field = pick(rng, Object.keys(BAD_VALUES) as (keyof WireMessage)[]);
        msg[field] = pick(rng, BAD_VALUES[field]);
        return packr.pack(msg);
      }
      case 3: {
        const msg: Record<string, unknown> = { ...this.#valid() };
        if (randomInt(rng, 0, 1) === 0) delete msg[pick(rng, Object.keys(msg))];
        else msg.extra = 1;
        return packr.pack(msg);
      }
      case 4: {
        const whole = encodeMessage(this.#valid());
        const out = new Uint8Array(whole.length + 1);
        out.set(whole);
        out[whole.length] = 0xc0; // a second value (nil) after the message
        return out;
      }
      case 5:
        return packr.pack(pick(rng, [null, 42, "message", [1, 2, 3], true, { v: 1 }]));
      case 6: {
        // Another writer's encoding of a bad value, or of a key that is not a string.
        const msg: Record<string, unknown> = { ...this.#valid() };
        const field = pick(rng, Object.keys(FOREIGN_BAD_VALUES) as (keyof WireMessage)[]);
        if (randomInt(rng, 0, 3) > 0) {
          msg[field] = pick(rng, FOREIGN_BAD_VALUES[field]);
          return foreignFrame(rng, msg);
        }
        return foreignFrame(rng, new Map(Object.entries(msg).map(([k, v], i) => [k === field ? i : k, v])));
      }
      default:
        return this.oversized(randomInt(rng, 64 * 1024 + 1, 200 * 1024));
    }
  }

  /** A frame of `size` bytes (over the limit): a valid prefix padded with noise. */
  oversized(size: number): Uint8Array {
    const out = new Uint8Array(size);
    out.set(encodeMessage(this.#valid()));
    return out;
  }
}

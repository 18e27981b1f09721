import { Packr } from "msgpackr";
import { createRng, type Rng, randomInt } from "../../src/vm/rng.js";
import { encodeMessage } from "../../src/wire/codec.js";
import type { WireMessage } from "../../src/wire/message.js";

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

function bytes(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = randomInt(rng, 0, 255);
  return out;
}

/**
 * Frames that a VM must refuse, each exactly once: random bytes, truncated msgpack, a field of
 * the wrong type or out of range (huge, negative, fractional), a wrong `to`, an unknown `from`,
 * fields missing or extra, trailing bytes, frames over the 64 KiB limit. Seeded, so a failure
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
      vc: { [this.peer]: seq },
      sentAt: 1,
    };
  }

  next(): Uint8Array {
    const rng = this.#rng;
    switch (randomInt(rng, 0, 6)) {
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

import type { VectorClockValue } from "../../clock/vector.js";
import { FIELDS, MAX_ID_LENGTH, type WireMessage } from "../message.js";

const KEYS = FIELDS.map((k) => Buffer.from(k));

/**
 * Fast path of msgpackr for a VM's own messages: writes straight
 * into bytes the bytes msgpackr writes for the map form (checked in the tests), the general
 * path of encodeMessage (wire/codec.ts). A fixmap of FIELDS in their order (the general path
 * packs them in that order too), each number in msgpack's smallest unsigned form or as a
 * float64, the vector clock's keys in the order of the map form. Several times faster than
 * building that map and packing it, which is on every send. Returns undefined for anything
 * else (a clock of over 15 ids, a non-ASCII or long string, a negative integer), for msgpackr to write.
 */
export function encodeOwnMessage(msg: WireMessage): Uint8Array | undefined {
  const vc = msg.vc;
  if (vc.ids.length > 15) return undefined;
  // Keys and numbers take at most 80 bytes, each id 2 + its length, each clock entry that + 9.
  const id = 2 + MAX_ID_LENGTH;
  const out = new Writer(80 + 2 * id + vc.ids.length * (id + 9));
  out.byte(0x80 + FIELDS.length);
  for (let i = 0; i < FIELDS.length; i++) {
    const field = FIELDS[i] as (typeof FIELDS)[number];
    out.key(i);
    switch (field) {
      case "from":
      case "to":
        if (!out.string(msg[field])) return undefined;
        break;
      case "vc":
        if (!out.vc(vc)) return undefined;
        break;
      default:
        if (!out.number(msg[field])) return undefined;
    }
  }
  return out.bytes();
}

class Writer {
  readonly #buf: Buffer;
  readonly #view: DataView;
  #p = 0;

  constructor(size: number) {
    this.#buf = Buffer.allocUnsafe(size);
    this.#view = new DataView(this.#buf.buffer, this.#buf.byteOffset, this.#buf.byteLength);
  }

  byte(b: number): void {
    this.#buf[this.#p++] = b;
  }

  key(i: number): void {
    const key = KEYS[i] as Buffer;
    this.byte(0xa0 + key.length);
    key.copy(this.#buf, this.#p);
    this.#p += key.length;
  }

  /** An ASCII string no longer than an id, as fixstr or str8. */
  string(s: string): boolean {
    if (s.length > MAX_ID_LENGTH) return false;
    if (s.length < 32) this.byte(0xa0 + s.length);
    else {
      this.byte(0xd9);
      this.byte(s.length);
    }
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) return false;
      this.#buf[this.#p++] = c;
    }
    return true;
  }

  /** A clock as msgpackr writes its map form: non-zero entries in the map form's key order. */
  vc(vc: VectorClockValue): boolean {
    const order = vc.layout.order;
    let entries = 0;
    for (const slot of order) if ((vc.counts[slot] as number) !== 0) entries += 1;
    this.byte(0x80 + entries);
    for (const slot of order) {
      const n = vc.counts[slot] as number;
      if (n === 0) continue;
      if (!this.string(vc.ids[slot] as string) || !this.number(n)) return false;
    }
    return true;
  }

  /** A number as msgpackr writes it: unsigned 32-bit integers small, anything else non-negative as float64. */
  number(n: number): boolean {
    if (n >>> 0 === n) {
      if (n < 0x80) this.byte(n);
      else if (n < 0x100) {
        this.byte(0xcc);
        this.byte(n);
      } else if (n < 0x10000) {
        this.byte(0xcd);
        this.#view.setUint16(this.#p, n);
        this.#p += 2;
      } else {
        this.byte(0xce);
        this.#view.setUint32(this.#p, n);
        this.#p += 4;
      }
      return true;
    }
    // Negative integers have forms of their own; no field of a VM's message is one.
    if (n >> 0 === n) return false;
    this.byte(0xcb);
    this.#view.setFloat64(this.#p, n);
    this.#p += 8;
    return true;
  }

  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#p);
  }
}

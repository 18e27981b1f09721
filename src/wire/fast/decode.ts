import { bytesAt } from "../../base/bytes.js";
import { VcLayout, VectorClockValue } from "../../clock/vector.js";
import { decodeFrame } from "../codec.js";
import {
  FIELDS,
  ID_CHAR,
  MAX_CLOCK,
  MAX_FRAME_BYTES,
  MAX_ID_LENGTH,
  MAX_VC_ENTRIES,
  type Validation,
  type ValidationContext,
  WIRE_VERSION,
  type WireMessage,
} from "../message.js";

const KEYS = FIELDS.map((k) => Buffer.from(k));
/** Bytes after the head of each number form from 0xca (float32) to 0xd3 (int64). */
const NUMBER_SIZE = [4, 8, 1, 2, 4, 8, 1, 2, 4, 8];
const ID_BYTE = new Uint8Array(256);
for (let b = 0; b < 128; b++) if (ID_CHAR.test(String.fromCharCode(b))) ID_BYTE[b] = 1;

/** An id as bytes and as the string it decodes to, kept to recognise the next frame's ids. */
interface KnownId {
  bytes: Buffer;
  id: string;
}

/**
 * Fast path of decodeFrame (wire/codec.ts: msgpackr + validateMessage, the general path and
 * the definition) for a VM's frames. Frames laid out as encodeMessage writes them (a map of the eight
 * fields in order), in any of the forms SPEC section 3 accepts (every number form, str8/16/32,
 * map16/32: what Python's msgpack writes, say), are read straight off the bytes, every check
 * of validateMessage made on the way, the vector clock as a value whose ids array is
 * shared by the frames that list the same ids. About three times faster than msgpackr plus
 * validation, which bounds how fast one VM can take in messages. Anything else, valid or not,
 * goes through decodeFrame (msgpackr + validateMessage), which is the definition: this path
 * accepts a subset of what that one accepts, with the same result, and refuses nothing itself.
 */
export class FrameDecoder {
  /**
   * Each frame is copied here first (a memcpy of ~100 bytes): reads then go to one array of
   * one type, through one DataView, never past its end (the slack covers the longest single
   * read), with no allocation per frame. Bytes past the frame are stale; every length is
   * checked against `#len`, and the frame must end exactly where the message does.
   */
  readonly #buf = new Uint8Array(MAX_FRAME_BYTES + 128);
  readonly #view = new DataView(this.#buf.buffer);
  #len = 0;
  #p = 0;
  #from: KnownId | undefined;
  #to: KnownId | undefined;
  /** Ids of the last vector clock read, by sender. */
  readonly #vcIds = new Map<string, { known: KnownId[]; layout: VcLayout }>();

  decode(frame: Uint8Array, ctx: ValidationContext): Validation {
    const fast = this.fastPath(frame, ctx);
    return fast === undefined ? decodeFrame(frame, ctx) : { ok: true, msg: fast };
  }

  /**
   * The fast path alone: the message of a frame it reads, or undefined for a frame it leaves to
   * decodeFrame, valid or not (how a test tells which path read a frame).
   */
  fastPath(frame: Uint8Array, ctx: ValidationContext): WireMessage | undefined {
    if (frame.byteLength === 0 || frame.byteLength > MAX_FRAME_BYTES) return undefined;
    this.#buf.set(frame);
    this.#len = frame.byteLength;
    this.#p = 0;
    if (this.#mapSize() !== FIELDS.length) return undefined;
    if (!this.#key(0) || this.#number() !== WIRE_VERSION) return undefined;
    if (!this.#key(1)) return undefined;
    const from = this.#id(this.#from);
    if (from === undefined) return undefined;
    this.#from = from;
    if (!ctx.peers.has(from.id) || (ctx.senderHint !== undefined && ctx.senderHint !== from.id))
      return undefined;
    if (!this.#key(2)) return undefined;
    const to = this.#id(this.#to);
    if (to === undefined || to.id !== ctx.self) return undefined;
    this.#to = to;
    if (!this.#key(3)) return undefined;
    const epoch = this.#int(0, Number.MAX_SAFE_INTEGER);
    if (epoch === undefined || !this.#key(4)) return undefined;
    const seq = this.#int(1, Number.MAX_SAFE_INTEGER);
    if (seq === undefined || !this.#key(5)) return undefined;
    const clock = this.#int(1, MAX_CLOCK);
    if (clock === undefined || !this.#key(6)) return undefined;
    const vc = this.#vc(from.id);
    if (vc === undefined || !this.#key(7)) return undefined;
    const sentAt = this.#number();
    if (sentAt === undefined || !Number.isFinite(sentAt) || sentAt < 0) return undefined;
    if (this.#p !== this.#len) return undefined;
    return { v: WIRE_VERSION, from: from.id, to: to.id, epoch, seq, clock, vc, sentAt };
  }

  #vc(sender: string): VectorClockValue | undefined {
    const n = this.#mapSize();
    if (n < 0 || n > MAX_VC_ENTRIES) return undefined;
    let cache = this.#vcIds.get(sender);
    if (cache === undefined) {
      cache = { known: [], layout: new VcLayout([]) };
      this.#vcIds.set(sender, cache);
    }
    const counts: number[] = [];
    // Changes go to a copy, kept only once the whole clock was read: a damaged frame that
    // gives up half way must not leave a half-updated list behind.
    let known = cache.known;
    let copied = false;
    for (let k = 0; k < n; k++) {
      if (this.#p >= this.#len) return undefined;
      const got = this.#id(known[k]);
      if (got === undefined) return undefined;
      if (got !== known[k]) {
        if (!copied) {
          known = known.slice(0, n);
          copied = true;
        }
        known[k] = got;
      }
      const count = this.#int(1, MAX_CLOCK);
      if (count === undefined) return undefined;
      counts.push(count);
    }
    if (copied || known.length !== n) {
      // A repeated id means the last value wins in the general path's map: not a frame for
      // this one. Checked on the whole new list (an id may repeat one kept from the old list);
      // a list as last time, or a prefix of it, holds no repeat.
      const ids = new Set<string>();
      for (let k = 0; k < n; k++) ids.add((known[k] as KnownId).id);
      if (ids.size !== n) return undefined;
      cache.known = known.slice(0, n);
      cache.layout = new VcLayout(cache.known.map((k) => k.id));
    }
    return new VectorClockValue(cache.layout, counts);
  }

  /** The next string if it is an id; `known` is returned as is when the bytes are the same. */
  #id(known: KnownId | undefined): KnownId | undefined {
    const len = this.#strLength();
    const start = this.#p;
    const end = start + len;
    if (len < 1 || len > MAX_ID_LENGTH || end > this.#len) return undefined;
    this.#p = end;
    if (known !== undefined && known.bytes.length === len && bytesAt(this.#buf, start, end, known.bytes)) {
      return known;
    }
    for (let i = start; i < end; i++) if (ID_BYTE[this.#buf[i] as number] !== 1) return undefined;
    const bytes = Buffer.from(this.#buf.slice(start, end));
    return { bytes, id: bytes.toString("latin1") };
  }

  /** The i-th field's key, in any string form. */
  #key(i: number): boolean {
    const key = KEYS[i] as Buffer;
    if (this.#strLength() !== key.length || !bytesAt(this.#buf, this.#p, this.#len, key)) return false;
    this.#p += key.length;
    return true;
  }

  /** The length of the next string (fixstr, str8/16/32), or -1 if it is no string. */
  #strLength(): number {
    const head = this.#byte();
    if (head >= 0xa0 && head <= 0xbf) return head - 0xa0;
    const size = head === 0xd9 ? 1 : head === 0xda ? 2 : head === 0xdb ? 4 : 0;
    return size === 0 || this.#p + size > this.#len ? -1 : this.#uint(size);
  }

  /** The number of entries of the next map (fixmap, map16/32), or -1 if it is no map. */
  #mapSize(): number {
    const head = this.#byte();
    if (head >= 0x80 && head <= 0x8f) return head - 0x80;
    const size = head === 0xde ? 2 : head === 0xdf ? 4 : 0;
    return size === 0 || this.#p + size > this.#len ? -1 : this.#uint(size);
  }

  /** A safe integer in [min, max] in any of msgpack's number forms, or undefined. */
  #int(min: number, max: number): number | undefined {
    const n = this.#number();
    return n !== undefined && Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
  }

  /** The next number in any of msgpack's forms (uint64 and int64 rounded as msgpackr does), or undefined. */
  #number(): number | undefined {
    const head = this.#byte();
    if (head < 0x80) return head;
    if (head >= 0xe0) return head - 0x100;
    const size = head >= 0xca && head <= 0xd3 ? (NUMBER_SIZE[head - 0xca] as number) : 0;
    if (size === 0 || this.#p + size > this.#len) return undefined;
    const at = this.#p;
    this.#p += size;
    const view = this.#view;
    switch (head) {
      case 0xca:
        return view.getFloat32(at);
      case 0xcb:
        return view.getFloat64(at);
      case 0xcc:
        return view.getUint8(at);
      case 0xcd:
        return view.getUint16(at);
      case 0xce:
        return view.getUint32(at);
      case 0xcf:
        return view.getUint32(at) * 2 ** 32 + view.getUint32(at + 4);
      case 0xd0:
        return view.getInt8(at);
      case 0xd1:
        return view.getInt16(at);
      case 0xd2:
        return view.getInt32(at);
      default:
        return view.getInt32(at) * 2 ** 32 + view.getUint32(at + 4);
    }
  }

  /** A big-endian unsigned integer of 1, 2 or 4 bytes (the caller checked they are there). */
  #uint(size: number): number {
    const at = this.#p;
    this.#p += size;
    return size === 1
      ? this.#view.getUint8(at)
      : size === 2
        ? this.#view.getUint16(at)
        : this.#view.getUint32(at);
  }

  /** The next byte (a stale one past the frame's end: lengths are checked where it matters). */
  #byte(): number {
    return this.#buf[this.#p++] as number;
  }
}

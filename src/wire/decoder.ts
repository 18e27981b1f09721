import { bytesAt } from "../bytes.js";
import { VcLayout, VcSnapshot } from "../vm/vector.js";
import { decodeFrame } from "./codec.js";
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
} from "./message.js";

const KEYS = FIELDS.map((k) => Buffer.from(k));
const ID_BYTE = new Uint8Array(256);
for (let b = 0; b < 128; b++) if (ID_CHAR.test(String.fromCharCode(b))) ID_BYTE[b] = 1;

/** An id as bytes and as the string it decodes to, kept to recognise the next frame's ids. */
interface KnownId {
  bytes: Buffer;
  id: string;
}

/**
 * Decodes a VM's frames. Frames laid out as encodeMessage writes them (a map of the eight
 * fields in order, msgpack's usual number forms) are read straight off the bytes, every check
 * of validateMessage made on the way, the vector clock as a VcSnapshot whose ids array is
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
    const fast =
      frame.byteLength > 0 && frame.byteLength <= MAX_FRAME_BYTES ? this.#fast(frame, ctx) : undefined;
    return fast === undefined ? decodeFrame(frame, ctx) : { ok: true, msg: fast };
  }

  #fast(frame: Uint8Array, ctx: ValidationContext): WireMessage | undefined {
    this.#buf.set(frame);
    this.#len = frame.byteLength;
    this.#p = 0;
    if (this.#byte() !== 0x88) return undefined;
    if (!this.#key(0) || this.#byte() !== WIRE_VERSION) return undefined;
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

  #vc(sender: string): VcSnapshot | undefined {
    const head = this.#byte();
    let n: number;
    if (head >= 0x80 && head <= 0x8f) n = head - 0x80;
    else if (head === 0xde) n = this.#uint(2);
    else return undefined;
    if (n > MAX_VC_ENTRIES) return undefined;
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
        // A repeated id means the last value wins in msgpackr's map: not a frame for this path.
        for (let j = 0; j < k; j++) if ((known[j] as KnownId).id === got.id) return undefined;
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
      cache.known = known.slice(0, n);
      cache.layout = new VcLayout(cache.known.map((k) => k.id));
    }
    return new VcSnapshot(cache.layout, counts);
  }

  /** The next string if it is an id; `known` is returned as is when the bytes are the same. */
  #id(known: KnownId | undefined): KnownId | undefined {
    const head = this.#byte();
    let len: number;
    if (head >= 0xa0 && head <= 0xbf) len = head - 0xa0;
    else if (head === 0xd9) len = this.#byte();
    else return undefined;
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

  /** The i-th field's key, as encodeMessage writes it. */
  #key(i: number): boolean {
    const key = KEYS[i] as Buffer;
    if (this.#byte() !== 0xa0 + key.length || !bytesAt(this.#buf, this.#p, this.#len, key)) return false;
    this.#p += key.length;
    return true;
  }

  /** A safe integer in [min, max] in any of msgpack's number forms, or undefined. */
  #int(min: number, max: number): number | undefined {
    const n = this.#number();
    return n !== undefined && Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
  }

  #number(): number | undefined {
    const head = this.#byte();
    if (head < 0x80) return head;
    if (head >= 0xe0) return head - 0x100;
    const size = head === 0xcc ? 1 : head === 0xcd ? 2 : head === 0xce ? 4 : head === 0xcb ? 8 : 0;
    // float32, uint64 and the signed forms are rare from a VM: msgpackr reads those.
    if (size === 0 || this.#p + size > this.#len) return undefined;
    if (size === 8) {
      const value = this.#view.getFloat64(this.#p);
      this.#p += 8;
      return value;
    }
    return this.#uint(size);
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

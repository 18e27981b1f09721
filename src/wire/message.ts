import { VectorClockValue } from "../clock/vector.js";

/** Wire format version carried in every message as `v`. */
export const WIRE_VERSION = 1;

/** Largest frame a VM accepts; anything bigger is rejected before decoding. */
export const MAX_FRAME_BYTES = 64 * 1024;

/**
 * Largest clock (Lamport or vector entry) accepted from the wire: 2^52, half the safe-integer
 * range. A hostile or broken peer can still push clocks forward (Lamport clocks trust their
 * peers), but never so far that incrementing stops being exact.
 */
export const MAX_CLOCK = 2 ** 52;

/** Largest number of entries accepted in a message's vector clock. */
export const MAX_VC_ENTRIES = 1024;

/** One message on the bus (SPEC section 3). Encoded as a plain msgpack map. */
export interface WireMessage {
  v: typeof WIRE_VERSION;
  /** Sender's VM id (its port as a string). */
  from: string;
  /** Receiver's VM id. */
  to: string;
  /** Sender process incarnation; a higher epoch resets that sender's sequence. */
  epoch: number;
  /** Per-link sequence number, 1, 2, 3, ... per (from -> to) and epoch. */
  seq: number;
  /** Sender's Lamport clock after the send event's increment. */
  clock: number;
  /** Sender's vector clock after the increment; a map in the frame. */
  vc: VectorClockValue;
  /** Sender wall time in ms since the Unix epoch. */
  sentAt: number;
}

/** Why a frame was refused; the value of `reason` in a `reject` log record. */
export type RejectReason =
  | "oversize"
  | "decode"
  | "shape"
  | "version"
  | "unknown-sender"
  | "sender-mismatch"
  | "wrong-recipient"
  | "bad-integer"
  | "bad-vc"
  | "bad-sentAt"
  | "duplicate"
  | "stale-epoch"
  | "seq-too-far"
  | "handshake"
  | "queue-full";

/** What the receiving VM knows when it validates a frame. */
export interface ValidationContext {
  /** This VM's id; `to` must equal it. */
  self: string;
  /** Ids of the configured peers; `from` must be one of them. */
  peers: ReadonlySet<string>;
  /** The sender as the transport saw it (ZeroMQ routing id), when it knows one. */
  senderHint?: string | undefined;
}

export type Validation =
  | { ok: true; msg: WireMessage }
  | { ok: false; reason: RejectReason; detail: string; from?: string };

/** Longest VM id, and the characters one may have. */
export const MAX_ID_LENGTH = 64;
export const ID_CHAR = /[0-9A-Za-z.-]/;
const ID_PATTERN = new RegExp(`^${ID_CHAR.source}{1,${MAX_ID_LENGTH}}$`);
/** The message's fields, in the order VMs write them. */
export const FIELDS = ["v", "from", "to", "epoch", "seq", "clock", "vc", "sentAt"] as const;
const FIELD_SET: ReadonlySet<string> = new Set(FIELDS);

function isSafeCount(x: unknown, min: number, max = Number.MAX_SAFE_INTEGER): x is number {
  return typeof x === "number" && Number.isSafeInteger(x) && x >= min && x <= max;
}

/**
 * Checks that a decoded value is a well-formed message for this VM. `value` is as the codec
 * decodes a frame: every msgpack map a `Map`, so a key that is not a string is seen (and
 * refused) instead of turned into one, and 64-bit integers as numbers. Never throws: every
 * failure becomes a reason for a `reject` record, so hostile input cannot crash the VM.
 */
export function validateMessage(value: unknown, ctx: ValidationContext): Validation {
  if (!(value instanceof Map)) return { ok: false, reason: "shape", detail: "not a map" };
  const map: ReadonlyMap<unknown, unknown> = value;
  // The common case first, without allocating: exactly the eight fields.
  let fields = 0;
  for (const k of map.keys()) if (typeof k === "string" && FIELD_SET.has(k)) fields += 1;
  if (fields !== FIELDS.length || map.size !== FIELDS.length) {
    const keys = [...map.keys()];
    const notString = keys.filter((k) => typeof k !== "string");
    const extra = keys.filter((k) => typeof k === "string" && !FIELD_SET.has(k));
    const missing = FIELDS.filter((k) => !map.has(k));
    const detail = [
      notString.length > 0 ? `a key that is not a string (${describe(notString[0])})` : "",
      missing.length > 0 ? `missing ${missing.join(",")}` : "",
      extra.length > 0 ? `unexpected ${extra.slice(0, 5).join(",")}` : "",
    ]
      .filter(Boolean)
      .join("; ");
    return { ok: false, reason: "shape", detail };
  }
  const from = map.get("from");
  if (typeof from !== "string" || !ID_PATTERN.test(from)) {
    return { ok: false, reason: "shape", detail: "from is not an id" };
  }
  const fail = (reason: RejectReason, detail: string): Validation => ({ ok: false, reason, detail, from });
  const v = map.get("v");
  if (v !== WIRE_VERSION) return fail("version", `expected v=${WIRE_VERSION}, got ${describe(v)}`);
  if (!ctx.peers.has(from)) return fail("unknown-sender", `from ${from} is not a configured peer`);
  if (ctx.senderHint !== undefined && ctx.senderHint !== from) {
    return fail("sender-mismatch", `from ${from} but the transport saw ${ctx.senderHint}`);
  }
  const to = map.get("to");
  if (to !== ctx.self) return fail("wrong-recipient", `to ${describe(to)}, this VM is ${ctx.self}`);
  const epoch = map.get("epoch");
  const seq = map.get("seq");
  const clock = map.get("clock");
  const sentAt = map.get("sentAt");
  if (!isSafeCount(epoch, 0)) return fail("bad-integer", "epoch is not a safe integer >= 0");
  if (!isSafeCount(seq, 1)) return fail("bad-integer", "seq is not a safe integer >= 1");
  if (!isSafeCount(clock, 1, MAX_CLOCK)) return fail("bad-integer", "clock is not an integer in 1..2^52");
  if (typeof sentAt !== "number" || !Number.isFinite(sentAt) || sentAt < 0) {
    return fail("bad-sentAt", "sentAt is not a finite number >= 0");
  }
  const copy = copyVectorClock(map.get("vc"));
  if (typeof copy === "string") return fail("bad-vc", copy);
  return { ok: true, msg: { v: WIRE_VERSION, from, to: ctx.self, epoch, seq, clock, vc: copy, sentAt } };
}

/** A decoded value in a few characters, for a reject's detail (never a long string). */
function describe(x: unknown): string {
  if (typeof x === "string") return JSON.stringify(x.length > 20 ? `${x.slice(0, 20)}...` : x);
  if (x instanceof Map) return "a map";
  if (Array.isArray(x)) return "an array";
  if (x instanceof Uint8Array) return "bytes";
  return typeof x === "object" && x !== null ? "an object" : String(x);
}

/** A decoded map as a vector clock value, or why it is not one. */
function copyVectorClock(vc: unknown): VectorClockValue | string {
  if (!(vc instanceof Map)) return "vc is not a map";
  if (vc.size > MAX_VC_ENTRIES) return `vc has more than ${MAX_VC_ENTRIES} entries`;
  const ids: string[] = [];
  const counts: number[] = [];
  for (const [id, n] of vc as Map<unknown, unknown>) {
    if (typeof id !== "string") return `vc has a key that is not a string (${describe(id)})`;
    if (!ID_PATTERN.test(id)) return "vc has a key that is not an id";
    if (!isSafeCount(n, 1, MAX_CLOCK)) return `vc[${id}] is not an integer in 1..2^52`;
    ids.push(id);
    counts.push(n);
  }
  return new VectorClockValue(ids, counts);
}

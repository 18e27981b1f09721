import { Packr, Unpackr } from "msgpackr";
import { encodeOwnMessage } from "./fast/encode.js";
import {
  FIELDS,
  MAX_FRAME_BYTES,
  type Validation,
  type ValidationContext,
  validateMessage,
  type WireMessage,
} from "./message.js";

// Plain msgpack maps only: no record extension and no structured clones, so any language's
// msgpack library can read and write the bus.
const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  structuredClone: false,
  moreTypes: false,
  bundleStrings: false,
  variableMapSize: true,
});

// Reads what any msgpack writer writes (SPEC section 3): maps as Maps, since turning them into
// objects would make a key 1 the string "1"; 64-bit integers as numbers, since the default
// BigInt is no field's type (above 2^53 the number is no longer a safe integer, so an integer
// field still refuses it, while sentAt, a float, takes it as the nearest double).
const unpackr = new Unpackr({
  useRecords: false,
  mapsAsObjects: false,
  int64AsType: "number",
  structuredClone: false,
  moreTypes: false,
  bundleStrings: false,
});

/**
 * Encodes a message as one msgpack map of FIELDS in their order, whatever order the object was
 * built in: msgpackr's bytes (the definition), which the fast path (fast/encode.ts) writes
 * itself for a VM's own messages.
 */
export function encodeMessage(msg: WireMessage): Uint8Array {
  const fast = encodeOwnMessage(msg);
  if (fast !== undefined) return fast;
  const map: Record<string, unknown> = {};
  for (const field of FIELDS) map[field] = field === "vc" ? msg.vc.toJSON() : msg[field];
  return packr.pack(map);
}

/**
 * Decodes and validates one frame. Oversized frames are refused before decoding; trailing
 * bytes after the map make the frame invalid, since one frame carries exactly one message.
 */
export function decodeFrame(frame: Uint8Array, ctx: ValidationContext): Validation {
  if (frame.byteLength > MAX_FRAME_BYTES) {
    return { ok: false, reason: "oversize", detail: `${frame.byteLength} bytes > ${MAX_FRAME_BYTES}` };
  }
  let values: unknown[];
  // A damaged frame makes msgpackr throw, and capturing the stack is most of what that costs;
  // the verdict needs only the message. Restored before returning: nothing else sees the change.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    values = unpackr.unpackMultiple(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)) ?? [];
  } catch (err) {
    return { ok: false, reason: "decode", detail: err instanceof Error ? err.message : "not msgpack" };
  } finally {
    Error.stackTraceLimit = limit;
  }
  if (values.length !== 1) {
    return { ok: false, reason: "decode", detail: `expected one msgpack value, got ${values.length}` };
  }
  return validateMessage(values[0], ctx);
}

/** The `seq` of a frame this VM encoded itself (for fault records), or 0 if it has none. */
export function peekSeq(frame: Uint8Array): number {
  try {
    const value: unknown = unpackr.unpack(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
    const seq = value instanceof Map ? value.get("seq") : undefined;
    return typeof seq === "number" ? seq : 0;
  } catch {
    return 0;
  }
}

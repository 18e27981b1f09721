import { Packr } from "msgpackr";
import { VcSnapshot } from "../vm/vector.js";
import { encodeOwnMessage } from "./encoder.js";
import {
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

/** Encodes a message as one msgpack map. */
export function encodeMessage(msg: WireMessage): Uint8Array {
  return (
    encodeOwnMessage(msg) ?? packr.pack(msg.vc instanceof VcSnapshot ? { ...msg, vc: msg.vc.toJSON() } : msg)
  );
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
  try {
    values = packr.unpackMultiple(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)) ?? [];
  } catch (err) {
    return { ok: false, reason: "decode", detail: err instanceof Error ? err.message : "not msgpack" };
  }
  if (values.length !== 1) {
    return { ok: false, reason: "decode", detail: `expected one msgpack value, got ${values.length}` };
  }
  return validateMessage(values[0], ctx);
}

/** The `seq` of a frame this VM encoded itself (for fault records), or 0 if it has none. */
export function peekSeq(frame: Uint8Array): number {
  try {
    const value = packr.unpack(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)) as {
      seq?: unknown;
    };
    return typeof value.seq === "number" ? value.seq : 0;
  } catch {
    return 0;
  }
}

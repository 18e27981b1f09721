/** Bytes of the length prefix in front of every frame on a stream transport (big-endian uint32). */
export const PREFIX_BYTES = 4;

/** Frames longer than this end the connection: the stream cannot be trusted past such a length. */
export const MAX_STREAM_FRAME = 1 << 20;

/** Prefixes a frame with its length. */
export function lengthPrefixed(frame: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(PREFIX_BYTES + frame.byteLength);
  out.writeUInt32BE(frame.byteLength, 0);
  out.set(frame, PREFIX_BYTES);
  return out;
}

/**
 * Cuts a byte stream into frames: handles frames split across chunks and several frames in one
 * chunk. Returns false once a length over MAX_STREAM_FRAME is seen (the caller drops the stream).
 */
export class FrameReader {
  #pending: Buffer[] = [];
  #size = 0;

  constructor(private readonly onFrame: (frame: Buffer) => void) {}

  /** Bytes received that are not yet a whole frame. */
  get buffered(): number {
    return this.#size;
  }

  push(chunk: Buffer): boolean {
    this.#pending.push(chunk);
    this.#size += chunk.length;
    for (;;) {
      if (this.#size < PREFIX_BYTES) return true;
      const head = this.#peek(PREFIX_BYTES);
      const length = head.readUInt32BE(0);
      if (length > MAX_STREAM_FRAME) return false;
      if (this.#size < PREFIX_BYTES + length) return true;
      const whole = this.#take(PREFIX_BYTES + length);
      this.onFrame(whole.subarray(PREFIX_BYTES));
    }
  }

  #peek(n: number): Buffer {
    if ((this.#pending[0]?.length ?? 0) < n) this.#pending = [Buffer.concat(this.#pending)];
    return (this.#pending[0] as Buffer).subarray(0, n);
  }

  #take(n: number): Buffer {
    const all = this.#pending.length === 1 ? (this.#pending[0] as Buffer) : Buffer.concat(this.#pending);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.#pending = rest.length > 0 ? [rest] : [];
    this.#size = rest.length;
    return out;
  }
}

/**
 * A FIFO of frames in front of one socket that allows a single send in flight (zeromq.js
 * rejects a second concurrent send on a socket). `push` never waits, so ticks never block.
 */
export class SendQueue {
  readonly #frames: Uint8Array[] = [];
  readonly #write: (frame: Uint8Array) => Promise<void>;
  readonly #onError: (err: unknown) => void;
  #head = 0;
  #busy = false;
  #idle: (() => void)[] = [];

  constructor(write: (frame: Uint8Array) => Promise<void>, onError: (err: unknown) => void) {
    this.#write = write;
    this.#onError = onError;
  }

  /** Frames not yet handed to the socket, plus the one in flight. */
  get length(): number {
    return this.#frames.length - this.#head + (this.#busy ? 1 : 0);
  }

  push(frame: Uint8Array): void {
    this.#frames.push(frame);
    if (!this.#busy) void this.#pump();
  }

  /** Resolves once every queued frame was handed over, or after `timeoutMs`. */
  async drained(timeoutMs: number): Promise<void> {
    if (this.length === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async #pump(): Promise<void> {
    this.#busy = true;
    while (this.#head < this.#frames.length) {
      const frame = this.#frames[this.#head] as Uint8Array;
      try {
        await this.#write(frame);
      } catch (err) {
        this.#onError(err);
        break;
      }
      this.#head += 1;
      // Compact now and then so a long run does not keep every sent frame alive.
      if (this.#head > 1024 && this.#head * 2 > this.#frames.length) {
        this.#frames.splice(0, this.#head);
        this.#head = 0;
      }
    }
    this.#busy = false;
    if (this.length === 0) for (const wake of this.#idle.splice(0)) wake();
  }
}

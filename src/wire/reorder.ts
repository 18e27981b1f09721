import type { WireMessage } from "./message.js";

/** Default time a missing `seq` is waited for before it is given up on. */
export const DEFAULT_GAP_TIMEOUT_MS = 2000;

/** Default bound on messages held back per sender while a `seq` is missing. */
export const DEFAULT_MAX_BUFFERED = 10_000;

/**
 * How far past the next expected `seq` a message may be. Further is refused (`seq-too-far`):
 * no real loss makes such a hole, and giving it up would mean listing millions of seqs.
 */
export const MAX_SEQ_AHEAD = 1_000_000;

/** What one message (or one timeout check) did to a sender's stream. */
export type ReorderOutput =
  | { kind: "deliver"; msg: WireMessage }
  | { kind: "duplicate"; msg: WireMessage }
  | { kind: "stale-epoch"; msg: WireMessage }
  | { kind: "seq-too-far"; msg: WireMessage }
  | { kind: "gap"; from: string; epoch: number; missing: number[] };

const NOTHING: readonly ReorderOutput[] = Object.freeze([]);

export interface ReorderOptions {
  /** Milliseconds to wait for a missing seq before giving up on it. @default 2000 */
  gapTimeoutMs?: number;
  /** Messages held back per sender; past this the oldest gap is given up at once. @default 10000 */
  maxBuffered?: number;
}

interface SenderState {
  epoch: number;
  /** The next seq to deliver. */
  next: number;
  held: Map<number, WireMessage>;
  /** When the oldest unfilled gap was first seen. */
  gapSince: number | undefined;
}

/**
 * Per-sender reorder buffer: messages leave in `seq` order per sender, duplicates are dropped,
 * and a missing `seq` is given up after the gap timeout (or at once when the buffer is full,
 * so a hostile sender cannot grow memory without bound). A higher `epoch` is a restarted
 * sender: what was held of the old epoch is released in order and its sequence restarts at 1.
 * Pure: time is passed in, so tests run in virtual time.
 */
export class ReorderBuffer {
  readonly #senders = new Map<string, SenderState>();
  readonly #reordered = new Map<string, number>();
  readonly #gapTimeoutMs: number;
  readonly #maxBuffered: number;
  /** Messages held over all senders: while none are, there is no gap to time out. */
  #heldTotal = 0;

  constructor(options: ReorderOptions = {}) {
    this.#gapTimeoutMs = options.gapTimeoutMs ?? DEFAULT_GAP_TIMEOUT_MS;
    this.#maxBuffered = options.maxBuffered ?? DEFAULT_MAX_BUFFERED;
  }

  /** Offers one validated message; returns what happened, in order. */
  push(msg: WireMessage, now: number): ReorderOutput[] {
    const out: ReorderOutput[] = [];
    let state = this.#senders.get(msg.from);
    if (state !== undefined && msg.epoch < state.epoch) return [{ kind: "stale-epoch", msg }];
    if (state !== undefined && msg.epoch > state.epoch) {
      this.#releaseAll(state, msg.from, out);
      state = undefined;
    }
    if (state === undefined) {
      state = { epoch: msg.epoch, next: 1, held: new Map(), gapSince: undefined };
      this.#senders.set(msg.from, state);
    }
    if (msg.seq < state.next || state.held.has(msg.seq)) return [...out, { kind: "duplicate", msg }];
    if (msg.seq - state.next > MAX_SEQ_AHEAD) return [...out, { kind: "seq-too-far", msg }];
    if (msg.seq === state.next) {
      out.push({ kind: "deliver", msg });
      state.next += 1;
      this.#releaseRun(state, out);
    } else {
      state.held.set(msg.seq, msg);
      this.#heldTotal += 1;
      state.gapSince ??= now;
      this.#reordered.set(msg.from, (this.#reordered.get(msg.from) ?? 0) + 1);
      if (state.held.size > this.#maxBuffered) this.#giveUpFirstGap(state, msg.from, now, out);
    }
    return out;
  }

  /** Gives up on gaps older than the timeout; call it regularly (each tick and each arrival). */
  poll(now: number): readonly ReorderOutput[] {
    // Called on every tick and arrival: the common case (nothing held) allocates nothing.
    if (this.#heldTotal === 0) return NOTHING;
    const out: ReorderOutput[] = [];
    for (const [from, state] of this.#senders) {
      while (state.gapSince !== undefined && now - state.gapSince >= this.#gapTimeoutMs) {
        this.#giveUpFirstGap(state, from, now, out);
      }
    }
    return out;
  }

  /**
   * Continues a sender's stream where a previous incarnation of this receiver left it (read
   * back from its log): `next` is the first seq not yet received or given up on.
   */
  resume(from: string, epoch: number, next: number): void {
    this.#heldTotal -= this.#senders.get(from)?.held.size ?? 0;
    this.#senders.set(from, { epoch, next, held: new Map(), gapSince: undefined });
  }

  /** Messages that arrived ahead of a missing seq and had to wait, per sender, since the start. */
  reorderedBySender(): ReadonlyMap<string, number> {
    return this.#reordered;
  }

  /** Messages held back, per sender. */
  heldBySender(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [from, state] of this.#senders) if (state.held.size > 0) counts.set(from, state.held.size);
    return counts;
  }

  #releaseRun(state: SenderState, out: ReorderOutput[]): void {
    for (let msg = state.held.get(state.next); msg !== undefined; msg = state.held.get(state.next)) {
      state.held.delete(state.next);
      this.#heldTotal -= 1;
      out.push({ kind: "deliver", msg });
      state.next += 1;
    }
    state.gapSince = state.held.size > 0 ? state.gapSince : undefined;
  }

  #giveUpFirstGap(state: SenderState, from: string, now: number, out: ReorderOutput[]): void {
    const first = Math.min(...state.held.keys());
    const missing: number[] = [];
    for (let s = state.next; s < first; s++) missing.push(s);
    out.push({ kind: "gap", from, epoch: state.epoch, missing });
    state.next = first;
    this.#releaseRun(state, out);
    if (state.gapSince !== undefined) state.gapSince = now;
  }

  #releaseAll(state: SenderState, from: string, out: ReorderOutput[]): void {
    while (state.held.size > 0) this.#giveUpFirstGap(state, from, 0, out);
  }
}

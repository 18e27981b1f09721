import type { RejectRecord } from "../log/schema.js";
import type { RejectReason } from "../wire/message.js";

/** Rejects of one key (reason and sender) written in full before any is coalesced. */
export const REJECT_BURST = 10;
/** After its burst, a key writes at most one record per this many ms (plus one at stop). */
export const REJECT_INTERVAL_MS = 1000;

/** The sender part of the key for a `from` that is no configured peer, and for none at all. */
const NOT_A_PEER = "\0not-a-peer";
const NO_SENDER = "\0none";
/** A reject's `detail` is cut to this many characters: a hostile frame chooses its own. */
const MAX_DETAIL = 200;

/**
 * The sender part of a reject's key: the peer it names, or one stand-in for every `from` that
 * is no configured peer, and one for none at all.
 */
export function rejectSender(peers: ReadonlySet<string>, from: string | undefined): string {
  return from !== undefined && peers.has(from) ? from : from === undefined ? NO_SENDER : NOT_A_PEER;
}

export interface RejectLimiterOptions {
  /** @default REJECT_BURST */
  burst?: number;
  /** @default REJECT_INTERVAL_MS */
  intervalMs?: number;
}

interface KeyState {
  /** The configured peer this key is about, when it is about one. */
  peer: string | undefined;
  /** Records this key may still write in full before coalescing. */
  burst: number;
  /** When this key's last record was written. */
  lastAt: number;
  /** Rejects held back since then, and the latest of them. */
  held: number;
  latest: RejectRecord | undefined;
}

/**
 * Keeps a flood of bad frames from filling the disk while every reject is still counted.
 * Rejects are keyed by reason and sender, where every `from` that is not a configured peer
 * (hostile frames name anything) is one sender, so there are at most reasons x (peers + 2)
 * keys. The first `burst` rejects of a key are written in full; after that a key writes at
 * most one record per interval, carrying `count`: the rejects it stands for, held back since
 * the key's previous record, with the latest one's `detail`, and `from` only when the key is a
 * configured peer. A reject arriving after a quiet interval is written in full at once.
 * `flushDue` (called on every tick) writes what waited its interval; `flushAll` (before
 * `stop`) writes everything held, so the `count`s of a log (1 where absent) add up to the
 * rejects taken in. Time comes from the caller: no timers of its own.
 */
export class RejectLimiter {
  readonly #peers: ReadonlySet<string>;
  readonly #write: (record: RejectRecord) => void;
  readonly #burst: number;
  readonly #intervalMs: number;
  readonly #keys = new Map<RejectReason, Map<string, KeyState>>();
  /** Keys holding rejects back: while none does, a tick has nothing to look at. */
  #holding = 0;
  #taken = 0;

  constructor(
    peers: ReadonlySet<string>,
    write: (record: RejectRecord) => void,
    options: RejectLimiterOptions = {},
  ) {
    this.#peers = peers;
    this.#write = write;
    this.#burst = options.burst ?? REJECT_BURST;
    this.#intervalMs = options.intervalMs ?? REJECT_INTERVAL_MS;
  }

  /** Keys that currently hold rejects back. */
  get holding(): number {
    return this.#holding;
  }

  /** Rejects taken in so far, written or held: the `stop` record's `rejected`. */
  get taken(): number {
    return this.#taken;
  }

  /** Takes `count` rejects at time `t`, the latest's detail cut to MAX_DETAIL characters (see add). */
  reject(t: number, reason: RejectReason, detail: string, from?: string, seq?: number, count = 1): void {
    const record: RejectRecord = { event: "reject", t, reason, detail: detail.slice(0, MAX_DETAIL) };
    if (from !== undefined) record.from = from;
    if (seq !== undefined) record.seq = seq;
    this.add(record, count);
  }

  /**
   * Takes `count` rejects of one key, stamped with the current time, `record` the latest of
   * them: written now, or held for its key's record. More than one at once come from a
   * receiving thread that counted them (host/io-thread.ts), which sends a key's first `burst`
   * one by one, so that those are written in full here as they would have been.
   */
  add(record: RejectRecord, count = 1): void {
    this.#taken += count;
    const key = this.#key(record.reason, record.from);
    let held = count;
    if (key.burst > 0) {
      key.burst -= 1;
      key.lastAt = record.t;
      this.#write(record);
      held -= 1;
      if (held === 0) return;
    }
    if (record.t - key.lastAt >= this.#intervalMs) {
      const total = key.held + held;
      this.#release(key, record.t);
      this.#write(total === 1 ? record : this.#coalesced(key, record, record.t, total));
    } else {
      if (key.held === 0) this.#holding += 1;
      key.held += held;
      key.latest = record;
    }
  }

  /**
   * Writes the held rejects of every key whose interval has passed by `now`. The caller skips
   * it while `holding` is 0 (a tick then needs no clock reading either).
   */
  flushDue(now: number): void {
    for (const byReason of this.#keys.values()) {
      for (const key of byReason.values()) {
        if (key.held > 0 && now - key.lastAt >= this.#intervalMs) this.#flush(key, now);
      }
    }
  }

  /** Writes everything held, whatever the interval: before the `stop` record. */
  flushAll(now: number): void {
    if (this.#holding === 0) return;
    for (const byReason of this.#keys.values()) {
      for (const key of byReason.values()) if (key.held > 0) this.#flush(key, now);
    }
  }

  #flush(key: KeyState, now: number): void {
    const latest = key.latest as RejectRecord;
    const count = key.held;
    this.#release(key, now);
    // Stamped now, not when it arrived: wall time in the log never goes back.
    this.#write(count === 1 ? { ...latest, t: now } : this.#coalesced(key, latest, now, count));
  }

  #release(key: KeyState, now: number): void {
    if (key.held > 0) this.#holding -= 1;
    key.held = 0;
    key.latest = undefined;
    key.lastAt = now;
  }

  #coalesced(key: KeyState, latest: RejectRecord, t: number, count: number): RejectRecord {
    const record: RejectRecord = { event: "reject", t, reason: latest.reason, detail: latest.detail };
    if (key.peer !== undefined) record.from = key.peer;
    record.count = count;
    return record;
  }

  #key(reason: RejectReason, from: string | undefined): KeyState {
    let byReason = this.#keys.get(reason);
    if (byReason === undefined) {
      byReason = new Map();
      this.#keys.set(reason, byReason);
    }
    const peer = from !== undefined && this.#peers.has(from) ? from : undefined;
    const sender = rejectSender(this.#peers, from);
    let key = byReason.get(sender);
    if (key === undefined) {
      key = { peer, burst: this.#burst, lastAt: Number.NEGATIVE_INFINITY, held: 0, latest: undefined };
      byReason.set(sender, key);
    }
    return key;
  }
}

import { VcLayout, VectorClockValue } from "../../clock/vector.js";
import type { InternalRecord, ReceiveRecord, SendRecord, TickRecord } from "../schema.js";

/**
 * Fast path of `JSON.parse` + `recordProblem` for the tick records of a log (most of its lines),
 * which cost over a microsecond a line and build the vector clock as an object keyed by ports
 * (sparse indices, slow to build and to walk). It accepts exactly the lines the fast serializer
 * (fast/serialize.ts) writes: TICK_FIELDS's order, no spaces, plain strings, no zero vc entries,
 * counts as plain digits; anything else it gives up on, for the caller (log/reader.ts) to parse
 * with `JSON.parse` and check with `recordProblem`: never a second grammar, and what it returns
 * is a record of the schema. The vector clock comes back as a value whose ids array is
 * shared by the lines that list the same ids, so checks can compare clocks slot by slot.
 *
 * Each kind's fields are read in TICK_FIELDS's order written out by hand: a loop over the list
 * (one call and one computed-key store per field) read a log about a quarter slower. That the
 * two agree is tested (test/log/serialize.test.ts: every tick line a simulated VM writes is
 * scanned, never given up on, into a record whose keys are TICK_FIELDS's).
 */
export class TickScanner {
  #text = "";
  #p = 0;
  /** The ids of the last vector clock read (and their `"id":` keys), reused while they repeat. */
  #layout = new VcLayout([]);

  scan(text: string): TickRecord | undefined {
    this.#text = text;
    this.#p = 0;
    try {
      if (this.#lit('{"event":"internal","t":')) return this.#local("internal");
      if (this.#lit('{"event":"send","t":')) return this.#local("send");
      if (this.#lit('{"event":"receive","t":')) return this.#receive();
    } catch (err) {
      if (err !== GIVE_UP) throw err;
    }
    return undefined;
  }

  /** An internal or send record: the same fields, then a send's recipients and seqs. */
  #local(event: "internal" | "send"): InternalRecord | SendRecord {
    const t = this.#num();
    const tick = this.#count(',"tick":', 1);
    const due = this.#field(',"due":');
    const clock = this.#count(',"clock":', 0);
    this.#expect(',"vc":');
    const vc = this.#vc();
    const queue = this.#count(',"queue":', 0);
    if (event === "internal") {
      this.#end();
      return { event, t, tick, due, clock, vc, queue };
    }
    this.#expect(',"to":[');
    const to: string[] = [];
    do to.push(this.#str());
    while (this.#lit(","));
    this.#expect('],"seq":[');
    const seq: number[] = [];
    do seq.push(this.#int(1));
    while (this.#lit(","));
    this.#expect("]");
    if (seq.length !== to.length) throw GIVE_UP;
    this.#end();
    return { event, t, tick, due, clock, vc, queue, to, seq };
  }

  #receive(): ReceiveRecord {
    const t = this.#num();
    const tick = this.#count(',"tick":', 1);
    const due = this.#field(',"due":');
    const clock = this.#count(',"clock":', 0);
    const queue = this.#count(',"queue":', 0);
    this.#expect(',"vc":');
    const vc = this.#vc();
    this.#expect(',"from":');
    const from = this.#str();
    if (from === "") throw GIVE_UP;
    const seq = this.#count(',"seq":', 1);
    const msgClock = this.#count(',"msgClock":', 0);
    const sentAt = this.#field(',"sentAt":');
    const arrivedAt = this.#field(',"arrivedAt":');
    const epoch = this.#count(',"epoch":', 0);
    this.#end();
    return {
      event: "receive",
      t,
      tick,
      due,
      clock,
      queue,
      vc,
      from,
      seq,
      msgClock,
      sentAt,
      arrivedAt,
      epoch,
    };
  }

  #vc(): VectorClockValue {
    this.#expect("{");
    const counts: number[] = [];
    const layout = this.#layout;
    // This clock's ids, from where they depart from the last clock's (a copy: a line given up
    // half way leaves the layout as it was).
    let ids: string[] | undefined;
    if (!this.#lit("}")) {
      do {
        const k = counts.length;
        const key = ids === undefined ? layout.jsonKeys[k] : undefined;
        if (key !== undefined && this.#text.startsWith(key, this.#p)) {
          this.#p += key.length;
        } else {
          const id = this.#str();
          this.#expect(":");
          ids ??= layout.ids.slice(0, k);
          // A repeated id means the last value wins in JSON.parse: not a line this path reads.
          if (ids.includes(id)) throw GIVE_UP;
          ids.push(id);
        }
        counts.push(this.#int(1));
      } while (this.#lit(","));
      this.#expect("}");
    }
    if (ids === undefined && layout.ids.length !== counts.length) ids = layout.ids.slice(0, counts.length);
    if (ids !== undefined) this.#layout = new VcLayout(ids);
    return new VectorClockValue(this.#layout, counts);
  }

  /** `key` (with the comma before it) and the number after it. */
  #field(key: string): number {
    this.#expect(key);
    return this.#num();
  }

  /** `key` (with the comma before it) and the integer >= `min` after it. */
  #count(key: string, min: number): number {
    this.#expect(key);
    return this.#int(min);
  }

  /**
   * An integer >= `min` written as plain digits (at most 15: always safe). Anything else, even
   * what JSON.parse reads as an integer (`1e3`, `-0`), goes the general way.
   */
  #int(min: number): number {
    const text = this.#text;
    const from = this.#p;
    let p = from;
    let value = 0;
    for (let c = text.charCodeAt(p); c >= 48 && c <= 57; c = text.charCodeAt(++p))
      value = value * 10 + (c - 48);
    const c = text.charCodeAt(p);
    const digits = p - from;
    if (digits === 0 || digits > 15 || (digits > 1 && text.charCodeAt(from) === 48)) throw GIVE_UP;
    if (c === 46 || c === 101 || c === 69 || value < min) throw GIVE_UP;
    this.#p = p;
    return value;
  }

  /** A JSON number: integers are read digit by digit, anything else by Number (as JSON does). */
  #num(): number {
    const text = this.#text;
    const start = this.#p;
    let p = start;
    if (text.charCodeAt(p) === 45) p += 1; // -
    let value = 0;
    const digits = p;
    for (let c = text.charCodeAt(p); c >= 48 && c <= 57; c = text.charCodeAt(++p))
      value = value * 10 + (c - 48);
    if (p === digits || p - digits > 15 || (text.charCodeAt(digits) === 48 && p - digits > 1)) {
      throw GIVE_UP;
    }
    const c = text.charCodeAt(p);
    if (c === 46 && start === digits && value >= 2 ** 40 && value < 2 ** 41) {
      // A wall time in ms (2004-2039) with a fraction: see wallTimeValue for why this is exact.
      let fraction = 0;
      const from = p + 1;
      let q = from;
      for (let d = text.charCodeAt(q); d >= 48 && d <= 57; d = text.charCodeAt(++q))
        fraction = fraction * 10 + (d - 48);
      const e = text.charCodeAt(q);
      if (q > from && q - from <= 8 && e !== 101 && e !== 69) {
        this.#p = q;
        return wallTimeValue(value, fraction, q - from);
      }
    }
    // JSON wants a digit after the point (Number would take "1." too).
    if (c === 46 && !(text.charCodeAt(p + 1) >= 48 && text.charCodeAt(p + 1) <= 57)) throw GIVE_UP;
    if (c === 46 || c === 101 || c === 69) {
      // . e E: the rest of the number, converted by the same correctly rounded algorithm.
      for (
        let d = text.charCodeAt(++p);
        (d >= 48 && d <= 57) || d === 43 || d === 45 || d === 101 || d === 69;
      ) {
        d = text.charCodeAt(++p);
      }
      const n = Number(text.slice(start, p));
      if (!Number.isFinite(n)) throw GIVE_UP;
      this.#p = p;
      return n;
    }
    this.#p = p;
    return start === digits ? value : -value;
  }

  /** A string without escapes (ids never have any). */
  #str(): string {
    this.#expect('"');
    const end = this.#text.indexOf('"', this.#p);
    if (end === -1) throw GIVE_UP;
    const s = this.#text.slice(this.#p, end);
    // Escapes and raw control characters (which JSON.parse refuses) go the slow way.
    if (UNPLAIN.test(s)) throw GIVE_UP;
    this.#p = end + 1;
    return s;
  }

  #lit(s: string): boolean {
    if (!this.#text.startsWith(s, this.#p)) return false;
    this.#p += s.length;
    return true;
  }

  #expect(s: string): void {
    if (!this.#lit(s)) throw GIVE_UP;
  }

  #end(): void {
    if (this.#p !== this.#text.length - 1 || this.#text.charCodeAt(this.#p) !== 125) throw GIVE_UP;
  }
}

const GIVE_UP = Symbol("give up");

const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];

/**
 * The double nearest to `int`.`fraction` (with `digits` fraction digits), for 2^40 <= int <
 * 2^41 and at most 8 digits: exactly what Number() gives, without making a string. Doubles
 * there are 2^-12 apart, so rounding goes to the nearest multiple of 2^-12, halfway points
 * being odd multiples of 2^-13. fraction / 10^digits is one correctly rounded division (error
 * under 2^-54); the exact decimal is never a halfway point (that would need 13 or more digits)
 * and is at least 1 / (10^8 * 2^13), about 1.2e-12, from any, far more than that error. So the
 * one rounding of int + fraction / 10^digits lands where rounding the exact decimal does.
 */
export function wallTimeValue(int: number, fraction: number, digits: number): number {
  return int + fraction / (POWERS_OF_TEN[digits] as number);
}
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNPLAIN = /[\u0000-\u001f\\]/;

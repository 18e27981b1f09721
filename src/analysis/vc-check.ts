import type { VectorClock } from "../clock/clocks.js";
import type { VectorClockValue } from "../clock/vector.js";

/**
 * The vector clock rule checked on counts by slot, one per VM id: the expected clock of each
 * tick is made in a reused array, compared with the logged clock slot by slot, and the logged
 * clock becomes the VM's current one. No object per record, which is what made this check
 * the slowest part of `inspect`. Ids the trial does not know get a slot when first seen.
 */
export class VcCheck {
  readonly #slots = new Map<string, number>();
  readonly #ids: string[] = [];
  /** The VM's clock as its last record logged it. */
  #current: number[] = [];
  /** The clock the record being checked should carry. */
  #expected: number[] = [];
  readonly #self: number;
  readonly #byIds = new WeakMap<readonly string[], number[]>();

  /** `ids` fix the first slots (the send index's layout); `self` is the VM being checked. */
  constructor(ids: readonly string[], self: string) {
    for (const id of ids) this.#slotOf(id);
    this.#self = this.#slotOf(self);
  }

  /** Starts the expectation of a record from the current clock. */
  begin(): number[] {
    const expected = this.#expected;
    const current = this.#current;
    for (let i = 0; i < current.length; i++) expected[i] = current[i] as number;
    return expected;
  }

  /** Finishes the expectation: the VM's own entry goes up by one (local, send and receive). */
  tickSelf(): void {
    this.#expected[this.#self] = (this.#expected[this.#self] as number) + 1;
  }

  /** True when the logged clock equals the expectation (absent entries count as 0). */
  matches(vc: VectorClockValue): boolean {
    let nonZero = 0;
    const slots = this.#slotsFor(vc.ids);
    for (let k = 0; k < slots.length; k++) {
      const n = vc.counts[k] as number;
      if (n === 0) continue;
      nonZero += 1;
      if (this.#expected[slots[k] as number] !== n) return false;
    }
    return nonZero === this.#expectedNonZero();
  }

  #expectedNonZero(): number {
    let count = 0;
    for (const n of this.#expected) if (n !== 0) count += 1;
    return count;
  }

  /** The expectation in map form, for a failure's message. */
  expected(): VectorClock {
    const out: VectorClock = {};
    this.#expected.forEach((n, slot) => {
      if (n !== 0) out[this.#ids[slot] as string] = n;
    });
    return out;
  }

  /** The logged clock becomes the VM's current one (what the next record builds on). */
  adopt(vc: VectorClockValue): void {
    this.#current.fill(0);
    const slots = this.#slotsFor(vc.ids);
    for (let k = 0; k < slots.length; k++) this.#current[slots[k] as number] = vc.counts[k] as number;
  }

  /** Our slot of each of a clock's ids; the values of a log share ids arrays, so this is cached. */
  #slotsFor(ids: readonly string[]): number[] {
    let slots = this.#byIds.get(ids);
    if (slots === undefined) {
      slots = ids.map((id) => this.#slotOf(id));
      this.#byIds.set(ids, slots);
    }
    return slots;
  }

  #slotOf(id: string): number {
    let slot = this.#slots.get(id);
    if (slot === undefined) {
      slot = this.#ids.length;
      this.#ids.push(id);
      this.#slots.set(id, slot);
      this.#current.push(0);
      this.#expected.push(0);
    }
    return slot;
  }
}

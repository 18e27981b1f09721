import type { VectorClock } from "./clocks.js";

/**
 * A vector clock as records and messages carry it, whoever made them (a VM's own clock, a log
 * read back, a decoded frame): immutable counts by slot over a list of ids. VM ids are ports
 * ("5001"), which V8 stores as sparse array indices: an object keyed by them costs hundreds of
 * nanoseconds to build or copy, an array of counts a few. Logs and the wire still see the map
 * form (SPEC): `toJSON` gives it, so `JSON.stringify` of a record is unchanged; `vcOf` makes
 * one from it.
 */
export class VectorClockValue {
  /** The ids by slot, with what writers need of them; shared between values, never changed. */
  readonly layout: VcLayout;
  readonly counts: readonly number[];

  constructor(ids: readonly string[] | VcLayout, counts: readonly number[]) {
    this.layout = ids instanceof VcLayout ? ids : new VcLayout(ids);
    this.counts = counts;
  }

  /** Ids by slot. */
  get ids(): readonly string[] {
    return this.layout.ids;
  }

  /** The map form: id -> count, zero entries omitted. */
  toJSON(): VectorClock {
    const out: VectorClock = {};
    for (let i = 0; i < this.ids.length; i++) {
      const n = this.counts[i] as number;
      if (n > 0) out[this.ids[i] as string] = n;
    }
    return out;
  }
}

/** The value of a vector clock given in map form (a log line's, a frame's, a test's). */
export function vcOf(map: Readonly<VectorClock>): VectorClockValue {
  const ids = Object.keys(map);
  return new VectorClockValue(
    ids,
    ids.map((id) => map[id] as number),
  );
}

/** The map form of a vector clock value. */
export function plainVc(vc: VectorClockValue): VectorClock {
  return vc.toJSON();
}

/**
 * The ids of vector clocks by slot, shared by every value taken over them and never
 * changed, with what writers derive from them once: the order JSON gives the map form's keys
 * (ids that are array indices ascending, then the others by slot), as V8 orders an object's.
 */
export class VcLayout {
  readonly ids: readonly string[];
  #order: readonly number[] | undefined;
  #jsonKeys: readonly string[] | undefined;

  constructor(ids: readonly string[]) {
    this.ids = ids;
  }

  /** Per slot, the id as a JSON key with its colon: `"5001":`. */
  get jsonKeys(): readonly string[] {
    this.#jsonKeys ??= this.ids.map((id) => `${JSON.stringify(id)}:`);
    return this.#jsonKeys;
  }

  /** Slots in the order `JSON.stringify` (and msgpack of the map) writes the map form's keys. */
  get order(): readonly number[] {
    if (this.#order === undefined) {
      const index = (id: string): number =>
        /^(0|[1-9][0-9]{0,9})$/.test(id) && Number(id) < 2 ** 32 - 1 ? Number(id) : -1;
      const slots = this.ids.map((_, i) => i);
      const indices = slots.filter((i) => index(this.ids[i] as string) >= 0);
      indices.sort((a, b) => index(this.ids[a] as string) - index(this.ids[b] as string));
      this.#order = [...indices, ...slots.filter((i) => index(this.ids[i] as string) < 0)];
    }
    return this.#order;
  }
}

/**
 * A VM's own vector clock, updated in place: `local` and `receive` apply the rules of
 * clocks.ts (vectorLocal, vectorReceive) on counts by slot; `snapshot` is the value records and
 * messages carry. Ids never seen before (in a message's clock) get a new slot.
 */
export class VectorState {
  /** Our ids by slot; replaced (never changed in place) when an id is added, as snapshots share it. */
  #layout: VcLayout;
  readonly #slots = new Map<string, number>();
  #counts: number[];
  readonly #self: number;
  /** For a message clock's ids (by reference, shared by a sender's values): its slot -> our slot. */
  #mappings = new WeakMap<readonly string[], number[]>();

  constructor(self: string, peers: readonly string[], initial: VectorClock = {}) {
    this.#layout = new VcLayout([self]);
    this.#counts = [0];
    this.#slots.set(self, 0);
    this.#self = 0;
    for (const peer of peers) this.#slotOf(peer);
    for (const [id, n] of Object.entries(initial)) this.#counts[this.#slotOf(id)] = n;
  }

  /** A local event (internal or send): increment our own entry. */
  local(): void {
    this.#counts[this.#self] = (this.#counts[this.#self] as number) + 1;
  }

  /** A receive: element-wise max with the message's clock, then increment our own entry. */
  receive(msgVc: VectorClockValue): void {
    const map = this.#mappingFor(msgVc.ids);
    const theirs = msgVc.counts;
    for (let i = 0; i < theirs.length; i++) {
      const slot = map[i] as number;
      const n = theirs[i] as number;
      if (n > (this.#counts[slot] as number)) this.#counts[slot] = n;
    }
    this.local();
  }

  /** The clock as it is now: a value sharing our ids, never changed by later events. */
  snapshot(): VectorClockValue {
    return new VectorClockValue(this.#layout, this.#counts.slice());
  }

  #mappingFor(ids: readonly string[]): number[] {
    let map = this.#mappings.get(ids);
    if (map === undefined) {
      map = ids.map((id) => this.#slotOf(id));
      this.#mappings.set(ids, map);
    }
    return map;
  }

  #slotOf(id: string): number {
    let slot = this.#slots.get(id);
    if (slot === undefined) {
      slot = this.#layout.ids.length;
      // Copy on write: earlier snapshots keep the layout they were taken with.
      this.#layout = new VcLayout([...this.#layout.ids, id]);
      this.#counts.push(0);
      this.#slots.set(id, slot);
    }
    return slot;
  }
}

import type { SendRecord } from "../log/schema.js";

interface LinkSends {
  /** Lamport stamp per seq (index seq - 1); NaN where no send was logged. */
  clocks: number[];
  /** Vector clocks per seq, flattened with stride = number of VMs; NaN where absent. */
  vcs: number[];
  /** Send records seen for this link (a seq logged twice counts twice). */
  count: number;
  /** Seqs logged more than once, with where. */
  repeats: { seq: number; where: string }[];
}

/**
 * What every VM sent, per link and seq: stamp and vector clock in flat number arrays, so a run
 * of a million records needs no object per message. Built in a first pass over the logs.
 */
export class SendIndex {
  readonly #links = new Map<string, LinkSends>();
  readonly #slot: Map<string, number>;

  /** `ids`: every VM id of the trial; fixes the layout of stored vector clocks. */
  constructor(readonly ids: readonly string[]) {
    this.#slot = new Map(ids.map((id, i) => [id, i]));
  }

  add(from: string, record: SendRecord, where: string): void {
    const stride = this.ids.length;
    record.to.forEach((to, i) => {
      const seq = record.seq[i];
      if (seq === undefined || !Number.isSafeInteger(seq) || seq < 1) return;
      const link = this.#link(from, to);
      link.count += 1;
      if (!Number.isNaN(link.clocks[seq - 1] ?? Number.NaN)) link.repeats.push({ seq, where });
      while (link.clocks.length < seq) link.clocks.push(Number.NaN);
      while (link.vcs.length < seq * stride) link.vcs.push(Number.NaN);
      link.clocks[seq - 1] = record.clock;
      for (let k = 0; k < stride; k++) link.vcs[(seq - 1) * stride + k] = 0;
      for (const [id, n] of Object.entries(record.vc)) {
        const slot = this.#slot.get(id);
        if (slot !== undefined) link.vcs[(seq - 1) * stride + slot] = n;
      }
    });
  }

  /** The stamp of from->to seq, or undefined when no such send was logged. */
  clock(from: string, to: string, seq: number): number | undefined {
    const c = this.#links.get(`${from}>${to}`)?.clocks[seq - 1];
    return c === undefined || Number.isNaN(c) ? undefined : c;
  }

  /** The vector clock the message from->to seq carried, or undefined. */
  vc(from: string, to: string, seq: number): Record<string, number> | undefined {
    const link = this.#links.get(`${from}>${to}`);
    if (link === undefined || this.clock(from, to, seq) === undefined) return undefined;
    const out: Record<string, number> = {};
    const stride = this.ids.length;
    this.ids.forEach((id, k) => {
      const n = link.vcs[(seq - 1) * stride + k] ?? 0;
      if (n > 0) out[id] = n;
    });
    return out;
  }

  /** How many messages from->to were logged as sent. */
  sent(from: string, to: string): number {
    return this.#links.get(`${from}>${to}`)?.count ?? 0;
  }

  /** Every link with at least one send, as [from, to]. */
  links(): [string, string][] {
    return [...this.#links.keys()].map((k) => k.split(">") as [string, string]);
  }

  repeats(): { link: string; seq: number; where: string }[] {
    return [...this.#links].flatMap(([link, s]) => s.repeats.map((r) => ({ link, ...r })));
  }

  #link(from: string, to: string): LinkSends {
    const key = `${from}>${to}`;
    let link = this.#links.get(key);
    if (link === undefined) {
      link = { clocks: [], vcs: [], count: 0, repeats: [] };
      this.#links.set(key, link);
    }
    return link;
  }
}

import type { SendRecord } from "../log/schema.js";

interface LinkSends {
  /** Lamport stamp per seq (index seq - 1); NaN where no send was logged. */
  clocks: number[];
  /** Vector clocks per seq, flattened with stride = number of VMs; NaN where absent. */
  vcs: number[];
  /** Wall time of each send record, in log order. */
  times: number[];
  /** Send records seen for this link (a seq logged twice counts twice). */
  count: number;
  /** Seqs logged more than once, with where. */
  repeats: { seq: number; where: string }[];
}

/**
 * What every VM sent, per link, sender epoch and seq: stamp and vector clock in flat number
 * arrays, so a run of a million records needs no object per message. Built in a first pass
 * over the logs. A restarted sender starts its seqs again at 1 under a new epoch, so a message
 * is known by (from, epoch, to, seq); lookups without an epoch (logs older than the `epoch`
 * field on receives) use the sender's first epoch.
 */
export class SendIndex {
  /** `from>to` -> epoch -> sends, epochs in the order first seen. */
  readonly #links = new Map<string, Map<number, LinkSends>>();
  readonly #slot: Map<string, number>;

  /** `ids`: every VM id of the trial; fixes the layout of stored vector clocks. */
  constructor(readonly ids: readonly string[]) {
    this.#slot = new Map(ids.map((id, i) => [id, i]));
  }

  add(from: string, epoch: number, record: SendRecord, where: string): void {
    const stride = this.ids.length;
    record.to.forEach((to, i) => {
      const seq = record.seq[i];
      if (seq === undefined || !Number.isSafeInteger(seq) || seq < 1) return;
      const link = this.#link(from, to, epoch);
      link.count += 1;
      link.times.push(record.t);
      if (!Number.isNaN(link.clocks[seq - 1] ?? Number.NaN)) link.repeats.push({ seq, where });
      while (link.clocks.length < seq) link.clocks.push(Number.NaN);
      while (link.vcs.length < seq * stride) link.vcs.push(Number.NaN);
      link.clocks[seq - 1] = record.clock;
      for (let k = 0; k < stride; k++) link.vcs[(seq - 1) * stride + k] = 0;
      const vc = record.vc;
      vc.ids.forEach((id, k) => {
        const slot = this.#slot.get(id);
        if (slot !== undefined) link.vcs[(seq - 1) * stride + slot] = vc.counts[k] as number;
      });
    });
  }

  /** The stamp of from->to seq (of the sender's `epoch`), or undefined when no such send was logged. */
  clock(from: string, to: string, seq: number, epoch?: number): number | undefined {
    const c = this.#find(from, to, epoch)?.clocks[seq - 1];
    return c === undefined || Number.isNaN(c) ? undefined : c;
  }

  /**
   * Merges (element-wise max) the vector clock the message from->to seq carried into `target`,
   * laid out by `ids`; false when no such send was logged.
   */
  mergeVc(from: string, to: string, seq: number, epoch: number | undefined, target: number[]): boolean {
    const link = this.#find(from, to, epoch);
    const c = link?.clocks[seq - 1];
    if (link === undefined || c === undefined || Number.isNaN(c)) return false;
    const stride = this.ids.length;
    const row = (seq - 1) * stride;
    for (let k = 0; k < stride; k++) {
      const n = link.vcs[row + k] ?? 0;
      if (n > (target[k] as number)) target[k] = n;
    }
    return true;
  }

  /** How many messages from->to were logged as sent, over every epoch of the sender. */
  sent(from: string, to: string): number {
    let n = 0;
    for (const link of this.#links.get(`${from}>${to}`)?.values() ?? []) n += link.count;
    return n;
  }

  /** How many messages from->to the sender's incarnation `epoch` logged as sent. */
  sentIn(from: string, to: string, epoch: number): number {
    return this.#links.get(`${from}>${to}`)?.get(epoch)?.count ?? 0;
  }

  /** How many messages from->to were logged as sent at wall times in [from, to). */
  sentBetween(from: string, to: string, t0: number, t1: number): number {
    let n = 0;
    for (const link of this.#links.get(`${from}>${to}`)?.values() ?? []) {
      for (const t of link.times) if (t >= t0 && t < t1) n += 1;
    }
    return n;
  }

  /** Every link with at least one send, as [from, to]. */
  links(): [string, string][] {
    return [...this.#links.keys()].map((k) => k.split(">") as [string, string]);
  }

  repeats(): { link: string; seq: number; where: string }[] {
    return [...this.#links].flatMap(([link, epochs]) =>
      [...epochs.values()].flatMap((s) => s.repeats.map((r) => ({ link, ...r }))),
    );
  }

  #find(from: string, to: string, epoch: number | undefined): LinkSends | undefined {
    const epochs = this.#links.get(`${from}>${to}`);
    if (epochs === undefined) return undefined;
    return epoch === undefined ? epochs.values().next().value : epochs.get(epoch);
  }

  #link(from: string, to: string, epoch: number): LinkSends {
    const key = `${from}>${to}`;
    let epochs = this.#links.get(key);
    if (epochs === undefined) {
      epochs = new Map();
      this.#links.set(key, epochs);
    }
    let link = epochs.get(epoch);
    if (link === undefined) {
      link = { clocks: [], vcs: [], times: [], count: 0, repeats: [] };
      epochs.set(epoch, link);
    }
    return link;
  }
}

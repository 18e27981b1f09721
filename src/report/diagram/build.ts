/**
 * Builds a trial's diagram columns from its records in time order. One builder serves the
 * report (records read from the logs, src/report/diagram/extract.ts) and the live page (records
 * streamed as the VMs write them), so both draw the same events the same way. No imports but
 * the shared format: the browser bundle carries this file.
 */
import { type DiagramVm, KINDS, type TrialDiagram } from "./format.js";

/** The fields of a tick record the diagram reads (a log line parsed as JSON has them). */
export interface TickLike {
  event: "internal" | "send" | "receive";
  tick: number;
  /** Wall time of the tick, ms since the Unix epoch. */
  t: number;
  clock: number;
  queue: number;
  /** Vector clock by VM id. */
  vc: Readonly<Record<string, number>>;
  /** Sends: recipients and the per-link seq of each. */
  to?: readonly string[];
  seq?: number | readonly number[];
  /** Receives: sender, arrival time and the sender's epoch (absent in older logs). */
  from?: string;
  arrivedAt?: number;
  epoch?: number;
}

/** What a trial's diagram is drawn over: its lanes and time 0. */
export interface TrialFrame {
  experiment: string;
  trial: number;
  vms: DiagramVm[];
  t0: number;
  durationS: number;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export class DiagramBuilder {
  readonly d: TrialDiagram;
  readonly #laneOf: Map<string, number>;
  /** Sends on the page (event index, receiving lane) by link and seq, until their receive claims them. */
  readonly #sends = new Map<string, [number, number]>();
  /** Per lane: its current epoch and its previous Lamport value. */
  readonly #epoch: number[];
  readonly #prevClock: number[];
  /** The last epoch each VM id was seen in, for receives of logs without `epoch`. */
  readonly #epochs = new Map<string, number>();
  #seen = 0;

  constructor(
    frame: TrialFrame,
    readonly limit: number,
  ) {
    const { experiment, trial, vms, t0, durationS } = frame;
    this.#laneOf = new Map(vms.map((v, i) => [v.id, i]));
    this.#epoch = vms.map(() => 0);
    this.#prevClock = vms.map(() => 0);
    this.d = {
      ...{ experiment, trial, vms, t0, durationS, total: 0, omitted: 0 },
      ...{ vm: [], tick: [], kind: [], t: [], clock: [], queue: [], vc: [] },
      ...{ sendOf: [], from: [], arrived: [], jump: [], unreceived: [] },
    };
  }

  /** The lane of VM `id`, or -1 when it is not one of the trial's. */
  laneOf(id: string): number {
    return this.#laneOf.get(id) ?? -1;
  }

  /**
   * A start record of lane `lane`: a new epoch. A restarted VM resumes its clocks from what it
   * logged (`recovered`), so its previous clock stays as it was.
   */
  start(lane: number, epoch: number, recovered: boolean): void {
    this.#epoch[lane] = epoch;
    if (!recovered) this.#prevClock[lane] = 0;
  }

  /** Adds lane `lane`'s next tick event; past the limit it is only counted. Events come in time order. */
  add(lane: number, r: TickLike): void {
    this.#seen += 1;
    const d = this.d;
    if (d.vm.length >= this.limit) {
      this.#prevClock[lane] = r.clock;
      return;
    }
    const id = d.vms[lane]?.id ?? "";
    const epoch = this.#epoch[lane] ?? 0;
    const i = d.vm.length;
    d.vm.push(lane);
    d.tick.push(r.tick);
    d.kind.push(KINDS.indexOf(r.event));
    d.t.push(round3(r.t - d.t0));
    d.clock.push(r.clock);
    d.queue.push(r.queue);
    for (const v of d.vms) d.vc.push(r.vc[v.id] ?? 0);
    this.#epochs.set(id, epoch);
    if (r.event === "send") {
      const seqs = Array.isArray(r.seq) ? r.seq : [];
      for (const [k, to] of (r.to ?? []).entries()) {
        const other = this.#laneOf.get(to);
        if (other !== undefined) this.#sends.set(`${id}>${to}#${seqs[k]}@${epoch}`, [i, other]);
      }
    }
    if (r.event === "receive") {
      const from = r.from ?? "";
      const key = `${from}>${id}#${r.seq}@${r.epoch ?? this.#epochs.get(from) ?? 0}`;
      d.sendOf.push(this.#sends.get(key)?.[0] ?? -1);
      this.#sends.delete(key);
      d.from.push(this.#laneOf.get(from) ?? -1);
      d.arrived.push(round3((r.arrivedAt ?? r.t) - d.t0));
      d.jump.push(Math.max(0, r.clock - (this.#prevClock[lane] ?? 0) - 1));
    } else {
      d.sendOf.push(-1);
      d.from.push(-1);
      d.arrived.push(0);
      d.jump.push(0);
    }
    this.#prevClock[lane] = r.clock;
  }

  /**
   * The columns as they stand: `total` tick events in the logs (at least those added), the
   * ones past the limit omitted, and the sends no receive has claimed yet. Callable again
   * after more events; the columns are shared, not copied.
   */
  snapshot(total = this.#seen): TrialDiagram {
    const d = this.d;
    d.total = Math.max(total, this.#seen);
    d.omitted = Math.max(0, d.total - d.vm.length);
    // What no receive claimed, in send order (the map keeps the order sends were put in).
    d.unreceived = [];
    for (const [i, lane] of this.#sends.values()) d.unreceived.push(i, lane);
    return d;
  }
}

import { lamportLocal, lamportReceive } from "../clock/clocks.js";
import type { Located } from "../log/reader.js";
import type { StartRecord, StopRecord, TickRecord } from "../log/schema.js";
import { dueTime, ticksFor } from "../vm/scheduler.js";
import type { Collector } from "./collector.js";
import type { SendIndex } from "./send-index.js";
import { Series } from "./series.js";
import { VcCheck } from "./vc-check.js";

/** Seqs above this are not tracked for duplicates (a corrupt log must not allocate gigabytes). */
const MAX_TRACKED_SEQ = 100_000_000;

/** The checks a trial runs, by name; one collector each, shared by the trial's VMs. */
export interface TrialCollectors {
  structure: Collector;
  lamport: Collector;
  vector: Collector;
  messages: Collector;
  fifo: Collector;
  wallTime: Collector;
  ticks: Collector;
}

/** A fixed wall-time grid on which clocks and queues are sampled for drift and charts. */
export interface Grid {
  start: number;
  stepMs: number;
  points: number;
}

/** Per sender, what this VM took in. */
export interface InboundLink {
  received: number;
  /** Messages delivered to a full queue and refused (`reject` with reason `queue-full`). */
  refused: number;
  /** The seqs given up on in `gap` records, per sender epoch (NaN: a gap record without epoch). */
  gaps: Map<number, Set<number>>;
  /** Per sender epoch: the highest seq received, and which were (a bitset; duplicates show here). */
  streams: Map<number, { lastSeq: number; seen: Uint8Array }>;
}

/**
 * A tick due this long (ms) before a VM's stop by a signal may still have been waiting for its
 * timer when the signal came; one due longer ago (and longer than the VM's largest lateness)
 * should have run.
 */
const STOP_GRACE_MS = 100;

/** One run of the VM's process within the log: from a `start` to a `stop` or to a crash. */
export interface Incarnation {
  start: StartRecord;
  ticks: number;
  /** Rejects its `reject` records stand for (the sum of their `count`s). */
  rejects: number;
  /** Wall time of its last record. */
  lastT: number;
  stopped: boolean;
}

/** One tick, kept for the space-time window. */
export interface WindowEvent {
  vm: string;
  event: TickRecord["event"];
  t: number;
  clock: number;
  tick: number;
  to?: string[];
  seq?: number[] | number;
  from?: string;
  msgClock?: number;
  sentAt?: number;
  arrivedAt?: number;
}

/**
 * Walks one VM's records in order, checking the rules that can be checked from one log plus
 * the send index, and accumulating statistics in flat series. Holds no record after visiting it.
 */
export class VmPass {
  /** The first start record (rate, duration and peers of the trial). */
  start: StartRecord | undefined;
  stop: Located<StopRecord> | undefined;
  /** Every start-to-stop (or start-to-crash) run in this log, in order. */
  readonly incarnations: Incarnation[] = [];
  readonly inbound = new Map<string, InboundLink>();
  /** Per peer and this VM's epoch, the seqs its fault layer dropped (loss or partition). */
  readonly dropped = new Map<string, Map<number, Set<number>>>();
  readonly events = { internal: 0, send: 0, receive: 0, reject: 0, gap: 0, fault: 0 };
  readonly rejectReasons = new Map<string, number>();
  /** Rejects by sender: `from`, or `unknown`. */
  readonly rejectSenders = new Map<string, number>();
  readonly jumps = new Series();
  readonly queue = new Series();
  readonly latency = new Series();
  readonly wait = new Series();
  readonly lateness = new Series();
  readonly gridClock: Float64Array;
  readonly gridQueue: Float64Array;
  firstTickAt: number | undefined;
  lastTickAt: number | undefined;
  clock = 0;
  stepSum = 0;
  early = 0;
  /** Records visited, and lines skipped as not records (reported by the caller). */
  records = 0;
  badLines = 0;
  /** Ticks due before the stop of the last incarnation (set by `finish`). */
  due: number | undefined;
  readonly #vcCheck: VcCheck;
  /** Ticks over every incarnation. */
  #ticks = 0;
  #lastT = Number.NEGATIVE_INFINITY;
  #queueNow = 0;
  #gridNext = 0;
  #lastLine = 0;
  #maxLate = 0;
  /** A line was skipped since the last tick: the next tick cannot be checked against the last. */
  #resync = false;

  constructor(
    readonly file: string,
    readonly vm: string,
    private readonly c: TrialCollectors,
    private readonly sends: SendIndex,
    private readonly grid: Grid,
    private readonly window: { from: number; to: number; events: WindowEvent[]; max: number },
  ) {
    this.#vcCheck = new VcCheck(sends.ids, vm);
    this.gridClock = new Float64Array(grid.points);
    this.gridQueue = new Float64Array(grid.points);
  }

  get ticks(): number {
    return this.#ticks;
  }

  /** Lines read: records and skipped lines. */
  get lines(): number {
    return this.records + this.badLines;
  }

  /** Ticks the last incarnation planned (computed for a start record that does not say). */
  get planned(): number | undefined {
    const start = this.current?.start;
    return start === undefined ? undefined : (start.ticksPlanned ?? ticksFor(start.rate, start.duration));
  }

  /**
   * Seconds from the start time to the end of ticking: the duration, or for a VM that stopped
   * early (a signal, an error, a crash) the time of its stop record or last record, if sooner.
   */
  ranS(): number {
    const start = this.start;
    if (start === undefined) return Number.NaN;
    if (this.stop?.record.reason === "duration") return start.duration;
    const end = this.stop?.record.t ?? this.current?.lastT ?? start.startAt;
    return Math.min(start.duration, Math.max(0, (end - start.startAt) / 1000));
  }

  /** A line at `line` was not a record and is skipped: the next tick resyncs on it. */
  skipped(line: number): void {
    this.badLines += 1;
    this.#lastLine = Math.max(this.#lastLine, line);
    this.#resync = true;
  }

  /** The incarnation being read. */
  get current(): Incarnation | undefined {
    return this.incarnations.at(-1);
  }

  visit(l: Located): void {
    const r = l.record;
    this.records += 1;
    this.#lastLine = l.line;
    // After a skipped first line (a damaged start record) finish() says "no start record".
    if (this.records === 1 && r.event !== "start" && this.badLines === 0)
      this.c.structure.fail(l, `first record is ${r.event}, not start`);
    if (this.stop !== undefined) this.c.structure.fail(l, `${r.event} after stop`);
    this.c.wallTime.checked += 1;
    if (!(r.t >= this.#lastT))
      this.c.wallTime.fail(l, `t ${r.t} is before the previous record's ${this.#lastT}`);
    this.#lastT = r.t;
    const current = this.current;
    if (current !== undefined && r.event !== "start") current.lastT = r.t;
    switch (r.event) {
      case "start":
        this.#restart(l as Located<StartRecord>);
        return;
      case "stop":
        this.stop = l as Located<StopRecord>;
        if (current !== undefined) {
          current.stopped = true;
          this.c.structure.checked += 1;
          if (r.rejected !== current.rejects) {
            this.c.structure.fail(
              l,
              `stop says ${r.rejected} rejected, the reject records add up to ${current.rejects}`,
            );
          }
        }
        return;
      case "reject": {
        // A coalesced record stands for `count` rejects of one reason and sender.
        const n = r.count ?? 1;
        this.events.reject += n;
        if (current !== undefined) current.rejects += n;
        this.rejectReasons.set(r.reason, (this.rejectReasons.get(r.reason) ?? 0) + n);
        const from = r.from ?? "unknown";
        this.rejectSenders.set(from, (this.rejectSenders.get(from) ?? 0) + n);
        if (r.reason === "queue-full" && r.from !== undefined) this.#inbound(r.from).refused += n;
        return;
      }
      case "gap": {
        this.events.gap += 1;
        const gaps = this.#inbound(r.from).gaps;
        const epoch = r.epoch ?? Number.NaN;
        const set = gaps.get(epoch) ?? new Set<number>();
        for (const seq of r.missing) set.add(seq);
        gaps.set(epoch, set);
        return;
      }
      case "fault":
        this.events.fault += 1;
        if (r.kind !== "duplicate") {
          const byEpoch = this.dropped.get(r.to) ?? new Map<number, Set<number>>();
          const epoch = current?.start.epoch ?? 0;
          byEpoch.set(epoch, (byEpoch.get(epoch) ?? new Set<number>()).add(r.seq));
          this.dropped.set(r.to, byEpoch);
        }
        return;
      default:
        this.#tick(l as Located<TickRecord>);
    }
  }

  /** Closes the pass: structure checks that need the whole log, grid points after the last tick. */
  finish(): void {
    this.c.structure.checked += 1;
    const where = `${this.file}:${this.#lastLine}`;
    this.#fillGrid(Number.POSITIVE_INFINITY);
    if (this.records === 0) {
      this.c.structure.fail(
        `${this.file}:1`,
        this.badLines === 0 ? "empty log: no records at all" : "no records: not one line is a log record",
      );
      return;
    }
    if (this.start === undefined) this.c.structure.fail(`${this.file}:1`, "no start record");
    const last = this.current;
    if (this.stop === undefined)
      this.c.structure.fail(where, "last record is not stop (killed VM, not restarted, or torn log)");
    else if (last !== undefined && this.stop.record.ticks !== last.ticks) {
      this.c.structure.fail(
        this.stop,
        `stop says ${this.stop.record.ticks} ticks, the log has ${last.ticks}`,
      );
    }
    const stop = this.stop?.record;
    const planned = this.planned;
    if (last === undefined || stop === undefined || planned === undefined) return;
    const { start } = last;
    if (stop.reason === "duration") {
      this.due = planned;
      this.c.ticks.checked += 1;
      if (last.ticks !== planned) {
        this.c.ticks.fail(
          where,
          `${last.ticks} ticks, planned floor(${start.rate} x ${start.duration}) = ${planned}`,
        );
      }
    } else if (stop.reason === "signal") {
      // Interrupted: judged against the ticks due before the stop, not the plan.
      this.due = ticksDueBy(start, planned, stop.t);
      const surely = ticksDueBy(start, planned, stop.t - Math.max(STOP_GRACE_MS, this.#maxLate));
      this.c.ticks.checked += 1;
      if (last.ticks > this.due || last.ticks < surely) {
        const at = ((stop.t - start.startAt) / 1000).toFixed(3);
        this.c.ticks.fail(
          this.stop ?? where,
          `${last.ticks} ticks, but ${this.due} were due before the stop by a signal at ${at} s (${planned} planned)`,
        );
      }
    }
  }

  /**
   * A `start` record: the first one, or a restarted process continuing the log of one that
   * crashed. The clocks carry on from what the log says (the VM recovers them from it).
   */
  #restart(l: Located<StartRecord>): void {
    const r = l.record;
    const previous = this.current;
    this.start ??= r;
    this.incarnations.push({ start: r, ticks: 0, rejects: 0, lastT: r.t, stopped: false });
    if (previous === undefined) {
      if (this.records !== 1) this.c.structure.fail(l, "start record not on the first line");
      return;
    }
    if (previous.stopped) this.c.structure.fail(l, "start after stop: two runs in one log");
    this.stop = undefined;
    if (r.epoch <= previous.start.epoch)
      this.c.structure.fail(l, `restart with epoch ${r.epoch}, not above ${previous.start.epoch}`);
    if (r.recovered !== undefined && r.recovered.clock !== this.clock) {
      this.c.structure.fail(
        l,
        `resumed at clock ${r.recovered.clock}, the log's last clock is ${this.clock}`,
      );
    }
  }

  #tick(l: Located<TickRecord>): void {
    const r = l.record;
    this.#ticks += 1;
    const incarnation = this.current;
    if (incarnation !== undefined) incarnation.ticks += 1;
    const expectedTick = incarnation?.ticks ?? this.#ticks;
    this.events[r.event] += 1;
    // After a skipped line, ticks it may have held are taken as done, and this tick is not
    // compared with the last one read: the skipped line is the one failure.
    const resync = this.#resync;
    this.#resync = false;
    if (resync && r.tick > expectedTick) {
      this.#ticks += r.tick - expectedTick;
      if (incarnation !== undefined) incarnation.ticks = r.tick;
    } else if (r.tick !== expectedTick) this.c.structure.fail(l, `tick ${r.tick}, expected ${expectedTick}`);
    this.#fillGrid(r.t);
    this.firstTickAt ??= r.t;
    this.lastTickAt = r.t;
    this.c.ticks.checked += 1;
    // `due` is clocklab's own field: a tick record without it has no lateness.
    if (r.due !== undefined) {
      const late = r.t - r.due;
      this.lateness.push(late);
      if (late > this.#maxLate) this.#maxLate = late;
      if (late < 0) {
        this.early += 1;
        this.c.ticks.fail(l, `tick ${r.tick} ran ${(-late).toFixed(3)} ms before its deadline`);
      }
    }
    const prev = this.clock;
    this.c.lamport.checked += 1;
    this.c.vector.checked += 1;
    const vc = r.vc;
    // A receive whose send is not in the logs is already a failed `messages` check: its clock
    // is taken as logged.
    let known = true;
    const expectedVc = this.#vcCheck.begin();
    if (r.event === "receive") {
      const expected = lamportReceive(prev, r.msgClock);
      if (r.clock !== expected && !resync)
        this.c.lamport.fail(
          l,
          `receive clock ${r.clock}, expected max(${prev}, ${r.msgClock}) + 1 = ${expected}`,
        );
      if (r.clock - prev - 1 > 0) this.jumps.push(r.clock - prev - 1);
      this.#receive(l as Located<TickRecord & { event: "receive" }>);
      known = this.sends.mergeVc(r.from, this.vm, r.seq, r.epoch, expectedVc);
    } else {
      const expected = lamportLocal(prev);
      if (r.clock !== expected && !resync)
        this.c.lamport.fail(l, `${r.event} clock ${r.clock}, expected ${prev} + 1 = ${expected}`);
    }
    this.#vcCheck.tickSelf();
    if (known && !resync && !this.#vcCheck.matches(vc))
      this.c.vector.fail(l, `vc ${JSON.stringify(vc)}, expected ${JSON.stringify(this.#vcCheck.expected())}`);
    this.#vcCheck.adopt(vc);
    this.stepSum += r.clock - prev;
    this.clock = r.clock;
    this.queue.push(r.queue);
    this.#queueNow = r.queue;
    if (r.t >= this.window.from && r.t < this.window.to && this.window.events.length < this.window.max) {
      this.window.events.push(windowEvent(this.vm, r));
    }
  }

  #receive(l: Located<TickRecord & { event: "receive" }>): void {
    const r = l.record;
    const link = this.#inbound(r.from);
    link.received += 1;
    const epoch = r.epoch ?? Number.NaN;
    let stream = link.streams.get(epoch);
    if (stream === undefined) {
      stream = { lastSeq: 0, seen: new Uint8Array(64) };
      link.streams.set(epoch, stream);
    }
    this.c.messages.checked += 1;
    this.c.fifo.checked += 1;
    if (r.seq <= MAX_TRACKED_SEQ) {
      if (r.seq < stream.seen.length * 8 && (stream.seen[r.seq >> 3] ?? 0) & (1 << (r.seq & 7))) {
        this.c.messages.fail(l, `message ${r.from}->${this.vm} seq ${r.seq} received twice`);
      }
      markSeen(stream, r.seq);
    }
    if (r.seq <= stream.lastSeq)
      this.c.fifo.fail(l, `seq ${r.seq} from ${r.from} after seq ${stream.lastSeq}`);
    stream.lastSeq = Math.max(stream.lastSeq, r.seq);
    const stamp = this.sends.clock(r.from, this.vm, r.seq, r.epoch);
    if (stamp === undefined)
      this.c.messages.fail(l, `no send of ${r.from}->${this.vm} seq ${r.seq} in the logs`);
    else if (stamp !== r.msgClock)
      this.c.messages.fail(l, `msgClock ${r.msgClock}, but the send has clock ${stamp}`);
    if (r.clock <= r.msgClock)
      this.c.messages.fail(l, `receive clock ${r.clock} is not larger than msgClock ${r.msgClock}`);
    this.latency.push(r.arrivedAt - r.sentAt);
    this.wait.push(r.t - r.arrivedAt);
  }

  #inbound(from: string): InboundLink {
    let link = this.inbound.get(from);
    if (link === undefined) {
      link = { received: 0, refused: 0, gaps: new Map(), streams: new Map() };
      this.inbound.set(from, link);
    }
    return link;
  }

  /** Fills every grid point before wall time `t`: a sample at T holds the state after all ticks at or before T. */
  #fillGrid(t: number): void {
    const { start, stepMs, points } = this.grid;
    while (this.#gridNext < points && start + this.#gridNext * stepMs < t) {
      this.gridClock[this.#gridNext] = this.clock;
      this.gridQueue[this.#gridNext] = this.#queueNow;
      this.#gridNext += 1;
    }
  }
}

/** How many of ticks 1..planned are due at or before wall time `t` (deadlines as the VM computes them). */
function ticksDueBy(start: Pick<StartRecord, "startAt" | "rate">, planned: number, t: number): number {
  let n = Math.min(planned, Math.max(0, Math.floor(((t - start.startAt) * start.rate) / 1000) + 1));
  while (n < planned && dueTime(start, n + 1) <= t) n += 1;
  while (n > 0 && dueTime(start, n) > t) n -= 1;
  return n;
}

function markSeen(link: { seen: Uint8Array }, seq: number): void {
  if (seq >> 3 >= link.seen.length) {
    const grown = new Uint8Array(Math.max(link.seen.length * 2, (seq >> 3) + 1));
    grown.set(link.seen);
    link.seen = grown;
  }
  link.seen[seq >> 3] = (link.seen[seq >> 3] ?? 0) | (1 << (seq & 7));
}

function windowEvent(vm: string, r: TickRecord): WindowEvent {
  const base = { vm, event: r.event, t: r.t, clock: r.clock, tick: r.tick };
  if (r.event === "send") return { ...base, to: r.to, seq: r.seq };
  if (r.event === "receive") {
    return {
      ...base,
      from: r.from,
      seq: r.seq,
      msgClock: r.msgClock,
      sentAt: r.sentAt,
      arrivedAt: r.arrivedAt,
    };
  }
  return base;
}

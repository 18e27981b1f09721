import { lamportLocal, lamportReceive } from "../clock/clocks.js";
import type { Located } from "../log/reader.js";
import type { LogRecord, ReceiveRecord, StartRecord, StopRecord, TickRecord } from "../log/schema.js";
import { ticksFor } from "../vm/scheduler.js";
import { LinkDelivery } from "./delivery.js";
import { noEvents } from "./event-counts.js";
import { type Grid, GridSamples } from "./grid.js";
import { addGap, checkReceive, type InboundLink, inboundLink } from "./inbound.js";
import { checkRestart, type Incarnation } from "./incarnations.js";
import type { SendIndex } from "./send-index.js";
import { Series } from "./series.js";
import { checkTickCount } from "./tick-fidelity.js";
import type { TrialCollectors } from "./trial-checks.js";
import { VcCheck } from "./vc-check.js";
import { addToWindow, type SpaceTimeWindow } from "./window.js";

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
  readonly events = noEvents();
  readonly rejectReasons = new Map<string, number>();
  /** Rejects by sender: `from`, or `unknown`. */
  readonly rejectSenders = new Map<string, number>();
  readonly jumps = new Series();
  readonly queue = new Series();
  readonly latency = new Series();
  /** Per sender: when each message received was sent and when it arrived. */
  readonly delivery = new Map<string, LinkDelivery>();
  readonly wait = new Series();
  readonly lateness = new Series();
  /** Clock and queue length on the trial's wall-time grid. */
  readonly samples: GridSamples;
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
  #lastLine = 0;
  #maxLate = 0;
  /** A line was skipped since the last tick: the next tick cannot be checked against the last. */
  #resync = false;

  constructor(
    readonly file: string,
    readonly vm: string,
    private readonly c: TrialCollectors,
    private readonly sends: SendIndex,
    grid: Grid,
    private readonly window: SpaceTimeWindow,
  ) {
    this.#vcCheck = new VcCheck(sends.ids, vm);
    this.samples = new GridSamples(grid);
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
    // One case per kind of the schema: a kind added there fails to compile here until handled.
    switch (r.event) {
      case "start":
        // A restarted process continues the log of one that crashed, its clocks carrying on.
        checkRestart(this.c.structure, l as Located<StartRecord>, current, this.records === 1, this.clock);
        this.start ??= r;
        if (current !== undefined) this.stop = undefined;
        this.incarnations.push({ start: r, ticks: 0, rejects: 0, lastT: r.t, stopped: false });
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
        if (r.reason === "queue-full" && r.from !== undefined) inboundLink(this.inbound, r.from).refused += n;
        return;
      }
      case "gap":
        this.events.gap += 1;
        addGap(inboundLink(this.inbound, r.from), r);
        return;
      case "fault":
        this.events.fault += 1;
        if (r.kind !== "duplicate") {
          const byEpoch = this.dropped.get(r.to) ?? new Map<number, Set<number>>();
          const epoch = current?.start.epoch ?? 0;
          byEpoch.set(epoch, (byEpoch.get(epoch) ?? new Set<number>()).add(r.seq));
          this.dropped.set(r.to, byEpoch);
        }
        return;
      case "internal":
      case "send":
      case "receive":
        this.#tick(l as Located<TickRecord>);
        return;
      default: {
        // Unreachable for records the reader validated; a record built in memory could still get here.
        const unknown: never = r;
        this.c.structure.fail(l, `unknown record kind ${JSON.stringify((unknown as LogRecord).event)}`);
      }
    }
  }

  /** Closes the pass: structure checks that need the whole log, grid points after the last tick. */
  finish(): void {
    this.c.structure.checked += 1;
    const where = `${this.file}:${this.#lastLine}`;
    this.samples.fillBefore(Number.POSITIVE_INFINITY, this.clock, this.#queueNow);
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
    const planned = this.planned;
    if (last === undefined || this.stop === undefined || planned === undefined) return;
    this.due = checkTickCount(this.c.ticks, last, this.stop, planned, this.#maxLate, where);
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
    this.samples.fillBefore(r.t, this.clock, this.#queueNow);
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
      checkReceive(
        l as Located<ReceiveRecord>,
        inboundLink(this.inbound, r.from),
        this.vm,
        this.c,
        this.sends,
      );
      this.latency.push(r.arrivedAt - r.sentAt);
      const link = this.delivery.get(r.from) ?? new LinkDelivery();
      this.delivery.set(r.from, link);
      link.add(r.sentAt, r.arrivedAt);
      this.wait.push(r.t - r.arrivedAt);
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
    addToWindow(this.window, this.vm, r);
  }
}

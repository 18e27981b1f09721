import { type Rng, randomInt } from "../base/rng.js";
import { lamportLocal, lamportReceive } from "../clock/clocks.js";
import { type VectorClockValue, VectorState } from "../clock/vector.js";
import type { Recovered } from "../log/recover.js";
import type { LogSink, ProcessUsage, StopRecord } from "../log/schema.js";
import { type RejectReason, WIRE_VERSION, type WireMessage } from "../wire/message.js";
import { ReorderBuffer, type ReorderOptions, type ReorderOutput } from "../wire/reorder.js";
import { type DrawnEvent, eventForDraw } from "./events.js";
import { LinkTally } from "./links.js";
import { Fifo } from "./queue.js";
import { RejectLimiter, type RejectLimiterOptions } from "./reject-limiter.js";

/** What identifies a VM and shapes its behaviour. */
export interface MachineConfig {
  /** This VM's id (its port as a string). */
  id: string;
  /** Peer ids in the order given: the event draw maps 1..P onto them. */
  peers: readonly string[];
  /** Draws are uniform in 1..eventRange. */
  eventRange: number;
  /** This process's incarnation, carried in every message. */
  epoch: number;
  reorder?: ReorderOptions;
  /**
   * Messages the network queue holds at most. A message delivered to a full queue is refused
   * and logged as `reject` (`queue-full`, with `from` and `seq`), so it is accounted for, and
   * a flooding peer cannot grow the VM's memory without bound. @default 100000
   */
  maxQueue?: number;
  /**
   * How rejects are coalesced so a flood cannot fill the disk (see RejectLimiter).
   * @default first 10 per reason and sender in full, then one record per key per second
   */
  rejectLimit?: RejectLimiterOptions;
  /** State a crashed incarnation logged, to continue from instead of starting at zero. */
  resume?: Pick<Recovered, "clock" | "vc" | "senders">;
}

/** Everything with side effects, injected so the same core runs in real and virtual time. */
export interface MachineDeps {
  now(): number;
  rng: Rng;
  /**
   * Where every message this VM makes goes, addressed by its `to`: the process host encodes it
   * and hands the frame to a transport, the simulator's network carries the object as it is.
   */
  outbox(msg: WireMessage): void;
  sink: LogSink;
}

interface Queued {
  msg: WireMessage;
  arrivedAt: number;
}

/** Default bound of the network queue (see MachineConfig.maxQueue). */
export const DEFAULT_MAX_QUEUE = 100_000;

/**
 * One virtual machine: a Lamport clock, a vector clock and a FIFO network queue. Messages
 * are taken in whenever they arrive (never waiting for a tick), already decoded: bytes are the
 * host's business (host/inbox.ts). Each tick does exactly one thing: receive one queued
 * message, or draw an event (send to one peer, to all, or internal).
 */
export class Machine {
  readonly #config: MachineConfig;
  readonly #deps: MachineDeps;
  readonly #reorder: ReorderBuffer;
  readonly #queue = new Fifo<Queued>();
  readonly #links: LinkTally;
  readonly #nextSeq = new Map<string, number>();
  #clock = 0;
  readonly #vc: VectorState;
  /** The event of each draw 1..eventRange, made once rather than on every tick. */
  readonly #events: readonly DrawnEvent[];
  #ticks = 0;
  readonly #rejects: RejectLimiter;
  #stopped = false;
  /** Records held back while a tick is being written (see noteFault). */
  #afterTick: (() => void)[] | undefined;

  constructor(config: MachineConfig, deps: MachineDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#links = new LinkTally(config.peers);
    this.#reorder = new ReorderBuffer(config.reorder);
    this.#rejects = new RejectLimiter(new Set(config.peers), (r) => deps.sink.write(r), config.rejectLimit);
    this.#vc = new VectorState(config.id, config.peers, config.resume?.vc);
    this.#events = Array.from({ length: config.eventRange }, (_, i) => eventForDraw(i + 1, config.peers));
    if (config.resume !== undefined) {
      this.#clock = config.resume.clock;
      for (const [from, p] of config.resume.senders) this.#reorder.resume(from, p.epoch, p.next);
    }
  }

  get clock(): number {
    return this.#clock;
  }

  get queueLength(): number {
    return this.#queue.length;
  }

  get ticks(): number {
    return this.#ticks;
  }

  /**
   * Takes in a valid message addressed to this VM (decoded from a frame by the process host,
   * or another Machine's object in the simulator): reorder, queue. Never throws.
   */
  receive(msg: WireMessage): void {
    if (this.#stopped) return;
    const now = this.#deps.now();
    this.#apply(this.#reorder.push(msg, now), now);
    this.#apply(this.#reorder.poll(now), now);
  }

  /**
   * Records something that reached this VM but never became a message: a frame that failed to
   * decode or validate (`from` as the frame or the transport named it), or a connection the
   * transport refused (`handshake`). Coalesced by the RejectLimiter, counted in `stop`.
   * `count` such refusals at once, `detail` the latest's, come from a receiving thread.
   */
  refuse(reason: RejectReason, detail: string, from: string | undefined, count = 1): void {
    if (this.#stopped) return;
    this.#rejects.reject(this.#deps.now(), reason, detail, from, undefined, count);
  }

  /**
   * Logs what the fault layer did to one of this VM's messages. During a tick the record waits
   * until the tick's own record is written, so wall time in the log never goes back.
   */
  noteFault(kind: "loss" | "partition" | "duplicate", to: string, seq: number): void {
    if (this.#stopped) return;
    const write = () => this.#deps.sink.write({ event: "fault", t: this.#deps.now(), kind, to, seq });
    if (this.#afterTick === undefined) write();
    else this.#afterTick.push(write);
  }

  /** Gives up on sequence gaps older than the gap timeout. */
  pollGaps(): void {
    if (this.#stopped) return;
    const now = this.#deps.now();
    this.#apply(this.#reorder.poll(now), now);
  }

  /** Performs tick n, due at `due`: exactly one receive, send or internal event. */
  tick(n: number, due: number): void {
    if (this.#stopped) return;
    this.pollGaps();
    if (this.#rejects.holding > 0) this.#rejects.flushDue(this.#deps.now());
    this.#ticks = n;
    const queued = this.#queue.shift();
    if (queued !== undefined) {
      this.#receive(n, due, queued);
      return;
    }
    const event = this.#events[randomInt(this.#deps.rng, 1, this.#config.eventRange) - 1] as DrawnEvent;
    this.#clock = lamportLocal(this.#clock);
    this.#vc.local();
    const t = this.#deps.now();
    const clock = this.#clock;
    const vc = this.#vc.snapshot();
    if (event.kind === "internal") {
      this.#deps.sink.write({ event: "internal", t, tick: n, due, clock, vc, queue: this.#queue.length });
      return;
    }
    this.#afterTick = [];
    const seqs = event.to.map((to) => this.#send(to, t, vc));
    this.#deps.sink.write({
      event: "send",
      t,
      tick: n,
      due,
      clock,
      vc,
      queue: this.#queue.length,
      // A copy: the drawn events are shared between ticks, records must not alias them.
      to: [...event.to],
      seq: seqs,
    });
    const held = this.#afterTick;
    this.#afterTick = undefined;
    for (const write of held) write();
  }

  /** Ends the VM: writes the rejects still held back, then the `stop` record; refuses further input. */
  stop(reason: StopRecord["reason"], error?: string, usage?: ProcessUsage): StopRecord {
    if (!this.#stopped) this.#stopped = true;
    this.#rejects.flushAll(this.#deps.now());
    const queued = Array.from(this.#queue, ({ msg }) => [msg.from, 1] as const);
    const { links, sent, received, pending } = this.#links.settle(
      [...queued, ...this.#reorder.heldBySender()],
      this.#reorder.reorderedBySender(),
    );
    const record: StopRecord = {
      event: "stop",
      t: this.#deps.now(),
      ticks: this.#ticks,
      sent,
      received,
      pending,
      rejected: this.#rejects.taken,
      reason,
      links,
      ...(error === undefined ? {} : { error }),
      ...(usage === undefined ? {} : { usage }),
    };
    this.#deps.sink.write(record);
    return record;
  }

  #send(to: string, t: number, vc: VectorClockValue): number {
    const seq = this.#nextSeq.get(to) ?? 1;
    this.#nextSeq.set(to, seq + 1);
    const msg: WireMessage = {
      v: WIRE_VERSION,
      from: this.#config.id,
      to,
      epoch: this.#config.epoch,
      seq,
      clock: this.#clock,
      vc,
      sentAt: t,
    };
    this.#deps.outbox(msg);
    this.#links.of(to).sent += 1;
    return seq;
  }

  #receive(n: number, due: number, { msg, arrivedAt }: Queued): void {
    this.#clock = lamportReceive(this.#clock, msg.clock);
    this.#vc.receive(msg.vc);
    this.#links.of(msg.from).received += 1;
    this.#deps.sink.write({
      event: "receive",
      t: this.#deps.now(),
      tick: n,
      due,
      clock: this.#clock,
      queue: this.#queue.length,
      vc: this.#vc.snapshot(),
      from: msg.from,
      seq: msg.seq,
      msgClock: msg.clock,
      sentAt: msg.sentAt,
      arrivedAt,
      epoch: msg.epoch,
    });
  }

  #apply(outputs: readonly ReorderOutput[], now: number): void {
    for (const out of outputs) {
      switch (out.kind) {
        case "deliver":
          if (this.#queue.length >= (this.#config.maxQueue ?? DEFAULT_MAX_QUEUE)) {
            const { msg } = out;
            this.#rejects.reject(now, "queue-full", `epoch ${msg.epoch} seq ${msg.seq}`, msg.from, msg.seq);
          } else {
            this.#queue.push({ msg: out.msg, arrivedAt: now });
          }
          break;
        case "gap":
          this.#deps.sink.write({
            event: "gap",
            t: now,
            from: out.from,
            missing: out.missing,
            epoch: out.epoch,
          });
          break;
        case "duplicate":
        case "stale-epoch":
        case "seq-too-far":
          this.#rejects.reject(
            now,
            out.kind,
            `epoch ${out.msg.epoch} seq ${out.msg.seq}`,
            out.msg.from,
            out.msg.seq,
          );
          break;
      }
    }
  }
}

import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { type LineParser, lineParser } from "../log/line.js";

/** What the live view shows of one VM, read from its log as it grows. */
export interface VmLive {
  vm: string;
  rate: number;
  planned: number;
  ticks: number;
  clock: number;
  queue: number;
  sent: number;
  received: number;
  rejected: number;
  stopped: boolean;
  /** Clock values skipped by the latest jump (a receive that moved the clock by more than 1), 0 before any. */
  lastJump: number;
  /** Seconds into the trial of that jump. */
  lastJumpAtS: number;
}

/**
 * Follows one VM's log file: each `poll` reads only what was appended since the last one and
 * folds complete lines into the VM's live state. The VMs need no extra channel for the view.
 */
export class LogTail {
  readonly state: VmLive;
  #offset = 0;
  #partial = "";
  readonly #buffer = Buffer.alloc(1 << 16);
  /** The readers' own line parser: what inspect would not read, the view does not show either. */
  readonly #parse: LineParser = lineParser();
  #prevClock = 0;
  #startAt = 0;
  /** Start, tick and stop lines read since the last `take`, when someone takes them. */
  readonly #taken: string[] | undefined;

  /**
   * @param collect keep the start, tick and stop lines for `take` (the live page's feed)
   */
  constructor(
    readonly file: string,
    vm: string,
    rate: number,
    planned: number,
    collect = false,
  ) {
    this.#taken = collect ? [] : undefined;
    this.state = {
      vm,
      rate,
      planned,
      ticks: 0,
      clock: 0,
      queue: 0,
      sent: 0,
      received: 0,
      rejected: 0,
      stopped: false,
      lastJump: 0,
      lastJumpAtS: 0,
    };
  }

  /** Bytes of the log read as whole lines so far. */
  get upTo(): number {
    return this.#offset - Buffer.byteLength(this.#partial);
  }

  /** The start, tick and stop lines read since the last call (with `collect`), oldest first. */
  take(): string[] {
    const taken = this.#taken;
    if (taken === undefined || taken.length === 0) return [];
    return taken.splice(0, taken.length);
  }

  poll(): VmLive {
    if (!existsSync(this.file)) return this.state;
    const fd = openSync(this.file, "r");
    try {
      for (;;) {
        const n = readSync(fd, this.#buffer, 0, this.#buffer.length, this.#offset);
        if (n === 0) break;
        this.#offset += n;
        const lines = (this.#partial + this.#buffer.toString("utf8", 0, n)).split("\n");
        this.#partial = lines.pop() ?? "";
        for (const line of lines) if (line !== "") this.#fold(line);
      }
    } finally {
      closeSync(fd);
    }
    return this.state;
  }

  #fold(line: string): void {
    const { record: r } = this.#parse(line);
    // Not a record (torn, foreign, of an unknown kind): the checks report it later.
    if (r === undefined) return;
    const s = this.state;
    const keep = () => this.#taken?.push(line);
    // One case per kind of the schema: a kind added there fails to compile here until handled.
    switch (r.event) {
      case "start":
        s.rate = r.rate;
        s.planned = r.ticksPlanned;
        this.#startAt = r.startAt;
        // A restarted VM resumes its clocks from its log: its next value follows the last one.
        if (r.recovered === undefined) this.#prevClock = 0;
        keep();
        return;
      case "send":
        s.sent += r.to.length;
        break;
      case "receive":
        s.received += 1;
        if (r.clock - this.#prevClock > 1) {
          s.lastJump = r.clock - this.#prevClock - 1;
          s.lastJumpAtS = (r.t - this.#startAt) / 1000;
        }
        break;
      case "internal":
        break;
      case "reject":
        // A coalesced record stands for `count` rejects of one reason and sender.
        s.rejected += r.count ?? 1;
        return;
      case "gap":
      case "fault":
        return;
      case "stop":
        s.stopped = true;
        keep();
        return;
      default: {
        // Compiles only while every kind has its case.
        const unhandled: never = r;
        return void unhandled;
      }
    }
    // A tick record: where the VM is now.
    s.ticks = r.tick;
    s.clock = r.clock;
    s.queue = r.queue;
    this.#prevClock = r.clock;
    keep();
  }
}

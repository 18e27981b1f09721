import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  truncateSync,
} from "node:fs";
import { join } from "node:path";
import type { VectorClock } from "../clock/clocks.js";
import { lineParser } from "./line.js";
import { parseLogFileName } from "./paths.js";
import type { LogRecord } from "./schema.js";

/** Where a receiver stood with one sender: the sender's epoch and the next seq it expected. */
export interface SenderPosition {
  epoch: number;
  next: number;
}

/** What a crashed VM's log says about the state it died in. */
export interface Recovered {
  path: string;
  /** Epoch of the incarnation that crashed. */
  epoch: number;
  /** Bytes of a torn last line, cut off before appending (0 when the log ended cleanly). */
  tornBytes: number;
  /** Ticks that incarnation logged. */
  ticks: number;
  clock: number;
  vc: VectorClock;
  /** Per sender, what had been received or given up on. */
  senders: Map<string, SenderPosition>;
}

/**
 * The log a crashed incarnation of this VM left in this trial: a file for the same trial and VM
 * whose last complete record is not `stop`. A VM killed with SIGKILL leaves exactly that.
 */
export function findUnfinishedLog(dir: string, trial: number, vm: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const candidates = readdirSync(dir)
    .filter((name) => {
      const parsed = parseLogFileName(name);
      return parsed?.trial === trial && parsed.vm === vm;
    })
    .map((name) => join(dir, name))
    .filter((path) => !endsWithStop(path))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return candidates[0];
}

/** Bytes read from the end of a log to find its last record: a stop record with 1,000 peers fits. */
const TAIL_BYTES = 128 * 1024;

/** Whether a log's last line is a complete `stop` record; reads only the file's tail. */
function endsWithStop(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(size, TAIL_BYTES));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    const text = tail.toString("utf8");
    const last = text.trimEnd().split("\n").at(-1);
    return last !== undefined && text.endsWith("\n") && last.includes('"event":"stop"');
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads back the state a crashed VM had logged. Messages the dead process held in its queue
 * were never logged as received: the new incarnation does not expect them again, so they end
 * up as `gap` records, which is what they are.
 */
export function recoverLog(path: string): Recovered {
  const text = readFileSync(path, "utf8");
  const end = text.lastIndexOf("\n") + 1;
  const tornBytes = Buffer.byteLength(text.slice(end), "utf8");
  const state: Recovered = {
    path,
    epoch: 0,
    tornBytes,
    ticks: 0,
    clock: 0,
    vc: {},
    senders: new Map(),
  };
  const parseLine = lineParser();
  for (const line of text.slice(0, end).split("\n")) {
    if (line === "" || line === "\r") continue;
    const { record } = parseLine(line.endsWith("\r") ? line.slice(0, -1) : line);
    // A line that is no record (inspect reports it) tells nothing about the state.
    if (record !== undefined) advance(state, record);
  }
  return state;
}

/**
 * Cuts the torn last line (the record a killed VM was writing) off a recovered log, so the next
 * incarnation appends after complete records only. Call it once this VM owns its port: a log
 * still being written by a live VM must not be touched.
 */
export function cutTornTail(r: Recovered): void {
  if (r.tornBytes > 0) truncateSync(r.path, statSync(r.path).size - r.tornBytes);
}

function advance(state: Recovered, r: LogRecord): void {
  switch (r.event) {
    case "start":
      // A log restarted before carries the state forward: only the last incarnation's epoch counts.
      state.epoch = r.epoch;
      state.ticks = 0;
      return;
    case "receive":
      if (r.epoch !== undefined) position(state, r.from, r.epoch, r.seq);
      break;
    case "gap":
      if (r.epoch !== undefined) for (const seq of r.missing) position(state, r.from, r.epoch, seq);
      return;
    case "internal":
    case "send":
      break;
    case "reject":
    case "fault":
    case "stop":
      return;
    default: {
      // Compiles only while every kind of the schema has its case above.
      const unhandled: never = r;
      return void unhandled;
    }
  }
  state.ticks = r.tick;
  state.clock = r.clock;
  state.vc = r.vc.toJSON();
}

function position(state: Recovered, from: string, epoch: number, seq: number): void {
  const known = state.senders.get(from);
  if (known === undefined || epoch > known.epoch) state.senders.set(from, { epoch, next: seq + 1 });
  else if (epoch === known.epoch) known.next = Math.max(known.next, seq + 1);
}

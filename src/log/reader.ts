import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { bytesAt } from "../bytes.js";
import { TickScanner } from "./scan.js";
import type { LogRecord } from "./schema.js";

/** One parsed line, with where it came from, so checks can point at `file:line`. */
export interface Located<T = LogRecord> {
  record: T;
  file: string;
  line: number;
}

/** A line that is not a JSON object: typically a torn last line of a killed VM. */
export class TornLineError extends Error {
  override readonly name = "TornLineError";
  constructor(
    readonly file: string,
    readonly line: number,
  ) {
    super(`${file}:${line}: not a complete JSON record`);
  }
}

function parseLine(text: string, file: string, line: number): LogRecord {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && "event" in value) return value as LogRecord;
  } catch {
    // fall through to the typed error
  }
  throw new TornLineError(file, line);
}

/** Reads a whole log into memory (small logs: tests, single trials). */
export function readLog(file: string): Located[] {
  const lines = readFileSync(file, "utf8").split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((text, i) => ({ record: parseLine(text, file, i + 1), file, line: i + 1 }));
}

const CHUNK_BYTES = 1 << 20;

const EVENT_PREFIX = Buffer.from('{"event":"');

/**
 * Reads a log record by record, synchronously, in 1 MiB chunks: lines are cut on the bytes
 * and decoded one by one, with no stream, no line-splitting regex and no promise per record
 * (together a third of `inspect`'s time with a readline stream). A line ends at `\n`; a `\r`
 * before it is dropped. Tick records as the VMs write them skip `JSON.parse` (TickScanner).
 *
 * With `events`, only records of those kinds are returned (line numbers still count every
 * line): a line that starts as the VMs write it (`{"event":"send",...`) is kept or skipped on
 * its bytes, without being decoded; any other line is parsed and kept by its `event`.
 */
export function* readLogLines(file: string, events?: readonly string[]): Generator<Located> {
  const fd = openSync(file, "r");
  const scanner = new TickScanner();
  const wanted = events?.map((e) => Buffer.from(`${e}"`));
  const parse = (text: string, line: number): LogRecord => scanner.scan(text) ?? parseLine(text, file, line);
  /** The record of bytes [start, stop), or undefined when `events` leaves it out. */
  const take = (buffer: Buffer, start: number, stop: number, line: number): LogRecord | undefined => {
    if (wanted === undefined) return parse(buffer.toString("utf8", start, stop), line);
    if (bytesAt(buffer, start, stop, EVENT_PREFIX)) {
      const after = start + EVENT_PREFIX.length;
      const hit = wanted.some((w) => bytesAt(buffer, after, stop, w));
      return hit ? parse(buffer.toString("utf8", start, stop), line) : undefined;
    }
    const record = parse(buffer.toString("utf8", start, stop), line);
    return events?.includes(record.event) ? record : undefined;
  };
  try {
    let buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let start = 0;
    let end = 0;
    let line = 0;
    for (;;) {
      const got = readSync(fd, buffer, end, buffer.length - end, null);
      end += got;
      let cut = buffer.indexOf(10, start);
      while (cut !== -1 && cut < end) {
        line += 1;
        const stop = cut > start && buffer[cut - 1] === 13 ? cut - 1 : cut;
        if (stop > start) {
          const record = take(buffer, start, stop, line);
          if (record !== undefined) yield { record, file, line };
        }
        start = cut + 1;
        cut = buffer.indexOf(10, start);
      }
      if (got === 0) {
        // The last line, without a newline after it (a torn line, or a hand-written log).
        if (end > start) {
          line += 1;
          const record = take(buffer, start, end, line);
          if (record !== undefined) yield { record, file, line };
        }
        return;
      }
      // Keep the unfinished line: move it to the front, or grow the buffer for a huge line.
      if (start === 0 && end === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, end);
        buffer = bigger;
      } else {
        buffer.copy(buffer, 0, start, end);
        end -= start;
        start = 0;
      }
    }
  } finally {
    closeSync(fd);
  }
}

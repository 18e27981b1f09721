import { closeSync, openSync, readSync } from "node:fs";
import { bytesAt } from "../base/bytes.js";
import { lineParser } from "./line.js";
import type { LogRecord } from "./schema.js";

/** One parsed line, with where it came from, so checks can point at `file:line`. */
export interface Located<T = LogRecord> {
  record: T;
  file: string;
  line: number;
}

/** A line that is not a record of the log schema, and why (`not JSON: ...`, `no "event"`, ...). */
export interface BadLine {
  file: string;
  /** 1-based; 0 when the file itself could not be read. */
  line: number;
  problem: string;
  /** The last line, without a newline after it: a record cut off as it was written. */
  torn: boolean;
}

/** A line that is not a record of the log schema, from the strict `readLog`. */
export class BadLineError extends Error {
  override readonly name = "BadLineError";
  constructor(readonly bad: BadLine) {
    super(`${bad.file}:${bad.line}: ${bad.problem}`);
  }

  get file(): string {
    return this.bad.file;
  }

  get line(): number {
    return this.bad.line;
  }
}

/** Lines longer than this are not records (a binary file, a runaway line): skipped, not held. */
export const MAX_LINE_BYTES = 16 << 20;

function badLine(file: string, line: number, problem: string, torn: boolean): BadLine {
  return torn
    ? {
        file,
        line,
        problem: `torn line: the last line has no newline at its end and is not a whole record (${problem})`,
        torn,
      }
    : { file, line, problem, torn };
}

/**
 * Reads a whole log into memory, strictly: readLogLines, but the first bad line (or a file that
 * cannot be read, line 0) throws BadLineError (tests).
 */
export function readLog(file: string): Located[] {
  return [
    ...readLogLines(file, {
      onBad: (bad) => {
        throw new BadLineError(bad);
      },
    }),
  ];
}

const CHUNK_BYTES = 1 << 20;

const EVENT_PREFIX = Buffer.from('{"event":"');

/** What `readLogLines` reads and where it reports what it skips. */
export interface ReadOptions {
  /** Only records of these kinds (line numbers still count every line). */
  events?: readonly string[];
  /** Each line that is not a record of the schema, skipped; without it, skipped silently. */
  onBad?: (bad: BadLine) => void;
}

/**
 * Reads a log record by record, synchronously, in 1 MiB chunks: lines are cut on the bytes
 * and decoded one by one, with no stream, no line-splitting regex and no promise per record
 * (together a third of `inspect`'s time with a readline stream). A line ends at `\n`; a `\r`
 * before it is dropped; empty lines are skipped. Each line is read by a lineParser (line.ts).
 *
 * A line that is not a record (not JSON, a field missing or of the wrong type, longer than
 * MAX_LINE_BYTES) goes to `onBad` and reading goes on; only a last line without a newline
 * after it is called torn. A file that cannot be opened is one bad line 0.
 *
 * With `events`, a line that starts as the VMs write it (`{"event":"send",...`) is kept or
 * skipped on its bytes, without being decoded (nor checked); any other line is parsed and kept
 * by its `event`.
 */
export function* readLogLines(file: string, options: ReadOptions = {}): Generator<Located> {
  const { events, onBad } = options;
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    onBad?.({ file, line: 0, problem: `cannot read the file (${code})`, torn: false });
    return;
  }
  const parseLine = lineParser();
  const wanted = events?.map((e) => Buffer.from(`${e}"`));
  const parse = (text: string, line: number, torn: boolean): LogRecord | undefined => {
    const parsed = parseLine(text);
    if (parsed.problem !== undefined) onBad?.(badLine(file, line, parsed.problem, torn));
    return parsed.record;
  };
  /** The record of bytes [start, stop), or undefined when bad or left out by `events`. */
  const take = (buffer: Buffer, start: number, stop: number, line: number, torn: boolean) => {
    if (wanted === undefined) return parse(buffer.toString("utf8", start, stop), line, torn);
    if (bytesAt(buffer, start, stop, EVENT_PREFIX)) {
      const after = start + EVENT_PREFIX.length;
      const hit = wanted.some((w) => bytesAt(buffer, after, stop, w));
      return hit ? parse(buffer.toString("utf8", start, stop), line, torn) : undefined;
    }
    const record = parse(buffer.toString("utf8", start, stop), line, torn);
    return record !== undefined && events?.includes(record.event) ? record : undefined;
  };
  try {
    let buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let start = 0;
    let end = 0;
    let line = 0;
    /** Inside a line over MAX_LINE_BYTES: its bytes are dropped up to its newline. */
    let skipping = false;
    for (;;) {
      const got = readSync(fd, buffer, end, buffer.length - end, null);
      end += got;
      let cut = buffer.indexOf(10, start);
      while (cut !== -1 && cut < end) {
        if (skipping) skipping = false;
        else {
          line += 1;
          const stop = cut > start && buffer[cut - 1] === 13 ? cut - 1 : cut;
          if (stop > start) {
            const record = take(buffer, start, stop, line, false);
            if (record !== undefined) yield { record, file, line };
          }
        }
        start = cut + 1;
        cut = buffer.indexOf(10, start);
      }
      if (got === 0) {
        // The last line, without a newline after it (a torn line, or a hand-written log).
        if (end > start && !skipping) {
          line += 1;
          const record = take(buffer, start, end, line, true);
          if (record !== undefined) yield { record, file, line };
        }
        return;
      }
      if (skipping) {
        start = 0;
        end = 0;
      } else if (start === 0 && end === buffer.length) {
        // An unfinished line fills the buffer: grow it, or give the line up when too long.
        if (buffer.length >= MAX_LINE_BYTES) {
          line += 1;
          const problem = `a line longer than ${MAX_LINE_BYTES >> 20} MiB (not a record)`;
          onBad?.({ file, line, problem, torn: false });
          skipping = true;
          start = 0;
          end = 0;
          buffer = Buffer.allocUnsafe(CHUNK_BYTES);
          continue;
        }
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, end);
        buffer = bigger;
      } else {
        // Keep the unfinished line: move it to the front.
        buffer.copy(buffer, 0, start, end);
        end -= start;
        start = 0;
      }
    }
  } finally {
    closeSync(fd);
  }
}

import { closeSync, constants, fsyncSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { SetupError } from "../errors.js";
import type { LogRecord, LogSink } from "./schema.js";
import { recordLine } from "./serialize.js";

/** A log sink backed by a file, with an explicit close. */
export interface FileSink extends LogSink {
  readonly path: string;
  close(): void;
}

/**
 * Opens a JSON Lines log, emptied first unless `append` (a restarted VM continuing the log of
 * its crashed incarnation). Each record is one `write` call of one complete line, issued
 * before `write` returns: a killed VM loses at most the record being written, and a torn line
 * can only ever be the last one.
 */
export function openLogFile(path: string, append = false): FileSink {
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | (append ? 0 : constants.O_TRUNC),
      0o644,
    );
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new SetupError(`--log-dir: cannot write ${path} (${code})`, { cause: err });
  }
  let open = true;
  return {
    path,
    write(record: LogRecord): void {
      if (!open) return;
      const line = Buffer.from(`${recordLine(record)}\n`, "utf8");
      let offset = 0;
      // writeSync may write less than asked (rare for files); loop so the line is whole.
      while (offset < line.length) offset += writeSync(fd, line, offset, line.length - offset);
    },
    close(): void {
      if (!open) return;
      open = false;
      fsyncSync(fd);
      closeSync(fd);
    },
  };
}

/** Keeps records in memory: for tests and for the simulator's `--no-logs`. */
export function memorySink(): LogSink & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  return { records, write: (record) => records.push(record) };
}

import {
  closeSync,
  constants,
  fsyncSync,
  mkdirSync,
  openSync,
  rmdirSync,
  statSync,
  writeSync,
} from "node:fs";
import { dirname, resolve } from "node:path";
import { SetupError } from "../base/errors.js";
import type { LogRecord, LogSink } from "./schema.js";
import { recordLine } from "./serialize.js";

/**
 * A folder or file that cannot be written; `field` names the input (`logDir`, `dir`), `hint`
 * what would do it anyway (`{ field: "force", to: "replace …" }`: "(use force to replace …)").
 * The OS error is in `reason` and its code in `detail`, not in `cause`: one short line to print.
 */
export class DirError extends SetupError {
  constructor(
    readonly field: string,
    readonly detail: string,
    readonly reason?: unknown,
    readonly hint?: { field: string; to: string },
  ) {
    super({ field, detail, hint });
  }
}

/**
 * Makes folder `dir` and its missing parents, one mkdir each, and returns the outermost folder it
 * made (undefined when `dir` was there), so a caller whose setup fails can take it away again.
 * Node's recursive mkdir loops forever where mkdir answers ENOENT under an existing parent
 * (`/proc/x`); here every level is tried once, and the first refusal is a DirError.
 */
export function makeDir(dir: string, field: string): string | undefined {
  const path = resolve(dir);
  const refuse = (code: string | undefined, cause: unknown): DirError => {
    const why =
      code === "ENOTDIR"
        ? ": a file is in the way"
        : code === "ENOENT"
          ? ": folders cannot be made there"
          : "";
    return new DirError(field, `cannot write ${dir} (${code ?? "error"})${why}`, cause);
  };
  try {
    mkdirSync(path);
    return path;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") {
      if (statSync(path).isDirectory()) return undefined;
      throw refuse("ENOTDIR", err);
    }
    const parent = dirname(path);
    if (code !== "ENOENT" || parent === path) throw refuse(code, err);
    const made = makeDir(parent, field);
    try {
      mkdirSync(path);
      return made ?? path;
    } catch (again) {
      removeMade(made, parent);
      throw refuse((again as NodeJS.ErrnoException).code, again);
    }
  }
}

/**
 * Removes the empty folders makeDir made, from `inner` up to `outermost` (what it returned);
 * a folder that is not empty stays, and so do its parents.
 */
export function removeMade(outermost: string | undefined, inner: string): void {
  if (outermost === undefined) return;
  for (let dir = resolve(inner); ; dir = dirname(dir)) {
    try {
      rmdirSync(dir);
    } catch {
      return;
    }
    if (dir === outermost || dirname(dir) === dir) return;
  }
}

/** A log sink backed by a file, with an explicit close. */
export interface FileSink extends LogSink {
  readonly path: string;
  close(): void;
}

/**
 * Opens a JSON Lines log in a folder that is there (makeDir), emptied first unless `append` (a
 * restarted VM continuing the log of its crashed incarnation). Each record is one `write` call
 * of one complete line, issued before `write` returns: a killed VM loses at most the record
 * being written, and a torn line can only ever be the last one. Refuses with a DirError of field
 * `logDir`.
 */
export function openLogFile(path: string, append = false): FileSink {
  let fd: number;
  try {
    fd = openSync(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | (append ? 0 : constants.O_TRUNC),
      0o644,
    );
  } catch (err) {
    throw new DirError(
      "logDir",
      `cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? "error"})`,
      err,
    );
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

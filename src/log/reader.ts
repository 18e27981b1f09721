import { createReadStream, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
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

/**
 * Streams a log record by record, for logs too large to hold as objects. With `want`, only
 * lines it accepts are parsed (line numbers still count every line).
 */
export async function* streamLog(file: string, want?: (line: string) => boolean): AsyncGenerator<Located> {
  const input = createReadStream(file, "utf8");
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  try {
    for await (const text of lines) {
      line += 1;
      if (text === "" || (want !== undefined && !want(text))) continue;
      yield { record: parseLine(text, file, line), file, line };
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

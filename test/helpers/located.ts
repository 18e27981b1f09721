import type { Located } from "../../src/log/reader.js";
import type { LogRecord } from "../../src/log/schema.js";

/** Wraps in-memory records as if read from a file, so the log checks can point at them. */
export function locate(records: LogRecord[], file: string): Located[] {
  return records.map((record, i) => ({ record, file, line: i + 1 }));
}

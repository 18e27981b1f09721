import type { VectorClock } from "../clock/clocks.js";
import { vcOf } from "../clock/vector.js";
import { TickScanner } from "./fast/scan.js";
import type { LogRecord } from "./schema.js";
import { recordProblem } from "./validate.js";

/** One line of a log read: its record, or why it is not one (`not JSON: ...`, `no "event"`, ...). */
export type ParsedLine = { record: LogRecord; problem?: undefined } | { record?: undefined; problem: string };

/** Reads one line of a log, without its newline. */
export type LineParser = (text: string) => ParsedLine;

/**
 * The one way a line of a log becomes a record, for every reader: inspect (reader.ts), recover
 * (recover.ts) and the live tail. Tick lines as the VMs write them take the fast path
 * (TickScanner); any other line is parsed with `JSON.parse` and checked against the schema
 * (`recordProblem`), so what comes back is always a record of the schema, its vector clock a
 * VectorClockValue either way. Use one parser for the lines of one file: the clocks of its
 * records then share their ids, which makes later checks faster.
 */
export function lineParser(): LineParser {
  const scanner = new TickScanner();
  return (text) => parseLine(text, scanner);
}

function parseLine(text: string, scanner: TickScanner): ParsedLine {
  const fast = scanner.scan(text);
  if (fast !== undefined) return { record: fast };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: `not JSON: ${excerpt(text)}` };
  }
  const problem = recordProblem(value);
  if (problem !== undefined) return { problem };
  const record = value as LogRecord;
  if (record.event === "internal" || record.event === "send" || record.event === "receive") {
    // The schema checked the map form; records hold the value.
    record.vc = vcOf(record.vc as unknown as VectorClock);
  }
  return { record };
}

/** The start of a line that is not JSON, for a message: quoted, escaped, cut short. */
function excerpt(text: string): string {
  return text.length > 32 ? `${JSON.stringify(text.slice(0, 32))}...` : JSON.stringify(text);
}

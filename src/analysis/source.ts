import { type BadLine, type Located, readLogLines } from "../log/reader.js";
import type { SendRecord, StartRecord } from "../log/schema.js";

/** Where one VM's records come from: a file (streamed) or records already in memory. */
export interface VmSource {
  file: string;
  /** Every record, in order; each line that is not one goes to `onBad` and is skipped. */
  records(onBad?: (bad: BadLine) => void): AsyncIterable<Located> | Iterable<Located>;
  /** Only the send and start records, in order (files skip parsing the rest). */
  sends(): AsyncIterable<Located<SendRecord | StartRecord>> | Iterable<Located<SendRecord | StartRecord>>;
  /** The start record, or undefined when the first record is not one. */
  start(): Promise<StartRecord | undefined> | StartRecord | undefined;
}

/** A source over a log file, read in chunks. */
export function fileSource(file: string): VmSource {
  return {
    file,
    records: (onBad) => readLogLines(file, onBad === undefined ? {} : { onBad }),
    *sends() {
      for (const l of readLogLines(file, { events: ["send", "start"] })) {
        if (l.record.event === "send" || l.record.event === "start")
          yield l as Located<SendRecord | StartRecord>;
      }
    },
    start() {
      // The first record: a line before it that is not one is reported by the full pass.
      for (const l of readLogLines(file)) return l.record.event === "start" ? l.record : undefined;
      return undefined;
    },
  };
}

/** A source over records already in memory (tests, the simulator). */
export function memorySource(file: string, records: Located[]): VmSource {
  return {
    file,
    records: () => records,
    sends: () =>
      records.filter(
        (l): l is Located<SendRecord | StartRecord> =>
          l.record.event === "send" || l.record.event === "start",
      ),
    start: () => (records[0]?.record.event === "start" ? records[0].record : undefined),
  };
}

/**
 * Runs `fn` on every item; a synchronous iterable is walked without awaiting each item (a
 * microtask per record adds up over a million of them).
 */
export async function each<T>(items: AsyncIterable<T> | Iterable<T>, fn: (item: T) => void): Promise<void> {
  if (Symbol.iterator in items) {
    for (const item of items) fn(item);
    return;
  }
  for await (const item of items) fn(item);
}

import type { LogRecord } from "../log/schema.js";

/**
 * The record kinds counted per VM: every kind of the log schema but the `start` and `stop` that
 * bracket a run. Derived from the schema's union, so a new kind joins the counts by itself.
 */
export type CountedKind = Exclude<LogRecord["event"], "start" | "stop">;

/** Records per kind of one VM; `reject` counts rejects (a coalesced record's `count`), not records. */
export type EventCounts = Record<CountedKind, number>;

/** Every count at zero; a kind added to the schema fails to compile here until it is listed. */
export function noEvents(): EventCounts {
  return { internal: 0, send: 0, receive: 0, reject: 0, gap: 0, fault: 0 };
}

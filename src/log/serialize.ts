import { tickLine } from "./fast/serialize.js";
import type { LogRecord } from "./schema.js";

/**
 * One record as its JSON line (without the newline), exactly as `JSON.stringify` writes it,
 * which is the definition. Tick records take the fast path (fast/serialize.ts), anything else
 * or a tick record it leaves goes through `JSON.stringify`.
 */
export function recordLine(r: LogRecord): string {
  const fast =
    r.event === "internal" || r.event === "send" || r.event === "receive" ? tickLine(r) : undefined;
  return fast ?? JSON.stringify(r);
}

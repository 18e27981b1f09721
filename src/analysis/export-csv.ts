import { join } from "node:path";
import { readLogLines } from "../log/reader.js";
import type { LogRecord } from "../log/schema.js";
import { BufferedFile } from "./buffered-file.js";
import type { TrialFiles } from "./discover.js";
import type { TrialAnalysis } from "./trial.js";
import { statFields } from "./vm-stats.js";

/** RFC 4180 quoting: only where needed, doubling quotes inside. */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const EVENT_COLUMNS = [
  "experiment",
  "trial",
  "vm",
  "line",
  "event",
  "t",
  "tick",
  "due",
  "clock",
  "queue",
  "vc",
  "to",
  "seq",
  "from",
  "msgClock",
  "sentAt",
  "arrivedAt",
  "reason",
  "detail",
  "missing",
  "rate",
  "peers",
  "startAt",
  "duration",
  "epoch",
  "ticks",
  "sent",
  "received",
  "pending",
  "rejected",
] as const;

/**
 * `events.csv`: every record of every log, one row each, fields flattened into fixed columns
 * (objects and arrays such as `vc`, `to`, `seq` as JSON strings). Streamed, not held in memory.
 */
export async function writeEventsCsv(dir: string, groups: TrialFiles[]): Promise<string> {
  const out = new BufferedFile(join(dir, "events.csv"), "csv");
  out.line(EVENT_COLUMNS.join(","));
  for (const group of groups) {
    for (const file of group.files) {
      let vm = "";
      for (const { record, line } of readLogLines(file)) {
        if (record.event === "start") vm = record.vm;
        const row: Record<string, unknown> = {
          ...(record as LogRecord),
          experiment: group.experiment,
          trial: group.trial,
          vm,
          line,
        };
        if (record.event === "stop") row.reason = record.reason;
        out.line(EVENT_COLUMNS.map((c) => csvCell(row[c])).join(","));
      }
    }
  }
  out.close();
  return out.path;
}

/** `summary.csv`: one row per VM per trial with every statistic `inspect` reports. */
export function writeSummaryCsv(dir: string, trials: TrialAnalysis[]): string {
  const out = new BufferedFile(join(dir, "summary.csv"), "csv");
  const rows = trials.flatMap((t) =>
    t.vms.map((v) => ({
      experiment: t.experiment,
      trial: t.trial,
      vm: v.vm,
      rate: v.rate,
      ticks: v.ticks,
      planned: v.planned,
      due: v.due,
      stopReason: v.stopReason ?? "",
      ranS: v.ranS,
      badLines: v.badLines,
      internal: v.events.internal,
      send: v.events.send,
      receive: v.events.receive,
      reject: v.events.reject,
      gap: v.events.gap,
      ...statFields(v),
      firstTickSpreadMs: t.firstTickSpreadMs,
      checksOk: t.checks.every((c) => c.ok),
      interrupted: t.interrupted,
    })),
  );
  const columns = Object.keys(rows[0] ?? { experiment: "" });
  out.line(columns.join(","));
  for (const row of rows) {
    out.line(
      columns
        .map((c) => csvCell(Number.isNaN(row[c as keyof typeof row]) ? "" : row[c as keyof typeof row]))
        .join(","),
    );
  }
  out.close();
  return out.path;
}

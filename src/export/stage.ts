import { basename, join } from "node:path";
import { BufferedFile } from "../analysis/buffered-file.js";
import type { InspectReport } from "../analysis/inspect.js";
import type { TrialAnalysis, VmStats } from "../analysis/trial.js";
import { statFields } from "../analysis/vm-stats.js";
import { readLogLines } from "../log/reader.js";
import type { StartRecord } from "../log/schema.js";
import { recordLine } from "../log/serialize.js";

/**
 * The staged rows of the tables inspect's analysis and the logs give directly (runs, trials,
 * vms, events), as JSON Lines in a scratch folder, each key a column of tables.ts. DuckDB reads
 * them in one parallel pass with the columns' types given (load.ts): much faster than feeding
 * a million rows through its appender one value at a time, and memory stays flat on both sides.
 */
export interface Staged {
  /** Table name -> staged file and rows in it. */
  files: Map<string, { path: string; rows: number }>;
}

type Row = Record<string, unknown>;

/** Key of a VM in a trial. */
const vmKey = (experiment: string, trial: number, vm: string) => `${experiment}\u0000${trial}\u0000${vm}`;

/**
 * Stages every record of every trial's logs as its log line (log/serialize.ts recordLine: the
 * fast serializer for ticks) with its place in front under keys no record has (`_vm`, `_line`,
 * ...), and a receive's `_jump`: a tenth of the time of building and stringifying a row object per record. load.ts maps
 * the log's fields onto the events columns. Returns each VM's first start record.
 */
function stageEvents(
  report: InspectReport,
  out: BufferedFile,
): { rows: number; starts: Map<string, StartRecord> } {
  const starts = new Map<string, StartRecord>();
  let rows = 0;
  for (const trial of report.trials) {
    const where = `{"_experiment":${JSON.stringify(trial.experiment)},"_trial":${trial.trial}`;
    for (const file of trial.files) {
      // Before a start record (a damaged log), the VM is named as inspect names it: by its file.
      let clock = 0;
      let head = `${where},"_vm":${JSON.stringify(basename(file))},"_epoch":null,"_line":`;
      // Lines that are not records are skipped as inspect skips them (and reports them).
      for (const { record, line } of readLogLines(file)) {
        if (record.event === "start") {
          head = `${where},"_vm":${JSON.stringify(record.vm)},"_epoch":${record.epoch},"_line":`;
          const key = vmKey(trial.experiment, trial.trial, record.vm);
          if (!starts.has(key)) starts.set(key, record);
        }
        // A receive's jump against the clock before it, as inspect takes it (vm-pass): the
        // clock of the tick before in this log, 0 before the first.
        const jump = record.event === "receive" ? `"_jump":${record.clock - clock - 1},` : "";
        if (record.event === "internal" || record.event === "send" || record.event === "receive")
          clock = record.clock;
        out.line(`${head}${line},${jump}${recordLine(record).slice(1)}`);
        rows += 1;
      }
    }
  }
  return { rows, starts };
}

function vmRow(t: TrialAnalysis, v: VmStats, start: StartRecord | undefined, fastest: number): Row {
  return {
    experiment: t.experiment,
    trial: t.trial,
    vm: v.vm,
    rate: v.rate,
    ratio: v.rate / fastest,
    eventRange: v.eventRange,
    peers: start?.peers,
    transport: start?.transport,
    seed: start?.seed,
    host: start?.host,
    startAt: start?.startAt,
    durationS: start?.duration,
    ticks: v.ticks,
    planned: v.planned,
    due: v.due,
    stopReason: v.stopReason,
    ranS: v.ranS,
    records: v.records,
    badLines: v.badLines,
    ...v.events,
    ...statFields(v),
    latencyCount: v.latencyMs.count,
    reordered: v.reordered,
    dropped: v.dropped,
    maxRssKb: v.usage?.maxRssKb,
    cpuMs: v.usage === undefined ? undefined : v.usage.cpuUserMs + v.usage.cpuSystemMs,
  };
}

function trialRow(report: InspectReport, t: TrialAnalysis, starts: (StartRecord | undefined)[]): Row {
  const first = starts.find((s) => s !== undefined);
  return {
    experiment: t.experiment,
    trial: t.trial,
    mode: report.run?.mode,
    transport: first?.transport,
    seed: first?.seed,
    faults: report.run?.faults,
    vms: t.vms.length,
    rates: t.vms.map((v) => v.rate),
    startAt: first?.startAt,
    durationS: first?.duration,
    ok: t.checks.every((c) => c.ok),
    failedChecks: t.checks.filter((c) => !c.ok).map((c) => c.name),
    interrupted: t.interrupted,
    crashes: t.crashes.length,
    lostWithCrashes: t.lostWithCrashes,
    firstTickSpreadMs: t.firstTickSpreadMs,
    spreadMean: t.spread.mean,
    spreadMax: t.spread.max,
    spreadFinal: t.spread.final,
    latencyP50Ms: t.all.latencyMs.p50,
    latencyP99Ms: t.all.latencyMs.p99,
    latenessP99Ms: t.all.latenessMs.p99,
  };
}

function runRow(report: InspectReport): Row {
  const run = report.run;
  return {
    paths: report.paths,
    file: run?.file,
    status: run?.status,
    mode: run?.mode,
    command: run?.command,
    clocklab: run?.clocklab,
    seed: run?.seed,
    startedAt: run?.startedAt,
    finishedAt: run?.finishedAt,
    hostname: run?.host?.hostname,
    transport: run?.transport,
    faults: run?.faults,
    ok: report.ok,
    interrupted: report.interrupted,
    trials: report.trials.length,
  };
}

/**
 * Writes the staged rows of runs, trials, vms and events into `dir` (NaN becomes null, as
 * JSON writes it). `field` names the output asked for, for an error writing the scratch files.
 */
export function stage(report: InspectReport, dir: string, field: string): Staged {
  const files = new Map<string, { path: string; rows: number }>();
  const write = (table: string, rows: Row[]) => {
    const out = new BufferedFile(join(dir, `${table}.jsonl`), field);
    for (const row of rows) out.line(JSON.stringify(row));
    out.close();
    files.set(table, { path: out.path, rows: rows.length });
  };
  const events = new BufferedFile(join(dir, "events.jsonl"), field);
  const { rows, starts } = stageEvents(report, events);
  events.close();
  files.set("events", { path: events.path, rows });
  write("runs", [runRow(report)]);
  write(
    "trials",
    report.trials.map((t) =>
      trialRow(
        report,
        t,
        t.vms.map((v) => starts.get(vmKey(t.experiment, t.trial, v.vm))),
      ),
    ),
  );
  write(
    "vms",
    report.trials.flatMap((t) => {
      const fastest = Math.max(...t.vms.map((v) => v.rate));
      return t.vms.map((v) => vmRow(t, v, starts.get(vmKey(t.experiment, t.trial, v.vm)), fastest));
    }),
  );
  return { files };
}

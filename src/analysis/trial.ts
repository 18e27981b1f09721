import { basename } from "node:path";
import type { BadLine } from "../log/reader.js";
import type { StartRecord } from "../log/schema.js";
import { type CheckResult, Collector } from "./collector.js";
import { checkConservation } from "./conservation.js";
import { latencyOverTime } from "./delivery.js";
import {
  histogramOfIntegers,
  type LatencyBin,
  logHistogram,
  type OverallDelays,
  overallDelays,
} from "./distributions.js";
import { driftOnGrid, type Grid, type GridStats, gridOver } from "./grid.js";
import { type CrashReport, crashReports } from "./incarnations.js";
import { SendIndex } from "./send-index.js";
import { concatSeries, round3 } from "./series.js";
import { each, type VmSource } from "./source.js";
import { checkResults, trialCollectors } from "./trial-checks.js";
import { VmPass } from "./vm-pass.js";
import { type VmStats, vmStats } from "./vm-stats.js";
import { spaceTimeWindow, type WindowEvent } from "./window.js";

// What callers of the trial analysis use besides `analyzeTrial`, from where it lives.
export type { CrashReport } from "./incarnations.js";
export { fileSource, memorySource, type VmSource } from "./source.js";
export type { VmStats } from "./vm-stats.js";

/** Lines of a file listed in full when they are not records; the rest are counted. */
const BAD_LINES_SHOWN = 3;

/** Everything found about one trial. */
export interface TrialAnalysis {
  experiment: string;
  trial: number;
  files: string[];
  /** A VM of the trial was stopped by a signal (Ctrl-C, SIGTERM) before its duration ran out. */
  interrupted: boolean;
  checks: CheckResult[];
  vms: VmStats[];
  /** VM processes that died without a stop record (and whether they came back). */
  crashes: CrashReport[];
  /** Messages on links with a crashed end that went down with the crash. */
  lostWithCrashes: number;
  /** Messages an unreliable transport (udp) lost unseen: sent, never received nor given up on. */
  lostInTransit: number;
  firstTickSpreadMs: number;
  /** Over every VM of the trial: delivery latency and tick lateness (ms). */
  all: OverallDelays;
  /** Spread between the fastest and slowest logical clock on the grid. */
  spread: GridStats;
  /** Samples for charts: per VM clock and queue on a fixed wall-time grid. */
  grid: Grid & { clocks: Record<string, number[]>; queues: Record<string, number[]> };
  /** Jump sizes per VM as [size, count] pairs; latency samples' histogram (ms). */
  jumpHistogram: Record<string, [number, number][]>;
  latencyHistogram: LatencyBin[];
  /** On the grid: the largest latency of the messages sent in each step (ms; null: none). */
  latencyOverTime: (number | null)[];
  /** Tick events in the space-time window, every VM. */
  window: { from: number; to: number; events: WindowEvent[] };
}

export interface AnalyzeOptions {
  experiment?: string;
  trial?: number;
  /** Grid points at most. @default 2000 */
  gridPoints?: number;
  /** Space-time window: start offset from the first tick and length, in ms. @default 0 and 5000 */
  windowOffsetMs?: number;
  windowMs?: number;
}

/**
 * Checks and statistics of one trial, streaming each log twice: once for the sends (only those
 * lines are parsed), once for everything else. Memory grows with messages, not with records.
 */
export async function analyzeTrial(
  sources: VmSource[],
  options: AnalyzeOptions = {},
): Promise<TrialAnalysis> {
  const starts = await Promise.all(sources.map((s) => s.start()));
  const ids = [...new Set(starts.flatMap((s) => (s === undefined ? [] : [s.vm, ...s.peers])))].sort();
  const index = new SendIndex(ids);
  const vmOf = (i: number) => starts[i]?.vm ?? basename(sources[i]?.file ?? "");
  for (const [i, source] of sources.entries()) {
    const vm = vmOf(i);
    // A restarted VM's sends are numbered anew under its new epoch, from its next start record.
    let epoch = starts[i]?.epoch ?? 0;
    // Lines that are not records are skipped here and reported once, in the full pass below.
    await each(source.sends(), (l) => {
      if (l.record.event === "start") epoch = l.record.epoch;
      else index.add(vm, epoch, l.record, `${l.file}:${l.line}`);
    });
  }

  const known = starts.filter((s): s is StartRecord => s !== undefined);
  const grid = gridOver(known, options.gridPoints ?? 2000);
  const window = spaceTimeWindow(grid.start, options.windowOffsetMs ?? 0, options.windowMs ?? 5000);
  const c = trialCollectors();
  const readable = new Collector("readable");
  const passes: VmPass[] = [];
  for (const [i, source] of sources.entries()) {
    const pass = new VmPass(source.file, vmOf(i), c, index, grid, window);
    await readAll(source, pass, readable);
    pass.finish();
    passes.push(pass);
  }

  const conservation = checkConservation(passes, index);
  const crashes = crashReports(passes, index);
  for (const r of index.repeats())
    c.messages.fail(r.where, `link ${r.link} seq ${r.seq} sent more than once`);

  const drift = driftOnGrid(passes.map((p) => ({ vm: p.vm, clock: p.samples.clock })));
  const firsts = passes.map((p) => p.firstTickAt).filter((t): t is number => t !== undefined);
  return {
    experiment: options.experiment ?? ".",
    trial: options.trial ?? known[0]?.trial ?? 0,
    files: sources.map((s) => s.file),
    interrupted: passes.some((p) => p.stop?.record.reason === "signal"),
    checks: checkResults(readable, c, conservation.check),
    vms: passes.map((p) => vmStats(p, drift.perVm.get(p.vm))),
    crashes,
    lostWithCrashes: conservation.lostWithCrashes,
    lostInTransit: conservation.lostInTransit,
    firstTickSpreadMs: firsts.length === 0 ? Number.NaN : round3(Math.max(...firsts) - Math.min(...firsts)),
    spread: drift.spread,
    all: overallDelays(passes),
    grid: {
      ...grid,
      clocks: Object.fromEntries(passes.map((p) => [p.vm, Array.from(p.samples.clock)])),
      queues: Object.fromEntries(passes.map((p) => [p.vm, Array.from(p.samples.queue)])),
    },
    jumpHistogram: Object.fromEntries(passes.map((p) => [p.vm, histogramOfIntegers(p.jumps.values())])),
    latencyHistogram: logHistogram(concatSeries(passes.map((p) => p.latency))),
    latencyOverTime: latencyOverTime(
      grid,
      passes.flatMap((p) => [...p.delivery.values()]),
    ),
    window: { from: window.from, to: window.to, events: window.events },
  };
}

/**
 * Feeds every record of `source` to `pass`; lines that are not records fail `readable`, the
 * first few in full, then a count (a binary file must not list a million lines).
 */
async function readAll(source: VmSource, pass: VmPass, readable: Collector): Promise<void> {
  let last: BadLine | undefined;
  const onBad = (bad: BadLine) => {
    pass.skipped(bad.line);
    if (pass.badLines <= BAD_LINES_SHOWN) readable.fail(`${bad.file}:${bad.line}`, bad.problem);
    last = bad;
  };
  await each(source.records(onBad), (l) => pass.visit(l));
  const more = pass.badLines - BAD_LINES_SHOWN;
  if (more > 0 && last !== undefined) {
    readable.more(
      `${last.file}:${last.line}`,
      more,
      `and ${more} more line(s) of this file that are not records, the last here`,
    );
  }
  readable.checked += pass.lines;
}

import { basename } from "node:path";
import { type BadLine, type Located, readLogLines } from "../log/reader.js";
import type { ProcessUsage, SendRecord, StartRecord, StopRecord } from "../log/schema.js";
import { type CheckResult, Collector } from "./collector.js";
import { SendIndex } from "./send-index.js";
import { concatSeries, round3, type Summary, summarize } from "./series.js";
import { type Grid, type TrialCollectors, VmPass, type WindowEvent } from "./vm-pass.js";

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

/** Lines of a file listed in full when they are not records; the rest are counted. */
const BAD_LINES_SHOWN = 3;

/** Statistics of one VM in one trial. */
export interface VmStats {
  /** The VM's id; the log file's name when the log has no start record. */
  vm: string;
  rate: number;
  /** Draws are 1..eventRange (from the start record): what the model of rate ratios needs. */
  eventRange: number;
  ticks: number;
  planned: number;
  /**
   * Ticks due before the VM stopped: `planned` for a run that ran its duration; for one
   * stopped by a signal, the ticks whose deadline came before its `stop` record.
   */
  due: number;
  /** Why the VM stopped (its last `stop` record); absent when the log has none. */
  stopReason?: StopRecord["reason"];
  /** Seconds the VM ran from its start time (its duration, or less when stopped early). */
  ranS: number;
  /** Records read, and lines skipped as not records of the log schema (`readable`). */
  records: number;
  badLines: number;
  /** Records per kind; `reject` counts rejects (a coalesced record's `count`), not records. */
  events: { internal: number; send: number; receive: number; reject: number; gap: number; fault: number };
  finalClock: number;
  /** Clock per second of the time the VM ran (`ranS`), and that per unit of rate. */
  clockPerSecond: number;
  clockPerRate: number;
  jumps: Pick<Summary, "count" | "mean" | "p95" | "max">;
  meanStep: number;
  queue: { mean: number; p95: number; max: number; final: number };
  latencyMs: Pick<Summary, "count" | "p50" | "p99" | "max">;
  waitMs: Pick<Summary, "mean" | "p99" | "max">;
  latenessMs: Pick<Summary, "mean" | "p99" | "max">;
  early: number;
  sent: number;
  received: number;
  pending: number;
  rejected: number;
  /** Messages that arrived ahead of a missing seq (from the stop record; 0 for older logs). */
  reordered: number;
  /** Messages this VM's fault layer dropped (loss or partition). */
  dropped: number;
  /** Rejects by reason, and by sender (`unknown` where the record has no `from`). */
  rejectReasons: Record<string, number>;
  rejectSenders: Record<string, number>;
  gapped: number;
  /**
   * God's-eye drift on the wall-time grid, as lag = (largest clock at that instant) - this
   * VM's clock, so >= 0; the drift of the specification (clock minus the largest) is -lag.
   */
  lag: { mean: number; max: number; final: number };
  /** The VM process's peak memory and CPU time, from its stop record (absent when simulated). */
  usage?: ProcessUsage;
}

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
  firstTickSpreadMs: number;
  /** Over every VM of the trial: delivery latency and tick lateness (ms). */
  all: {
    latencyMs: Pick<Summary, "count" | "p50" | "p99" | "max">;
    latenessMs: Pick<Summary, "mean" | "p99" | "max">;
  };
  /** Spread between the fastest and slowest logical clock on the grid. */
  spread: { mean: number; max: number; final: number };
  /** Samples for charts: per VM clock and queue on a fixed wall-time grid. */
  grid: Grid & { clocks: Record<string, number[]>; queues: Record<string, number[]> };
  /** Jump sizes per VM as [size, count] pairs; latency samples' histogram (ms). */
  jumpHistogram: Record<string, [number, number][]>;
  latencyHistogram: { fromMs: number; toMs: number; count: number }[];
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
  const readable = new Collector("readable");
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
  const t0 = known.length === 0 ? 0 : Math.min(...known.map((s) => s.startAt));
  const t1 = known.length === 0 ? 0 : Math.max(...known.map((s) => s.startAt + s.duration * 1000));
  const points = Math.max(2, options.gridPoints ?? 2000);
  const stepMs = Math.max(50, Math.ceil((t1 - t0) / (points - 1)));
  const grid: Grid = { start: t0, stepMs, points: Math.floor((t1 - t0) / stepMs) + 1 };
  const windowFrom = t0 + (options.windowOffsetMs ?? 0);
  const window = { from: windowFrom, to: windowFrom + (options.windowMs ?? 5000), events: [], max: 5000 };
  const c: TrialCollectors = {
    structure: new Collector("structure"),
    lamport: new Collector("lamport"),
    vector: new Collector("vector"),
    messages: new Collector("messages"),
    fifo: new Collector("fifo"),
    wallTime: new Collector("wall-time"),
    ticks: new Collector("tick-fidelity"),
  };
  const passes: VmPass[] = [];
  for (const [i, source] of sources.entries()) {
    const pass = new VmPass(source.file, vmOf(i), c, index, grid, window);
    let last: BadLine | undefined;
    const onBad = (bad: BadLine) => {
      pass.skipped(bad.line);
      // The first few in full, then a count: a binary file must not list a million lines.
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
    pass.finish();
    passes.push(pass);
  }

  const conservation = checkConservation(passes, index);
  const crashes = crashReports(passes, index);
  for (const r of index.repeats())
    c.messages.fail(r.where, `link ${r.link} seq ${r.seq} sent more than once`);

  const clocks = Object.fromEntries(passes.map((p) => [p.vm, Array.from(p.gridClock)]));
  const drift = driftStats(passes);
  const firsts = passes.map((p) => p.firstTickAt).filter((t): t is number => t !== undefined);
  return {
    experiment: options.experiment ?? ".",
    trial: options.trial ?? known[0]?.trial ?? 0,
    files: sources.map((s) => s.file),
    interrupted: passes.some((p) => p.stop?.record.reason === "signal"),
    checks: [
      readable,
      c.structure,
      c.lamport,
      c.vector,
      c.messages,
      c.fifo,
      conservation.check,
      c.ticks,
      c.wallTime,
    ].map((x) => x.result()),
    vms: passes.map((p) => vmStats(p, drift.perVm.get(p.vm))),
    crashes,
    lostWithCrashes: conservation.lostWithCrashes,
    firstTickSpreadMs: firsts.length === 0 ? Number.NaN : round3(Math.max(...firsts) - Math.min(...firsts)),
    spread: drift.spread,
    all: overall(passes),
    grid: { ...grid, clocks, queues: Object.fromEntries(passes.map((p) => [p.vm, Array.from(p.gridQueue)])) },
    jumpHistogram: Object.fromEntries(passes.map((p) => [p.vm, histogramOfIntegers(p.jumps.values())])),
    latencyHistogram: logHistogram(concatSeries(passes.map((p) => p.latency))),
    window: { from: window.from, to: window.to, events: window.events },
  };
}

/** A VM process that died without its `stop` record, and what it cost. */
export interface CrashReport {
  vm: string;
  /** Epoch of the incarnation that died. */
  epoch: number;
  /** Ticks it logged, and the wall time of its last record. */
  afterTick: number;
  at: number;
  /** When the VM came back (its next start record) and under which epoch; absent if never. */
  restartedAt?: number;
  newEpoch?: number;
  /** Bytes of a torn last line the restarted VM cut off. */
  tornBytes: number;
  /** Messages its peers logged as sent to it while it was down. */
  sentWhileDown: number;
}

function crashReports(passes: VmPass[], index: SendIndex): CrashReport[] {
  return passes.flatMap((p) =>
    p.incarnations.flatMap((inc, i) => {
      if (inc.stopped) return [];
      const next = p.incarnations[i + 1];
      const until = next?.start.t ?? Number.POSITIVE_INFINITY;
      const sentWhileDown = passes.reduce(
        (n, q) => n + (q === p ? 0 : index.sentBetween(q.vm, p.vm, inc.lastT, until)),
        0,
      );
      const report: CrashReport = {
        vm: p.vm,
        epoch: inc.start.epoch,
        afterTick: inc.ticks,
        at: inc.lastT,
        tornBytes: next?.start.recovered?.tornBytes ?? 0,
        sentWhileDown,
      };
      if (next !== undefined) {
        report.restartedAt = next.start.t;
        report.newEpoch = next.start.epoch;
      }
      return [report];
    }),
  );
}

/**
 * Nothing lost: per link, what the sender logged as sent equals what the receiver took off its
 * queue, plus what was pending at its stop, plus what it gave up on in `gap` records, plus
 * what the sender's fault layer dropped, plus what its full queue refused. On a link with a
 * crashed end, what is left over went down with the crashed process (its queue, its unsent
 * buffers, sends to it while it was down and never redelivered): counted as lost with the
 * crash, not flagged.
 */
function checkConservation(
  passes: VmPass[],
  index: SendIndex,
): { check: Collector; lostWithCrashes: number } {
  const c = new Collector("conservation");
  const byVm = new Map(passes.map((p) => [p.vm, p]));
  const crashed = (p: VmPass | undefined) => p?.incarnations.some((i) => !i.stopped) === true;
  let lostWithCrashes = 0;
  for (const [from, to] of index.links()) {
    c.checked += 1;
    const sent = index.sent(from, to);
    const sender = byVm.get(from);
    const receiver = byVm.get(to);
    const where = sender?.stop ?? `${sender?.file ?? from}:0`;
    if (receiver === undefined) {
      c.fail(where, `${sent} sent ${from}->${to}, and ${to} has no log in this trial`);
      continue;
    }
    const lastEpoch = sender?.current?.start.epoch;
    // `links` is clocklab's own addition to the stop record: a foreign VM's log may lack it.
    const claimed = sender?.stop?.record.links?.[to]?.sent;
    const logged = lastEpoch === undefined ? sent : index.sentIn(from, to, lastEpoch);
    if (claimed !== undefined && claimed !== logged)
      c.fail(where, `stop says ${claimed} sent to ${to}, the log has ${logged}`);
    const link = receiver.inbound.get(from);
    const received = link?.received ?? 0;
    const gaps = link?.gaps ?? new Map<number, Set<number>>();
    let gapped = 0;
    for (const set of gaps.values()) gapped += set.size;
    // A seq the sender's fault layer dropped may also be one the receiver gave up on: count once.
    let droppedOnly = 0;
    const unknown = gaps.get(Number.NaN);
    for (const [epoch, dropped] of sender?.dropped.get(to) ?? []) {
      const mine = gaps.get(epoch);
      for (const seq of dropped) if (!mine?.has(seq) && !unknown?.has(seq)) droppedOnly += 1;
    }
    const stop = receiver.stop;
    const pending = stop?.record.links?.[from]?.pending ?? 0;
    const refused = link?.refused ?? 0;
    const left = sent - (received + pending + gapped + droppedOnly + refused);
    if (left === 0) continue;
    if (left > 0 && (crashed(receiver) || crashed(sender))) {
      lostWithCrashes += left;
      continue;
    }
    c.fail(
      stop ?? `${receiver.file}:end`,
      `link ${from}->${to}: sent ${sent} != received ${received} + pending ${pending} + gap ${gapped} + dropped by faults ${droppedOnly} + refused by a full queue ${refused}`,
    );
  }
  return { check: c, lostWithCrashes };
}

function driftStats(passes: VmPass[]) {
  const points = passes[0]?.gridClock.length ?? 0;
  const lag = new Map(passes.map((p) => [p.vm, new Float64Array(points)]));
  const spread = new Float64Array(points);
  for (let g = 0; g < points; g++) {
    let hi = Number.NEGATIVE_INFINITY;
    let lo = Number.POSITIVE_INFINITY;
    for (const p of passes) {
      hi = Math.max(hi, p.gridClock[g] ?? 0);
      lo = Math.min(lo, p.gridClock[g] ?? 0);
    }
    spread[g] = hi - lo;
    for (const p of passes) (lag.get(p.vm) as Float64Array)[g] = hi - (p.gridClock[g] ?? 0);
  }
  const stats = (xs: Float64Array) => {
    const s = summarize(xs);
    return { mean: round3(s.mean), max: round3(s.max), final: round3(xs[xs.length - 1] ?? Number.NaN) };
  };
  return {
    perVm: new Map([...lag].map(([vm, xs]) => [vm, stats(xs)])),
    spread: stats(spread),
  };
}

function vmStats(p: VmPass, lag: VmStats["lag"] | undefined): VmStats {
  const rate = p.start?.rate ?? Number.NaN;
  const ranS = p.ranS();
  const jumps = p.jumps.summary();
  const queue = p.queue.summary();
  const latency = p.latency.summary();
  const wait = p.wait.summary();
  const late = p.lateness.summary();
  const stop = p.stop?.record;
  const ticks = p.ticks;
  return {
    vm: p.vm,
    rate,
    eventRange: p.start?.eventRange ?? Number.NaN,
    ticks,
    planned: p.planned ?? Number.NaN,
    due: p.due ?? Number.NaN,
    ...(stop === undefined ? {} : { stopReason: stop.reason }),
    ranS: round3(ranS),
    records: p.records,
    badLines: p.badLines,
    events: { ...p.events },
    finalClock: p.clock,
    clockPerSecond: round3(ranS > 0 ? p.clock / ranS : Number.NaN),
    clockPerRate: round3(ranS > 0 ? p.clock / ranS / rate : Number.NaN),
    jumps: { count: jumps.count, mean: round3(jumps.mean), p95: jumps.p95, max: jumps.max },
    meanStep: round3(ticks === 0 ? Number.NaN : p.stepSum / ticks),
    queue: {
      mean: round3(queue.mean),
      p95: queue.p95,
      max: queue.max,
      final: p.queue.values().at(-1) ?? Number.NaN,
    },
    latencyMs: {
      count: latency.count,
      p50: round3(latency.p50),
      p99: round3(latency.p99),
      max: round3(latency.max),
    },
    waitMs: { mean: round3(wait.mean), p99: round3(wait.p99), max: round3(wait.max) },
    latenessMs: { mean: round3(late.mean), p99: round3(late.p99), max: round3(late.max) },
    early: p.early,
    sent: stop?.sent ?? Number.NaN,
    received: stop?.received ?? Number.NaN,
    pending: stop?.pending ?? Number.NaN,
    rejected: stop?.rejected ?? p.events.reject,
    reordered: Object.values(stop?.links ?? {}).reduce((sum, l) => sum + (l.reordered ?? 0), 0),
    dropped: sumSizes([...p.dropped.values()].flatMap((m) => [...m.values()])),
    rejectReasons: Object.fromEntries(p.rejectReasons),
    rejectSenders: Object.fromEntries(p.rejectSenders),
    gapped: sumSizes([...p.inbound.values()].flatMap((l) => [...l.gaps.values()])),
    lag: lag ?? { mean: Number.NaN, max: Number.NaN, final: Number.NaN },
    ...(stop?.usage === undefined ? {} : { usage: stop.usage }),
  };
}

function sumSizes(sets: Set<number>[]): number {
  return sets.reduce((n, set) => n + set.size, 0);
}

function overall(passes: VmPass[]): TrialAnalysis["all"] {
  const latency = summarize(concatSeries(passes.map((p) => p.latency)));
  const late = summarize(concatSeries(passes.map((p) => p.lateness)));
  return {
    latencyMs: {
      count: latency.count,
      p50: round3(latency.p50),
      p99: round3(latency.p99),
      max: round3(latency.max),
    },
    latenessMs: { mean: round3(late.mean), p99: round3(late.p99), max: round3(late.max) },
  };
}

function histogramOfIntegers(values: Float64Array): [number, number][] {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => a[0] - b[0]);
}

/** Latencies in bins that double in width from 1 us, so microseconds and seconds both show. */
function logHistogram(values: Float64Array): { fromMs: number; toMs: number; count: number }[] {
  const bins = new Map<number, number>();
  for (const v of values) {
    const k = v <= 0.001 ? 0 : Math.ceil(Math.log2(v / 0.001));
    bins.set(k, (bins.get(k) ?? 0) + 1);
  }
  return [...bins]
    .sort((a, b) => a[0] - b[0])
    .map(([k, count]) => ({ fromMs: k === 0 ? 0 : 0.001 * 2 ** (k - 1), toMs: 0.001 * 2 ** k, count }));
}

/**
 * Runs `fn` on every item; a synchronous iterable is walked without awaiting each item (a
 * microtask per record adds up over a million of them).
 */
async function each<T>(items: AsyncIterable<T> | Iterable<T>, fn: (item: T) => void): Promise<void> {
  if (Symbol.iterator in items) {
    for (const item of items) fn(item);
    return;
  }
  for await (const item of items) fn(item);
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

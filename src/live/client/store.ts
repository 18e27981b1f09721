import { DiagramBuilder, type TickLike } from "../../report/diagram/build.js";
import type { TrialDiagram } from "../../report/diagram/format.js";
import type { LiveRecord, LiveRecords, LiveTrial, LiveTrialEnd } from "../protocol.js";

/** What the page shows of one VM now, and its last 30 s for the small charts. */
export interface LaneNow {
  id: string;
  rate: number;
  planned: number;
  ticks: number;
  clock: number;
  queue: number;
  /** The largest clock of the trial minus this VM's, at its latest event. */
  lag: number;
  /** Clock values skipped by its latest jump, and when (s into the trial); 0 before any. */
  lastJump: number;
  lastJumpAtS: number;
  stopped: boolean;
  /** Per event: seconds into the trial, lag, queue (the last ones only). */
  history: [number, number, number][];
}

/** One trial as the page has it so far. */
export interface LiveTrialState {
  meta: LiveTrial;
  /** Per lane, every record received, in its log's order. */
  lanes: LiveRecord[][];
  builder: DiagramBuilder;
  now: LaneNow[];
  /** Time of the newest record fed to the builder (ms since the epoch). */
  lastT: number;
  end?: LiveTrialEnd;
}

const HISTORY = 600;
const isTick = (r: LiveRecord) => r.event === "internal" || r.event === "send" || r.event === "receive";

/**
 * The run as received: records arrive per VM in log order but VMs interleave, so a batch is
 * sorted by time before it is fed to the diagram's builder; a record older than one already
 * fed (a VM's line read a poll later than another's newer one) rebuilds the trial in order.
 */
export class LiveStore {
  readonly trials: LiveTrialState[] = [];
  /** Tick records received over the whole run (also those past a trial's page limit). */
  received = 0;
  #pending: { index: number; lane: number; r: LiveRecord }[] = [];

  constructor(readonly limitPerTrial: number) {}

  addTrial(meta: LiveTrial): void {
    const vms = meta.vms.map(({ id, rate }) => ({ id, rate }));
    this.trials[meta.index] = {
      meta,
      lanes: vms.map(() => []),
      builder: this.#builder(meta),
      now: meta.vms.map((v) => fresh(v.id, v.rate, v.planned)),
      lastT: -Infinity,
    };
  }

  /** Queues a batch; `flush` feeds what is queued. */
  add(msg: LiveRecords): void {
    const trial = this.trials[msg.index];
    if (trial === undefined) return;
    const lane = trial.builder.laneOf(msg.vm);
    if (lane < 0) return;
    for (const r of msg.records) {
      trial.lanes[lane]?.push(r);
      if (isTick(r)) this.received += 1;
      this.#pending.push({ index: msg.index, lane, r });
    }
  }

  /** Feeds every queued record; returns the trials that changed and the records fed. */
  flush(): { changed: Set<number>; fed: LiveRecord[] } {
    const batch = this.#pending;
    this.#pending = [];
    // Stable: a lane's start record keeps its place before its first tick of the same time.
    batch.sort((x, y) => x.r.t - y.r.t);
    const changed = new Set<number>();
    const rebuild = new Set<number>();
    for (const { index, lane, r } of batch) {
      changed.add(index);
      if (rebuild.has(index)) continue;
      const trial = this.trials[index] as LiveTrialState;
      if (r.t < trial.lastT) rebuild.add(index);
      else feed(trial, lane, r);
    }
    for (const index of rebuild) this.#rebuild(this.trials[index] as LiveTrialState);
    return { changed, fed: batch.map((b) => b.r) };
  }

  diagram(i: number): TrialDiagram {
    return (this.trials[i] as LiveTrialState).builder.snapshot();
  }

  #builder(meta: LiveTrial): DiagramBuilder {
    const vms = meta.vms.map(({ id, rate }) => ({ id, rate }));
    const { experiment, trial, t0, durationS } = meta;
    return new DiagramBuilder({ experiment, trial, vms, t0, durationS }, this.limitPerTrial);
  }

  /** Every record of the trial again, all lanes merged by time, into a new builder. */
  #rebuild(trial: LiveTrialState): void {
    trial.builder = this.#builder(trial.meta);
    trial.now = trial.meta.vms.map((v) => fresh(v.id, v.rate, v.planned));
    trial.lastT = -Infinity;
    const all = trial.lanes.flatMap((records, lane) => records.map((r) => ({ lane, r })));
    all.sort((x, y) => x.r.t - y.r.t);
    for (const { lane, r } of all) feed(trial, lane, r);
  }
}

function fresh(id: string, rate: number, planned: number): LaneNow {
  return {
    id,
    rate,
    planned,
    ticks: 0,
    clock: 0,
    queue: 0,
    lag: 0,
    lastJump: 0,
    lastJumpAtS: 0,
    stopped: false,
    history: [],
  };
}

/** One record of lane `lane`, in time order: into the diagram and the lane's numbers. */
function feed(trial: LiveTrialState, lane: number, r: LiveRecord): void {
  const now = trial.now[lane] as LaneNow;
  trial.lastT = Math.max(trial.lastT, r.t);
  if (r.event === "start") {
    trial.builder.start(lane, r.epoch ?? 0, r.recovered !== undefined);
    if (r.recovered === undefined) now.clock = 0;
    if (r.ticksPlanned !== undefined) now.planned = r.ticksPlanned;
    if (r.rate !== undefined) now.rate = r.rate;
    return;
  }
  if (r.event === "stop") {
    now.stopped = true;
    return;
  }
  if (!isTick(r)) return;
  const jump = (r.clock ?? 0) - now.clock - 1;
  if (r.event === "receive" && jump > 0) {
    now.lastJump = jump;
    now.lastJumpAtS = (r.t - trial.meta.t0) / 1000;
  }
  trial.builder.add(lane, r as unknown as TickLike);
  now.ticks = r.tick ?? now.ticks;
  now.clock = r.clock ?? now.clock;
  now.queue = r.queue ?? now.queue;
  const leader = Math.max(...trial.now.map((n) => n.clock));
  for (const n of trial.now) n.lag = leader - n.clock;
  now.history.push([(r.t - trial.meta.t0) / 1000, now.lag, now.queue]);
  if (now.history.length > HISTORY) now.history.splice(0, now.history.length - HISTORY);
}

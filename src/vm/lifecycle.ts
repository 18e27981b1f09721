import { VERSION } from "../base/version.js";
import type { Recovered } from "../log/recover.js";
import type { ProcessUsage, StartRecord, StopRecord } from "../log/schema.js";
import type { Machine } from "./machine.js";
import { runTicks, type TickPlan, ticksFor } from "./scheduler.js";
import type { TimeSource } from "./time.js";

/**
 * One VM's life, the same in a VM process (src/host/runtime.ts) and in the simulator
 * (src/sim/trial.ts): the start record, the tick plan, ticking, the drain, the stop record.
 * They differ only in what they inject: time source, network and sink.
 */

/** Default time a VM keeps receiving after its last tick, so in-flight messages land. */
export const DEFAULT_DRAIN_MS = 500;

/** What shapes one VM's run. */
export interface LifeSpec {
  id: string;
  /** Peer ids in the order given. */
  peers: string[];
  trial: number;
  seed: number;
  eventRange: number;
  /** Ticks per second, already drawn. */
  rate: number;
  /** Time (ms) of this VM's first tick. */
  startAt: number;
  /** The trial's length in seconds, as the start record gives it. */
  durationS: number;
  /** Seconds this VM ticks, when it joins a trial late (the simulator's start offsets). @default durationS */
  tickS?: number;
  /** This incarnation's id, carried in every message. */
  epoch: number;
  gapTimeoutMs: number;
  drainMs: number;
}

/** What only the host knows: when it began listening, over what, as which process, continuing what. */
export interface HostStamp {
  /** Time of the start record: when listening began, so nothing logged after it is earlier. */
  t: number;
  transport: string;
  pid: number;
  host: string;
  /** The crashed incarnation whose log this one continues (the VM process's recovery). */
  recovered?: Pick<Recovered, "epoch" | "ticks" | "clock" | "tornBytes"> | undefined;
}

/** The ticks of one VM: floor(rate * seconds of ticking) from its start. */
export function tickPlan(spec: LifeSpec): TickPlan {
  return { startAt: spec.startAt, rate: spec.rate, count: ticksFor(spec.rate, spec.tickS ?? spec.durationS) };
}

/** The `start` record: what a reader of the log needs to interpret every later record. */
export function startRecord(spec: LifeSpec, plan: TickPlan, stamp: HostStamp): StartRecord {
  return {
    event: "start",
    t: stamp.t,
    vm: spec.id,
    trial: spec.trial,
    rate: spec.rate,
    peers: spec.peers,
    transport: stamp.transport,
    seed: spec.seed,
    eventRange: spec.eventRange,
    startAt: plan.startAt,
    duration: spec.durationS,
    epoch: spec.epoch,
    version: VERSION,
    pid: stamp.pid,
    host: stamp.host,
    ticksPlanned: plan.count,
    gapTimeoutMs: spec.gapTimeoutMs,
    drainMs: spec.drainMs,
    ...(stamp.recovered === undefined ? {} : { recovered: recoveredField(stamp.recovered) }),
  };
}

/** The start record's `recovered`: what a reader needs of the crashed incarnation, nothing more. */
function recoveredField({
  epoch,
  ticks,
  clock,
  tornBytes,
}: NonNullable<HostStamp["recovered"]>): NonNullable<StartRecord["recovered"]> {
  return { epoch, ticks, clock, tornBytes };
}

/**
 * When a VM whose ticks ended at `now` stops: `drainMs` after the planned end, or after `now`
 * if it ran late (started after its start time and caught up), so peers late too still reach it.
 */
export function drainEnd(spec: Pick<LifeSpec, "startAt" | "durationS" | "drainMs">, now: number): number {
  return Math.max(spec.startAt + spec.durationS * 1000, now) + spec.drainMs;
}

/** How a life that was not cancelled ended. */
export type LifeEnd = { reason: "duration" } | { reason: "error"; error: string; cause: unknown };

export interface LifeOptions {
  /**
   * Drain after the last tick, then call onEnd (a VM process). Without it nothing follows the
   * last tick: the simulator ends all VMs of a trial together, at the trial's drainEnd.
   */
  drain: boolean;
  /** Called at most once: at the drain's end, or when a tick throws (ticking stops there). */
  onEnd(end: LifeEnd): void;
}

/** Ticks `machine` on `plan` in `time`, then drains. `cancel` stops both, without onEnd. */
export function runLife(
  time: TimeSource,
  machine: Machine,
  spec: LifeSpec,
  plan: TickPlan,
  options: LifeOptions,
): { cancel(): void } {
  let cancelDrain = (): void => {};
  const ticking = runTicks(
    time,
    plan,
    (n, due) => {
      try {
        machine.tick(n, due);
      } catch (err) {
        ticking.cancel();
        options.onEnd({
          reason: "error",
          error: err instanceof Error ? err.message : String(err),
          cause: err,
        });
      }
    },
    () => {
      if (options.drain)
        cancelDrain = time.at(drainEnd(spec, time.now()), () => options.onEnd({ reason: "duration" }));
    },
  );
  return {
    cancel(): void {
      ticking.cancel();
      cancelDrain();
    },
  };
}

/** Ends a VM: gives up on the sequence gaps that timed out, then writes its `stop` record. */
export function endLife(
  machine: Machine,
  reason: StopRecord["reason"],
  error?: string,
  usage?: ProcessUsage,
): StopRecord {
  machine.pollGaps();
  return machine.stop(reason, error, usage);
}

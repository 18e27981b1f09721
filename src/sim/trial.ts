import { createRng, deriveSeed } from "../base/rng.js";
import type { LogRecord, LogSink, StopRecord } from "../log/schema.js";
import { memorySink } from "../log/writer.js";
import { type LatencyModel, sampleLatency } from "../transport/faults.js";
import { MemoryNetwork } from "../transport/memory.js";
import {
  DEFAULT_DRAIN_MS,
  drainEnd,
  endLife,
  type LifeSpec,
  runLife,
  startRecord,
  tickPlan,
} from "../vm/lifecycle.js";
import { Machine } from "../vm/machine.js";
import { chooseRate, type RateSpec } from "../vm/rate.js";
import { VirtualTimeSource } from "../vm/time.js";
import type { WireMessage } from "../wire/message.js";
import { DEFAULT_GAP_TIMEOUT_MS } from "../wire/reorder.js";

/** One simulated trial: VMs on a full mesh, in virtual time. */
export interface SimTrialConfig {
  ids: string[];
  /** Per VM rate spec (same meaning as the `vm` command's). */
  rates: RateSpec[];
  durationS: number;
  seed: number;
  trial: number;
  eventRange: number;
  /** One-way delivery latency in ms, when no `latency` model is given. @default 0.1 */
  latencyMs?: number;
  /** Delivery latency model, drawn per message from its own seeded stream. */
  latency?: LatencyModel;
  /** Where each VM's records go; kept in memory (and returned) when absent. */
  sinkFor?: (id: string, rate: number) => LogSink;
  /** Per VM start offset in ms from the common start. @default 0 */
  startOffsetsMs?: number[];
  drainMs?: number;
  startAt?: number;
}

export interface SimVmResult {
  id: string;
  rate: number;
  records: LogRecord[];
  stop: StopRecord;
}

/** A trial set up in virtual time, run to its end by `step`, then closed by `finish`. */
interface PreparedTrial {
  /** Runs every callback due up to `until` (virtual ms, capped at the trial's end); how many ran. */
  step(until: number): number;
  /** Virtual now, the trial's start and its end (drain included). */
  now(): number;
  startAt: number;
  endAt: number;
  /** Writes every VM's stop record: `duration` at the end, `signal` when stopped early. */
  finish(reason: "duration" | "signal"): SimVmResult[];
}

/** Virtual start of every trial: fixed, so the same seed gives byte-identical logs. */
export const SIM_START_AT = 1_700_000_000_000;

/**
 * Runs one trial of the unchanged VM core and lifecycle in virtual time, over the simulator's
 * in-process network.
 * Deterministic: the same config gives the same records.
 */
export function simulateTrial(config: SimTrialConfig): SimVmResult[] {
  const trial = prepareTrial(config);
  trial.step(trial.endAt);
  return trial.finish("duration");
}

/** How `simulateTrialInSteps` lets the process breathe. */
export interface StepOptions {
  /** Stops the trial where it is: every VM writes its stop record with reason `signal`. */
  signal?: AbortSignal;
  /** Called after each step with the virtual ms done out of the trial's total. */
  onProgress?: (doneMs: number, totalMs: number) => void;
  /** Callbacks per step before yielding to the event loop. @default 20000 */
  stepEvents?: number;
}

/** The first slice of virtual time, in ms; later ones adapt to hold about `stepEvents` events. */
const FIRST_STEP_MS = 100;

/**
 * The same trial as `simulateTrial`, run in slices of virtual time with a turn of the event loop
 * between them, so a signal can land. Slicing changes nothing in the records: virtual time
 * only moves between callbacks, and every callback a slice leaves runs in a later one.
 * Resolves with `interrupted` true when the signal stopped it.
 */
export async function simulateTrialInSteps(
  config: SimTrialConfig,
  options: StepOptions = {},
): Promise<{ vms: SimVmResult[]; interrupted: boolean }> {
  const trial = prepareTrial(config);
  const target = options.stepEvents ?? 20_000;
  const total = trial.endAt - trial.startAt;
  let span = FIRST_STEP_MS;
  while (trial.now() < trial.endAt) {
    if (options.signal?.aborted) return { vms: trial.finish("signal"), interrupted: true };
    const ran = trial.step(Math.min(trial.endAt, trial.now() + span));
    // Aim the next slice at `target` events: grow fast through quiet stretches, shrink at once.
    span = ran === 0 ? span * 4 : Math.max(1e-3, Math.min(span * 4, (span * target) / ran));
    options.onProgress?.(trial.now() - trial.startAt, total);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  // Every tick ran: a signal that lands now stops the run before its next trial, not this one.
  return { vms: trial.finish("duration"), interrupted: false };
}

function prepareTrial(config: SimTrialConfig): PreparedTrial {
  const startAt = config.startAt ?? SIM_START_AT;
  const time = new VirtualTimeSource(startAt - 1);
  const model: LatencyModel = config.latency ?? { kind: "constant", ms: config.latencyMs ?? 0.1 };
  const netRng = createRng(deriveSeed(config.seed, "network", config.trial));
  // Carries the message objects the Machines make, each after a latency drawn from its own stream.
  const network = new MemoryNetwork<WireMessage>((run) => {
    time.at(time.now() + sampleLatency(model, netRng), run);
  });
  const drainMs = config.drainMs ?? DEFAULT_DRAIN_MS;
  // One end for every VM of the trial: they stop together, when `finish` is called.
  const endAt = drainEnd({ startAt, durationS: config.durationS, drainMs }, startAt);
  const vms = config.ids.map((id, i) => {
    const rng = createRng(deriveSeed(config.seed, id, config.trial));
    const rate = chooseRate(config.rates[i] ?? config.rates[0] ?? { min: 1, max: 6, multiplier: 1 }, rng);
    const memory = config.sinkFor === undefined ? memorySink() : undefined;
    const sink: LogSink = memory ?? (config.sinkFor as (id: string, rate: number) => LogSink)(id, rate);
    const peers = config.ids.filter((p) => p !== id);
    const machine = new Machine(
      { id, peers, eventRange: config.eventRange, epoch: startAt },
      { now: () => time.now(), rng, outbox: (msg) => network.post(id, msg.to, msg), sink },
    );
    const offsetMs = config.startOffsetsMs?.[i] ?? 0;
    const spec: LifeSpec = {
      id,
      peers,
      trial: config.trial,
      seed: config.seed,
      eventRange: config.eventRange,
      rate,
      startAt: startAt + offsetMs,
      durationS: config.durationS,
      tickS: config.durationS - offsetMs / 1000,
      epoch: startAt,
      gapTimeoutMs: DEFAULT_GAP_TIMEOUT_MS,
      drainMs,
    };
    time.at(spec.startAt - 0.5, () => {
      network.listen(id, (msg) => machine.receive(msg));
    });
    const plan = tickPlan(spec);
    sink.write(startRecord(spec, plan, { t: startAt - 1, transport: "memory", pid: 0, host: "sim" }));
    runLife(time, machine, spec, plan, {
      drain: false,
      // A tick that throws is a defect of the core: the simulation fails with it.
      onEnd: (end) => {
        if (end.reason === "error") throw end.cause;
      },
    });
    return { id, rate, memory, machine };
  });
  return {
    step: (until) => time.run(Math.min(until, endAt)),
    now: () => time.now(),
    startAt: startAt - 1,
    endAt,
    finish: (reason) =>
      vms.map(({ id, rate, memory, machine }) => {
        const stop = endLife(machine, reason);
        return { id, rate, records: memory?.records ?? [], stop };
      }),
  };
}

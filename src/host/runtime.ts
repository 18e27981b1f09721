import { rmSync } from "node:fs";
import { hostname } from "node:os";
import { SetupError } from "../base/errors.js";
import { createRng, deriveSeed } from "../base/rng.js";
import { logFileName } from "../log/paths.js";
import { cutTornTail, findUnfinishedLog, recoverLog } from "../log/recover.js";
import type { LogRecord, LogSink, StartRecord, StopRecord } from "../log/schema.js";
import { makeDir, openLogFile, removeMade } from "../log/writer.js";
import { type FaultSpec, hasFaults, NO_FAULTS, withFaults } from "../transport/faults.js";
import { isDefaultRegistry, type TransportRegistry } from "../transport/registry.js";
import type { PeerAddress } from "../transport/transport.js";
import { endLife, type LifeSpec, runLife, startRecord, tickPlan } from "../vm/lifecycle.js";
import { Machine } from "../vm/machine.js";
import { chooseRate, type RateSpec } from "../vm/rate.js";
import { createRealTimeSource, type TimeSource } from "../vm/time.js";
import { encodeMessage, peekSeq } from "../wire/codec.js";
import { frameInbox } from "./inbox.js";
import { threadedTransport } from "./io-thread.js";
import { processUsage } from "./usage.js";
import { warmUp } from "./warm-up.js";

/** How long before its start time a VM runs its tick paths once more, at least, and the spread. */
const PRE_ROLL_MS = 150;
const PRE_ROLL_SPREAD_MS = 400;
const PRE_ROLL_PER_VM_MS = 30;
const PRE_ROLL_TICKS = 200;
/** Ticks of the warm-up at start: enough to compile the paths; more only grows the heap. */
const WARM_UP_TICKS = 500;

/** Everything one VM process needs, already validated. */
export interface VmConfig {
  self: PeerAddress;
  peers: PeerAddress[];
  trial: number;
  durationS: number;
  rate: RateSpec;
  seed: number;
  eventRange: number;
  /** Wall time (ms) of the first tick; now when absent. */
  startAt?: number | undefined;
  /** Folder for the log file. */
  logDir: string;
  transport: string;
  gapTimeoutMs: number;
  drainMs: number;
  /** Faults injected on this VM's sends. @default NO_FAULTS */
  faults?: FaultSpec;
  /** Overwrite a crashed incarnation's log instead of continuing it. @default false */
  fresh?: boolean;
  /** Folder of CURVE keys (`clocklab keys`): authenticate peers and sign messages (zmq only). */
  curveDir?: string | undefined;
  /**
   * Run the transport, and the decoding and checking of what arrives, in a thread of its own
   * (io-thread.ts), so that a flood of bad frames does not take the ticks' time. Needs a
   * transport of defaultRegistry()'s: a factory cannot cross to a thread. @default false
   */
  ioThread?: boolean;
}

/** What a finished VM reports. */
export interface VmResult {
  stop: StopRecord;
  logPath: string;
  rate: number;
}

export interface VmEnvironment {
  registry: TransportRegistry;
  /** Aborting ends the VM early with a `stop` record of reason `signal`. */
  signal?: AbortSignal;
  time?: TimeSource;
  /** Called once the VM is listening and its start record is written. */
  onStart?: (start: StartRecord, logPath: string) => void;
}

/**
 * Runs one VM in this process: open the log, listen and connect, tick on schedule, drain,
 * write `stop`, release everything. Setup failures (port in use, unwritable log) reject
 * before any tick with a SetupError.
 */
export async function runVm(config: VmConfig, env: VmEnvironment): Promise<VmResult> {
  const time = env.time ?? createRealTimeSource();
  const epoch = Math.floor(time.now());
  const rng = createRng(deriveSeed(config.seed, config.self.id, config.trial));
  const rate = chooseRate(config.rate, rng);
  const peerIds = config.peers.map((p) => p.id);
  const factory = env.registry.get(config.transport);
  if (factory === undefined) {
    throw new SetupError({ field: "transport", detail: `unknown transport "${config.transport}"` });
  }
  if (config.ioThread === true && !isDefaultRegistry(env.registry)) {
    throw new Error("ioThread: a thread makes its transport from defaultRegistry(), not this registry");
  }

  const curve =
    config.curveDir === undefined
      ? undefined
      : (await import("../transport/curve.js")).loadKeys(config.curveDir, config.self.id, peerIds);
  // Made before anything else (a file in the way is one clear error), and taken away again if
  // the VM never starts.
  const madeDir = makeDir(config.logDir, "logDir");
  // A log of this trial and VM without a `stop` is a crashed incarnation: continue it.
  const unfinished = config.fresh
    ? undefined
    : findUnfinishedLog(config.logDir, config.trial, config.self.id);
  const recovered = unfinished === undefined ? undefined : recoverLog(unfinished);
  const logPath = unfinished ?? logFileName(config.logDir, config.trial, config.self.id, rate);
  let sink: ReturnType<typeof openLogFile>;
  try {
    sink = openLogFile(logPath, recovered !== undefined);
  } catch (err) {
    removeMade(madeDir, config.logDir);
    throw err;
  }
  // Frames may arrive as soon as the transport listens; what they cause is logged after `start`.
  const early: LogRecord[] = [];
  let started = false;
  const gated: LogSink = { write: (r) => (started ? sink.write(r) : early.push(r)) };
  let startAt = Number.POSITIVE_INFINITY;
  const faults = config.faults ?? NO_FAULTS;
  const options = { self: config.self, peers: config.peers, ...(curve === undefined ? {} : { curve }) };
  const bare =
    config.ioThread === true
      ? threadedTransport(config.transport, options, (reason, detail, from, count) =>
          machine.refuse(reason, detail, from, count),
        )
      : factory(options);
  const transport = !hasFaults(faults)
    ? bare
    : withFaults(bare, faults, {
        self: config.self.id,
        // Its own stream, so injecting faults never changes the VM's rate or event draws.
        rng: createRng(deriveSeed(config.seed, `${config.self.id}/faults`, config.trial)),
        now: () => time.now(),
        startAt: () => startAt,
        report: (e) => machine.noteFault(e.kind, e.to, peekSeq(e.frame)),
      });
  const machine: Machine = new Machine(
    {
      id: config.self.id,
      peers: peerIds,
      eventRange: config.eventRange,
      epoch,
      reorder: { gapTimeoutMs: config.gapTimeoutMs },
      ...(recovered === undefined ? {} : { resume: recovered }),
    },
    { now: () => time.now(), rng, outbox: (msg) => transport.send(msg.to, encodeMessage(msg)), sink: gated },
  );
  // The start record is stamped with when listening began, so what arrives before it is written
  // (held in `early`) never has an earlier time than the record it follows.
  const listenedAt = time.now();
  try {
    await transport.start({
      frame: frameInbox(machine, config.self.id, peerIds),
      fault: (detail) => machine.refuse("handshake", detail, undefined),
    });
  } catch (err) {
    sink.close();
    if (recovered === undefined) rmSync(logPath, { force: true });
    removeMade(madeDir, config.logDir);
    throw err;
  }

  warmUp(config.self.id, peerIds, config.eventRange, WARM_UP_TICKS);
  startAt = config.startAt ?? time.now();
  const spec: LifeSpec = {
    id: config.self.id,
    peers: peerIds,
    trial: config.trial,
    seed: config.seed,
    eventRange: config.eventRange,
    rate,
    startAt,
    durationS: config.durationS,
    epoch,
    gapTimeoutMs: config.gapTimeoutMs,
    drainMs: config.drainMs,
  };
  const plan = tickPlan(spec);
  const stamp = { t: listenedAt, transport: transport.name, pid: process.pid, host: hostname(), recovered };
  const start = startRecord(spec, plan, stamp);
  if (recovered !== undefined) cutTornTail(recovered);
  sink.write(start);
  started = true;
  for (const r of early) sink.write(r);
  env.onStart?.(start, logPath);
  // A VM that waited seconds for its start time has gone cold (V8 shrinks an idle heap, the
  // pages come back one fault at a time): run the tick paths again shortly before it, each VM
  // at its own moment (from its id), over a window that grows with the mesh so that many VMs
  // never need the CPU at once.
  const spread = Math.max(PRE_ROLL_SPREAD_MS, PRE_ROLL_PER_VM_MS * (peerIds.length + 1));
  const lead = PRE_ROLL_MS + (deriveSeed(0, config.self.id, 0) % spread);
  const cancelPreRoll =
    startAt - time.now() > lead + 50
      ? time.at(startAt - lead, () => warmUp(config.self.id, peerIds, config.eventRange, PRE_ROLL_TICKS))
      : () => {};

  const reason = await new Promise<{ reason: StopRecord["reason"]; error?: string }>((resolve) => {
    const life = runLife(time, machine, spec, plan, { drain: true, onEnd: resolve });
    const onAbort = (): void => {
      cancelPreRoll();
      life.cancel();
      resolve({ reason: "signal" });
    };
    if (env.signal?.aborted) onAbort();
    env.signal?.addEventListener("abort", onAbort, { once: true });
  });

  const stop = endLife(machine, reason.reason, reason.error, processUsage());
  sink.close();
  await transport.close(reason.reason === "duration" ? undefined : 50);
  return { stop, logPath, rate };
}

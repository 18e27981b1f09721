import { UsageError } from "../base/errors.js";
import type { VmConfig } from "../host/runtime.js";
import { hostPort, parsePeer, parsePort } from "../transport/address.js";
import {
  type FaultSpec,
  type LatencyModel,
  NO_FAULTS,
  type Partition,
  parseLatency,
  parsePartitions,
  parseProbability,
} from "../transport/faults.js";
import { checkEventRange } from "../vm/events.js";
import { checkRateSpec } from "../vm/rate.js";

/**
 * The contract between `run` and the `vm` processes it starts, both ways in one place: toVmArgs
 * writes a VM's configuration as the arguments of `clocklab vm`, fromVmArgs makes the
 * configuration again from those flags once commander has parsed them (src/cli/vm.ts declares
 * them, with their help). fromVmArgs(parse(toVmArgs(config))) is `config`: tested with the real
 * `vm` command's parser in test/run/vm-args.test.ts.
 */

/**
 * The fault flags as given, kept as text: `run` checks them, writes them in run.json as the user
 * gave them, and each VM parses them with the same code as when it is started by hand.
 */
export interface FaultFlags {
  latency?: string;
  loss?: string;
  duplicate?: string;
  partition?: string[];
}

/** The flags of `clocklab vm` as commander hands them over, each already of its type. */
export interface VmFlags extends FaultFlags {
  port: string;
  others: string[];
  trial: number;
  duration: number;
  multiplier: number;
  overridefreq?: number;
  rateMin: number;
  rateMax: number;
  transport: string;
  seed?: number;
  eventRange: number;
  startAt?: number;
  logDir?: string;
  host: string;
  gapTimeout: number;
  drain: number;
  quiet: boolean;
  fresh: boolean;
  curve?: string;
  force: boolean;
  ioThread: boolean;
}

/** How the process itself behaves, beside its VmConfig. */
export interface VmProcessFlags {
  /** Print nothing but errors. */
  quiet?: boolean;
  /** Go past the bounds (`run` checked them for all its VMs). */
  force?: boolean;
}

/** How far from now a start time may lie: more is almost surely a unit mistake (s vs ms). */
const START_AT_WINDOW_MS = 3_600_000;

/** `curveDir` is for the zmq transport only; the others have no authentication to offer. */
export function curveFor<T>(value: T | undefined, transport: string): T | undefined {
  if (value !== undefined && transport !== "zmq") {
    throw new UsageError({
      field: "curveDir",
      detail: (name) => `only the zmq transport authenticates, got ${name("transport")} ${transport}`,
    });
  }
  return value;
}

/** The fault flags as a FaultSpec; a bad one is a UsageError naming its field. */
export function faultSpecFrom(flags: FaultFlags): FaultSpec {
  return {
    latency: flags.latency === undefined ? { kind: "none" } : parseLatency(flags.latency),
    loss: flags.loss === undefined ? 0 : parseProbability("loss", flags.loss),
    duplicate: flags.duplicate === undefined ? 0 : parseProbability("duplicate", flags.duplicate),
    partitions: (flags.partition ?? []).flatMap(parsePartitions),
  };
}

/**
 * A VM's configuration from its parsed flags, checked: ports unique, event range, rate range,
 * start time, keys only with zmq. `now` is wall time (ms); `drawSeed` gives a seed when none was
 * given. Errors name fields (`peers`, `startAt`), which cli/ tells as flags.
 */
export function fromVmArgs(flags: VmFlags, now: number, drawSeed: () => number): VmConfig {
  const port = parsePort(flags.port, "port");
  const peers = flags.others.map((p) => parsePeer(p, flags.host));
  const self = { id: String(port), host: flags.host, port };
  const ids = new Set<string>([self.id]);
  for (const peer of peers) {
    if (ids.has(peer.id)) {
      throw new UsageError({
        field: "peers",
        detail: (name) => `every VM needs its own port, got ${peer.id} twice (or as ${name("port")})`,
      });
    }
    ids.add(peer.id);
  }
  checkEventRange(flags.eventRange, peers.length);
  const rate = {
    fixed: flags.overridefreq,
    min: flags.rateMin,
    max: flags.rateMax,
    multiplier: flags.multiplier,
  };
  checkRateSpec(rate);
  if (flags.startAt !== undefined && Math.abs(flags.startAt - now) > START_AT_WINDOW_MS) {
    throw new UsageError({
      field: "startAt",
      detail: `expected wall time in ms within an hour of now (${Math.round(now)}), got ${flags.startAt}`,
    });
  }
  return {
    self,
    peers,
    trial: flags.trial,
    durationS: flags.duration,
    rate,
    seed: flags.seed ?? drawSeed(),
    eventRange: flags.eventRange,
    startAt: flags.startAt,
    logDir: flags.logDir ?? "logs",
    transport: flags.transport,
    gapTimeoutMs: flags.gapTimeout,
    drainMs: flags.drain,
    faults: faultSpecFrom(flags),
    fresh: flags.fresh,
    curveDir: curveFor(flags.curve, flags.transport),
    ioThread: flags.ioThread,
  };
}

/**
 * The arguments of `clocklab vm` (after the entry script) that make `config` again. A peer on
 * the VM's own host is its bare port; faults are written in the canonical form of their
 * parsers (a two-way partition as its two one-way cuts).
 */
export function toVmArgs(config: VmConfig, how: VmProcessFlags = {}): string[] {
  const { self, rate } = config;
  const peer = (p: VmConfig["peers"][number]) => (p.host === self.host ? String(p.port) : hostPort(p));
  return [
    "vm",
    "--port",
    String(self.port),
    ...(config.peers.length === 0 ? [] : ["--others", ...config.peers.map(peer)]),
    "--trial",
    String(config.trial),
    "--duration",
    String(config.durationS),
    ...(config.startAt === undefined ? [] : ["--start-at", String(config.startAt)]),
    "--seed",
    String(config.seed),
    "--rate-min",
    String(rate.min),
    "--rate-max",
    String(rate.max),
    "--multiplier",
    String(rate.multiplier),
    ...(rate.fixed === undefined ? [] : ["--overridefreq", String(rate.fixed)]),
    "--event-range",
    String(config.eventRange),
    "--transport",
    config.transport,
    "--host",
    self.host,
    "--log-dir",
    config.logDir,
    "--drain",
    String(config.drainMs),
    "--gap-timeout",
    String(config.gapTimeoutMs),
    ...(how.quiet ? ["--quiet"] : []),
    ...(how.force ? ["--force"] : []),
    ...(config.fresh ? ["--fresh"] : []),
    ...faultArgs(config.faults ?? NO_FAULTS),
    ...(config.curveDir === undefined ? [] : ["--curve", config.curveDir]),
    ...(config.ioThread === true ? ["--io-thread"] : []),
  ];
}

/** A fault spec as the fault flags that give it again. */
function faultArgs(faults: FaultSpec): string[] {
  const latency = latencyText(faults.latency);
  return [
    ...(latency === undefined ? [] : ["--latency", latency]),
    ...(faults.loss === 0 ? [] : ["--loss", decimal(faults.loss)]),
    ...(faults.duplicate === 0 ? [] : ["--duplicate", decimal(faults.duplicate)]),
    ...faults.partitions.flatMap((p) => ["--partition", partitionText(p)]),
  ];
}

function latencyText(model: LatencyModel): string | undefined {
  switch (model.kind) {
    case "none":
      return undefined;
    case "constant":
      return decimal(model.ms);
    case "uniform":
      return `uniform:${decimal(model.minMs)}-${decimal(model.maxMs)}`;
    case "exponential":
      return `exp:${decimal(model.meanMs)}`;
  }
}

/** One one-way cut, `A>B@START-END`. */
function partitionText(p: Partition): string {
  return `${p.from}>${p.to}@${decimal(p.startS)}-${decimal(p.endS)}`;
}

/**
 * A number as the fault parsers read it (digits, maybe a point and digits): never an exponent,
 * which String gives below 1e-6 (`1e-7`). The same number comes back from Number().
 */
function decimal(n: number): string {
  const plain = String(n);
  return /e/i.test(plain) ? n.toFixed(20).replace(/\.?0+$/, "") : plain;
}

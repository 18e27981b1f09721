import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** One VM of one trial as run.json recorded it. */
export interface RunInfoVm {
  vm: string;
  rate: number;
  exitCode: number | null;
  signal: string | null;
}

/** One experiment as configured (the rates a trial drew are in its trials). */
export interface RunInfoExperiment {
  name: string;
  vms: number;
  trials: number;
  durationS: number;
  rateMin: number;
  rateMax: number;
  /** Fixed rates, when given instead of drawn ones. */
  rates?: number[];
  eventRange: number;
}

/**
 * What a run folder's run.json says was run, read leniently: run.json is a file on disk, maybe
 * of an older clocklab or hand-edited, so a field that is missing or of another type is left
 * out rather than refusing the logs it describes.
 */
export interface RunInfo {
  /** The run.json read, for the page to name it. */
  file: string;
  status: string;
  mode: "real" | "sim";
  command: string[];
  clocklab?: string;
  seed?: number;
  startedAt?: string;
  finishedAt?: string;
  host?: { hostname: string; platform: string; arch: string; cpus: number; node: string };
  /** How messages travelled: a transport's name (and host), or the simulator's network. */
  transport: string;
  /** Injected faults in words (latency, loss, duplication, partitions); empty when none. */
  faults: string[];
  experiments: RunInfoExperiment[];
  trials: { experiment: string; trial: number; failed: boolean; vms: RunInfoVm[] }[];
}

type Json = Record<string, unknown>;
const obj = (x: unknown): Json =>
  typeof x === "object" && x !== null && !Array.isArray(x) ? (x as Json) : {};
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const str = (x: unknown): string | undefined => (typeof x === "string" ? x : undefined);
const num = (x: unknown): number | undefined => (typeof x === "number" && Number.isFinite(x) ? x : undefined);

/**
 * The run.json of the one folder inspected, or of its parent when an experiment folder of a
 * run was named; undefined for plain log files or folders without one (or not JSON).
 */
export function readRunInfo(paths: readonly string[]): RunInfo | undefined {
  const [only] = paths;
  if (paths.length !== 1 || only === undefined) return undefined;
  const own = readAt(join(only, "run.json"));
  if (own !== undefined) return own;
  const parent = readAt(join(dirname(only), "run.json"));
  return parent?.experiments.some((e) => e.name === basename(only)) ? parent : undefined;
}

function readAt(file: string): RunInfo | undefined {
  try {
    return runInfoOf(JSON.parse(readFileSync(file, "utf8")), file);
  } catch {
    return undefined;
  }
}

/** A RunInfo from parsed run.json (see src/run/manifest.ts for what the run writes). */
export function runInfoOf(json: unknown, file: string): RunInfo | undefined {
  const m = obj(json);
  const status = str(m.status);
  if (status === undefined) return undefined;
  const config = obj(m.config);
  const mode = config.mode === "sim" ? "sim" : "real";
  const host = obj(m.host);
  const hostname = str(host.hostname);
  return {
    file,
    status,
    mode,
    command: arr(m.command).filter((a): a is string => typeof a === "string"),
    ...optional("clocklab", str(m.clocklab)),
    ...optional("seed", num(config.seed)),
    ...optional("startedAt", str(m.startedAt)),
    ...optional("finishedAt", str(m.finishedAt)),
    ...(hostname === undefined
      ? {}
      : {
          host: {
            hostname,
            platform: str(host.platform) ?? "?",
            arch: str(host.arch) ?? "?",
            cpus: num(host.cpus) ?? 0,
            node: str(host.node) ?? "?",
          },
        }),
    transport:
      mode === "sim"
        ? "simulated network in virtual time (no sockets)"
        : `${str(config.transport) ?? "?"} on ${str(config.host) ?? "?"}`,
    faults: mode === "sim" ? simFaults(config.latency) : realFaults(obj(config.faults)),
    experiments: arr(config.experiments).map((e) => {
      const x = obj(e);
      const rates = arr(x.rates).filter((r): r is number => typeof r === "number");
      return {
        name: str(x.name) ?? "?",
        vms: num(x.vms) ?? 0,
        trials: num(x.trials) ?? 0,
        durationS: num(x.durationS) ?? 0,
        rateMin: num(x.rateMin) ?? 0,
        rateMax: num(x.rateMax) ?? 0,
        ...(rates.length > 0 ? { rates } : {}),
        eventRange: num(x.eventRange) ?? 0,
      };
    }),
    trials: arr(m.trials).map((t) => {
      const x = obj(t);
      return {
        experiment: str(x.experiment) ?? "?",
        trial: num(x.trial) ?? 0,
        failed: x.failed === true,
        vms: arr(x.vms).map((v) => {
          const y = obj(v);
          return {
            vm: str(y.vm) ?? "?",
            rate: num(y.rate) ?? Number.NaN,
            exitCode: num(y.exitCode) ?? null,
            signal: str(y.signal) ?? null,
          };
        }),
      };
    }),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [k in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [k in K]?: V };
}

/** The simulator's one fault is its latency model (sim --latency). */
function simFaults(latency: unknown): string[] {
  const l = obj(latency);
  switch (l.kind) {
    case "constant":
      return [`latency fixed at ${num(l.ms) ?? "?"} ms (every message alike)`];
    case "uniform":
      return [`latency uniform ${num(l.minMs) ?? "?"}-${num(l.maxMs) ?? "?"} ms`];
    case "exponential":
      return [`latency exponential, mean ${num(l.meanMs) ?? "?"} ms`];
    default:
      return [];
  }
}

/** The fault flags a real run passed to every VM, as given. */
function realFaults(f: Json): string[] {
  return [
    ...(str(f.latency) === undefined ? [] : [`latency ${str(f.latency)} ms`]),
    ...(str(f.loss) === undefined ? [] : [`loss ${str(f.loss)}`]),
    ...(str(f.duplicate) === undefined ? [] : [`duplicate ${str(f.duplicate)}`]),
    ...arr(f.partition)
      .filter((p): p is string => typeof p === "string")
      .map((p) => `partition ${p}`),
  ];
}

import { type NameOf, SetupError, tellFault, UsageError } from "../base/errors.js";

/**
 * The one place that turns the fields errors below cli/ name (`port`, `logDir`, see FieldFault in
 * src/base/errors.ts) into the flags a user typed. Most fields are the same flag in every command;
 * a few are not, so each command has its own map.
 */

/** Flag names by field (`durationS` -> `--duration`). */
export type FlagNames = Readonly<Record<string, string>>;

/** Fields every command spells the same way (a command has only some of them). */
const COMMON: FlagNames = {
  basePort: "--base-port",
  csv: "--csv",
  curveDir: "--curve",
  duplicate: "--duplicate",
  duckdb: "--duckdb",
  durationS: "--duration",
  eventRange: "--event-range",
  experiment: "--experiment",
  force: "--force",
  host: "--host",
  html: "--html",
  latency: "--latency",
  logDir: "--log-dir",
  loss: "--loss",
  multiplier: "--multiplier",
  partition: "--partition",
  parquet: "--parquet",
  png: "--png",
  port: "--port",
  rateMax: "--rate-max",
  rateMin: "--rate-min",
  rates: "--rates",
  shiviz: "--shiviz",
  startAt: "--start-at",
  transport: "--transport",
  trials: "--trials",
  vms: "--vms",
};

/** `run`, `compare` and `sim`: whole experiments. */
const RUN: FlagNames = {
  ...COMMON,
  /** Records kept in memory: what `--no-logs` asks for. */
  memory: "--no-logs",
  /** The keys folder `run --curve` makes in the run folder. */
  dir: "--curve",
  netns: "--netns",
  netLoss: "--net-loss",
  netRate: "--net-rate",
  netPartition: "--net-partition",
  netDelay: "--net-delay",
};

/** Where a field is a different flag, by command; any other command takes COMMON alone. */
const BY_COMMAND: Readonly<Record<string, FlagNames>> = {
  vm: {
    ...COMMON,
    /** A VM's fixed rate: the one entry of an experiment's `rates`. */
    rates: "--overridefreq",
    peers: "--others",
  },
  run: RUN,
  compare: RUN,
  sim: RUN,
  sweep: {
    ...COMMON,
    /** A sweep keeps every trial in memory, so its length is what to shorten. */
    memory: "--duration",
  },
  keys: { ...COMMON, dir: "--out" },
};

/** The flag names of `command` (undefined: no command, only the fields every command shares). */
export function flagsOf(command: string | undefined): FlagNames {
  return (command === undefined ? undefined : BY_COMMAND[command]) ?? COMMON;
}

/** Names a field by its flag in `flags`; a field without one keeps its own name. */
export function flagNamer(flags: FlagNames): NameOf {
  return (field) => flags[field] ?? field;
}

/**
 * An error from below cli/ about an input (one with a FieldFault), told again with the flags of
 * `flags`; any other value comes back as it was. The error keeps its class and exit code.
 */
export function tellWithFlags(err: unknown, flags: FlagNames): unknown {
  if (!(err instanceof UsageError || err instanceof SetupError) || err.fault === undefined) return err;
  const fields = typeof err.fault.field === "string" ? [err.fault.field] : err.fault.field;
  if (fields.some((field) => flags[field] === undefined)) return err;
  const message = tellFault(err.fault, flagNamer(flags));
  return err instanceof UsageError
    ? new UsageError(message, { cause: err.cause })
    : new SetupError(message, { cause: err.cause, exitCode: err.exitCode });
}

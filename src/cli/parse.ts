import { InvalidArgumentError } from "commander";
import { UsageError } from "../base/errors.js";
import { isHost } from "../transport/address.js";
import { ticksFor } from "../vm/scheduler.js";

/**
 * Value parsers for commander options. Each throws InvalidArgumentError with what was expected
 * and what came; commander prefixes the flag, so the user sees one line naming both.
 */

/** An integer in [min, max]. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `${min}-${max}`;
      throw new InvalidArgumentError(`expected an integer ${range}, got "${value}"`);
    }
    return n;
  };
}

/** A finite number greater than `above` (exclusive) and at most `max`. */
export function positive(above = 0, max = Number.MAX_VALUE): (value: string) => number {
  return (value) => {
    const n = value.trim() === "" ? Number.NaN : Number(value);
    if (!Number.isFinite(n) || n <= above || n > max) {
      const bound = max === Number.MAX_VALUE ? "" : ` and <= ${max}`;
      throw new InvalidArgumentError(`expected a number > ${above}${bound}, got "${value}"`);
    }
    return n;
  };
}

/**
 * Milliseconds from 0 to `max`: a wait longer than that is a unit mistake (s for ms), and Node's
 * timers would take anything past 2^31 - 1 as 1 ms.
 */
export function milliseconds(max: number): (value: string) => number {
  return (value) => {
    const n = value.trim() === "" ? Number.NaN : Number(value);
    if (!Number.isFinite(n) || n < 0 || n > max) {
      throw new InvalidArgumentError(`expected milliseconds from 0 to ${max}, got "${value}"`);
    }
    return n;
  };
}

/** The longest wait a flag in milliseconds takes (`--drain`, `--gap-timeout`): ten minutes. */
export const MAX_WAIT_MS = 600_000;

/** Any text but the empty string (a folder, a name): `what` says what was expected. */
export function nonEmpty(what: string): (value: string) => string {
  return (value) => {
    if (value.trim() === "") throw new InvalidArgumentError(`expected ${what}, got "${value}"`);
    return value;
  };
}

/** What a comma-separated list holds, for its parser and its messages. */
export interface ListSpec<T> {
  /** Parses one item; throws (anything) when the item is not one. */
  item: (value: string) => T;
  /** The whole list, e.g. "two or more rates > 0". */
  what: string;
  /** One item, e.g. "a rate > 0". */
  each: string;
  example: string;
  /** Fewest items. @default 1 */
  min?: number;
}

/**
 * A comma-separated list, e.g. `1,3,6`. An empty item (`1,,3`, `1,2,`) is refused rather than
 * read as 0, and the message says which item is wrong.
 */
export function commaList<T>(spec: ListSpec<T>): (value: string) => T[] {
  return (value) => {
    const fail = (why: string): never => {
      const got = `got "${value}"${why === "" ? "" : ` (${why})`}`;
      throw new InvalidArgumentError(
        `expected ${spec.what} separated by commas (e.g. ${spec.example}), ${got}`,
      );
    };
    if (value.trim() === "") fail("");
    const parsed = value.split(",").map((raw, i) => {
      const s = raw.trim();
      if (s === "") return fail(`item ${i + 1} is empty`);
      try {
        return spec.item(s);
      } catch {
        return fail(`item ${i + 1}, "${s}", is not ${spec.each}`);
      }
    });
    const min = spec.min ?? 1;
    if (parsed.length < min) fail(`${parsed.length} item${parsed.length === 1 ? "" : "s"}`);
    return parsed;
  };
}

/**
 * `--host`: an IP address or a host name. Whether it can be listened on is checked where the VMs
 * listen (run's port check, a VM's own listen).
 */
export function host(value: string): string {
  if (!isHost(value.trim())) {
    throw new InvalidArgumentError(
      `expected an IP address or a host name (e.g. 127.0.0.1, ::1, localhost), got "${value}"`,
    );
  }
  return value.trim();
}

/**
 * The slowest rate a VM can get, for checkSomeTick: `rate` (ticks/s, from the flags `from`) times
 * `multiplier`, and the flags it comes from, e.g. "--rate-min 1 x --multiplier 2".
 */
export function slowestRate(rate: number, from: string, multiplier: number): [number, string] {
  return [rate * multiplier, multiplier === 1 ? from : `${from} x --multiplier ${multiplier}`];
}

/**
 * Refuses a `--duration` that gives the slowest VM no tick: such a trial has nothing to check,
 * and would pass every check. `slowest` is that VM's rate (ticks/s), `from` the flags it comes from.
 */
export function checkSomeTick(durationS: number, slowest: number, from: string): void {
  if (ticksFor(slowest, durationS) >= 1) return;
  const least = Math.ceil(1000 / slowest) / 1000;
  // A rate so small that no duration gives it a tick (1 / rate overflows) has only its rate to say.
  const expected = Number.isFinite(least)
    ? `at least ${least} s, one tick of the slowest VM (rate ${slowest}/s: ${from})`
    : `one tick of the slowest VM, which no duration gives at rate ${slowest}/s (${from})`;
  throw new UsageError(`--duration: expected ${expected}, got "${durationS}"`);
}

/** Collects a variadic option's values, parsing each. */
export function each<T>(parse: (value: string) => T): (value: string, previous: T[] | undefined) => T[] {
  return (value, previous) => [...(previous ?? []), parse(value)];
}

/**
 * Accepts the original single-dash spellings (`-port 5001 -others 5002`): any `-name` whose
 * name is one of the known long options, or `-help`, becomes `--name`. Short flags (`-h`) stay.
 */
export function normalizeSingleDash(args: readonly string[], longNames: ReadonlySet<string>): string[] {
  return args.map((arg) => {
    const m = /^-([a-z][a-z-]+)(=.*)?$/.exec(arg);
    return m !== null && (longNames.has(m[1] as string) || m[1] === "help") ? `-${arg}` : arg;
  });
}

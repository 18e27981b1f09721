import { InvalidArgumentError } from "commander";

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

/** A non-negative finite number (milliseconds and the like). */
export function nonNegative(value: string): number {
  const n = value.trim() === "" ? Number.NaN : Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number >= 0, got "${value}"`);
  return n;
}

/** Collects a variadic option's values, parsing each. */
export function each<T>(parse: (value: string) => T): (value: string, previous: T[] | undefined) => T[] {
  return (value, previous) => [...(previous ?? []), parse(value)];
}

/**
 * Accepts the original single-dash spellings (`-port 5001 -others 5002`): any `-name` whose
 * name is one of the known long options becomes `--name`. Short flags (`-h`) stay as they are.
 */
export function normalizeSingleDash(args: readonly string[], longNames: ReadonlySet<string>): string[] {
  return args.map((arg) => {
    const m = /^-([a-z][a-z-]+)(=.*)?$/.exec(arg);
    return m !== null && longNames.has(m[1] as string) ? `-${arg}` : arg;
  });
}

import type { Located } from "../log/reader.js";

/** One failed expectation, with where it was found (`file:line`). */
export interface Violation {
  where: string;
  message: string;
}

/** The outcome of one check over a trial. */
export interface CheckResult {
  name: string;
  ok: boolean;
  /** How many items the check looked at. */
  checked: number;
  /** How many violations in all; `violations` keeps only the first few. */
  failures: number;
  violations: Violation[];
}

const KEEP = 10;

/** Accumulates one check's results as records stream by. */
export class Collector {
  checked = 0;
  failures = 0;
  readonly violations: Violation[] = [];

  constructor(readonly name: string) {}

  fail(at: Pick<Located, "file" | "line"> | string, message: string): void {
    this.failures += 1;
    const where = typeof at === "string" ? at : `${at.file}:${at.line}`;
    if (this.violations.length < KEEP) this.violations.push({ where, message });
  }

  /** Counts `n` more failures whose details are not kept, with one line (`message`) saying so. */
  more(where: string, n: number, message: string): void {
    this.failures += n;
    if (this.violations.length < KEEP) this.violations.push({ where, message });
  }

  result(): CheckResult {
    const { name, checked, failures, violations } = this;
    return { name, ok: failures === 0, checked, failures, violations: [...violations] };
  }
}

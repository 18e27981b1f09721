import type { CliIo } from "../../src/base/io.js";

/** A CliIo that keeps every line, for in-process CLI tests. */
export function captureIo(): CliIo & { outs: string[]; errs: string[] } {
  const outs: string[] = [];
  const errs: string[] = [];
  return { outs, errs, out: (l) => outs.push(l), err: (l) => errs.push(l), setExitCode: () => {} };
}

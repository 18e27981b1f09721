/**
 * Typed errors. Each names what was wrong and what was expected, so the CLI can print
 * one line and pick the exit code without a stack trace.
 */

/** A bad flag or value given by the user. The CLI prints the message and exits 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly exitCode = 2;
}

/** The environment refused something the VM needs (a port in use, an unwritable log folder). */
export class SetupError extends Error {
  override readonly name = "SetupError";
  readonly exitCode: number;
  constructor(message: string, options: { cause?: unknown; exitCode?: number } = {}) {
    super(message, { cause: options.cause });
    this.exitCode = options.exitCode ?? 2;
  }
}

/** Renders an unknown thrown value as one line, for places that must not print stacks. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
    return `${err.message}${cause}`;
  }
  return String(err);
}

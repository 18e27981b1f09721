/**
 * Typed errors. Each names what was wrong and what was expected, so the CLI can print
 * one line and pick the exit code without a stack trace.
 *
 * Below cli/ an error about an input names the input's field (`port`, `logDir`), never a flag:
 * only cli/ knows flags, and the same field is a different flag in different commands (`rates`
 * is `--rates` to `run` and `--overridefreq` to `vm`). Such an error carries a FieldFault, which
 * cli/ tells again with its flag names (src/cli/flags.ts).
 */

/** Names an input: below cli/ by its field, in cli/ by the command's flag. */
export type NameOf = (field: string) => string;

/** What would get past an error, told as "(use FIELD to TO)": `{ field: "force", to: "go past it" }`. */
export interface FieldHint {
  readonly field: string;
  readonly to: string;
}

/** What an error about inputs says, in parts, so that cli/ can say it with flag names. */
export interface FieldFault {
  /** The input at fault, or inputs at fault together (`["rateMin", "rateMax"]`, told joined by "/"). */
  readonly field: string | readonly [string, ...string[]];
  /** What was expected and what came; a function when it names other inputs (through `name`). */
  readonly detail: string | ((name: NameOf) => string);
  readonly hint?: FieldHint;
}

/** The one line a fault says, each input named by `name` (the field itself by default). */
export function tellFault(fault: FieldFault, name: NameOf = (field) => field): string {
  const fields = typeof fault.field === "string" ? [fault.field] : fault.field;
  const detail = typeof fault.detail === "string" ? fault.detail : fault.detail(name);
  const hint = fault.hint === undefined ? "" : ` (use ${name(fault.hint.field)} to ${fault.hint.to})`;
  return `${fields.map(name).join("/")}: ${detail}${hint}`;
}

/** A bad flag or value given by the user. The CLI prints the message and exits 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly exitCode = 2;
  /** The input at fault, when the error is about one: its message is `tellFault(fault)`. */
  readonly fault: FieldFault | undefined;
  constructor(what: string | FieldFault, options: { cause?: unknown } = {}) {
    super(typeof what === "string" ? what : tellFault(what), { cause: options.cause });
    this.fault = typeof what === "string" ? undefined : what;
  }
}

/** The environment refused something the VM needs (a port in use, an unwritable log folder). */
export class SetupError extends Error {
  override readonly name = "SetupError";
  readonly exitCode: number;
  /** The input at fault, when the error is about one: its message is `tellFault(fault)`. */
  readonly fault: FieldFault | undefined;
  constructor(what: string | FieldFault, options: { cause?: unknown; exitCode?: number } = {}) {
    super(typeof what === "string" ? what : tellFault(what), { cause: options.cause });
    this.exitCode = options.exitCode ?? 2;
    this.fault = typeof what === "string" ? undefined : what;
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

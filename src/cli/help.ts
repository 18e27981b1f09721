import type { Argument, Command, HelpConfiguration, Option } from "commander";
import { UsageError } from "../base/errors.js";

/**
 * How help and commander's own errors read: defaults and lists as a user types them
 * (`zmq,tcp,http`, `logs`), never as JSON; required flags marked; every error on one line in the
 * house form `--flag: expected …, got "…"`.
 */

/** A default value as the user would type it: lists comma-separated, text without quotes. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(describeValue).join(",");
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return String(value);
  }
  return JSON.stringify(value);
}

function shownDefault(defaultValue: unknown, description: string | undefined, boolean: boolean): string {
  if (description !== undefined) return description;
  // A switch's false/true says nothing the flag's own description does not.
  if (defaultValue === undefined || boolean) return "";
  return describeValue(defaultValue);
}

function withExtras(description: string, extras: string[]): string {
  const shown = extras.filter((e) => e !== "");
  if (shown.length === 0) return description;
  return `${description} (${shown.join("; ")})`.trim();
}

/** An option's help line: its description, then required, choices and default. */
function optionDescription(option: Option): string {
  const value = shownDefault(option.defaultValue, option.defaultValueDescription, option.isBoolean());
  return withExtras(option.description, [
    option.mandatory ? "required" : "",
    option.argChoices === undefined ? "" : `one of ${option.argChoices.join(", ")}`,
    value === "" ? "" : `default: ${value}`,
  ]);
}

/** An argument's help line, in the same form. */
function argumentDescription(argument: Argument): string {
  const value = shownDefault(argument.defaultValue, argument.defaultValueDescription, false);
  return withExtras(argument.description, [
    argument.argChoices === undefined ? "" : `one of ${argument.argChoices.join(", ")}`,
    value === "" ? "" : `default: ${value}`,
  ]);
}

/**
 * The one seed policy of run, compare, sim and sweep: drawn anew unless given, and printed. A
 * fixed default would make a second run a copy of the first that looks like new evidence.
 */
export const SEED_HELP =
  "seed of every draw (default: a new one each time, printed at the end, so that running again gives a new sample; --seed N repeats its draws)";

export const helpConfiguration: HelpConfiguration = { optionDescription, argumentDescription };

/** `--port <port>` → `--port`: the flag as the user types it. */
function flagOf(flags: string): string {
  return /--[\w-]+/.exec(flags)?.[0] ?? flags.split(/[ ,]/)[0] ?? flags;
}

/**
 * Commander's error message as one line of the house form. `command` is the command's name as
 * typed after `clocklab` (empty for the program itself), to point at its help.
 */
export function errorLine(message: string, command: string): string {
  const text = message.replace(/^error: /, "").trim();
  const help = `clocklab ${command === "" ? "" : `${command} `}--help`;
  let m = /^option '([^']+)' argument '([\s\S]*)' is invalid\. ([\s\S]*)$/.exec(text);
  if (m !== null) {
    const [, flags = "", value = "", why = ""] = m;
    const choices = /^Allowed choices are ([\s\S]*)\.$/.exec(why);
    const expected = choices === null ? why : `expected one of ${choices[1]}, got "${value}"`;
    return `${flagOf(flags)}: ${expected}`;
  }
  m = /^option '([^']+)' argument missing$/.exec(text);
  if (m !== null) {
    const flags = m[1] ?? "";
    return `${flagOf(flags)}: expected a value after it (${flags}), got nothing`;
  }
  m = /^required option '([^']+)' not specified$/.exec(text);
  if (m !== null) {
    const flags = m[1] ?? "";
    return `${flagOf(flags)}: expected ${flags} (required), got nothing; see ${help}`;
  }
  m = /^unknown option '([^']+)'\s*(?:\(Did you mean ([^?]+)\?\))?$/.exec(text);
  if (m !== null) {
    const hint = m[2] === undefined ? "" : `, did you mean ${m[2]}?`;
    return `${m[1]}: unknown option${command === "" ? "" : ` of ${command}`}${hint}; see ${help}`;
  }
  m = /^unknown command '([^']+)'\s*(?:\(Did you mean ([^?]+)\?\))?$/.exec(text);
  if (m !== null) {
    const hint = m[2] === undefined ? "" : `, did you mean ${m[2]}?`;
    return `unknown command "${m[1]}"${hint}; see clocklab --help`;
  }
  return text.replace(/\s*\n\s*/g, " ");
}

/**
 * Refuses words a command takes no argument for (`clocklab vm --port 5001 5002`), naming the
 * first: usually a value whose flag was forgotten. Commander's own message does not name it.
 */
export function refuseStrayArguments(command: Command): void {
  if (command.registeredArguments.length > 0) return;
  command.allowExcessArguments(true).hook("preAction", (_, action) => {
    const [first] = action.args;
    if (first !== undefined) {
      throw new UsageError(
        `${action.name()}: expected only flags, got "${first}" (a value without its flag?)`,
      );
    }
  });
}

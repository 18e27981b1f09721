import { Command, CommanderError } from "commander";
import { describeError, SetupError, UsageError } from "../base/errors.js";
import type { CliIo } from "../base/io.js";
import { VERSION } from "../base/version.js";
import { defaultRegistry, type TransportRegistry } from "../transport/registry.js";
import { flagsOf, tellWithFlags } from "./flags.js";
import { errorLine, helpConfiguration, refuseStrayArguments } from "./help.js";
import { normalizeSingleDash } from "./parse.js";

type CommandMaker = (registry: TransportRegistry, io: CliIo) => Promise<Command>;

/**
 * Every command, loaded when the program is built: a VM process (`clocklab vm`, the one started
 * dozens of times) loads only its own module, not the analysis, report and run code.
 */
const COMMANDS: Record<string, CommandMaker> = {
  vm: async (registry, io) => (await import("./vm.js")).vmCommand(registry, io),
  run: async (registry, io) => (await import("./run.js")).runCommand(registry, io),
  inspect: async (_, io) => (await import("./inspect.js")).inspectCommand(io),
  compare: async (registry, io) => (await import("./compare.js")).compareCommand(registry, io),
  sim: async (_, io) => (await import("./sim.js")).simCommand(io),
  sweep: async (_, io) => (await import("./sweep.js")).sweepCommand(io),
  keys: async (_, io) => (await import("./keys.js")).keysCommand(io),
  serve: async (_, io) => (await import("./serve.js")).serveCommand(io),
};

/** Builds the `clocklab` program with its commands (with `only`, that command alone). */
export async function buildProgram(
  io: CliIo,
  registry: TransportRegistry = defaultRegistry(),
  only?: string,
): Promise<Command> {
  // One line for every error, commander's own included, in the house form (see help.ts).
  const output = (command: string) => ({
    writeOut: (s: string) => io.out(s.trimEnd()),
    writeErr: (s: string) => io.err(s.trimEnd()),
    outputError: (s: string, write: (s: string) => void) => write(`clocklab: ${errorLine(s, command)}\n`),
  });
  const program = new Command("clocklab")
    .description("Lamport and vector clocks on a small asynchronous distributed system")
    .version(VERSION)
    .configureOutput(output(""))
    .configureHelp(helpConfiguration)
    .exitOverride();
  const names = only !== undefined && Object.hasOwn(COMMANDS, only) ? [only] : Object.keys(COMMANDS);
  for (const name of names) program.addCommand(await (COMMANDS[name] as CommandMaker)(registry, io));
  for (const command of program.commands) {
    command.exitOverride().configureOutput(output(command.name())).configureHelp(helpConfiguration);
    refuseStrayArguments(command);
  }
  return program;
}

function longNames(program: Command): Set<string> {
  const names = new Set<string>();
  for (const command of [program, ...program.commands]) {
    for (const option of command.options) if (option.long) names.add(option.long.replace(/^--/, ""));
  }
  return names;
}

/**
 * Runs the CLI on `args` (without node and script) and returns the exit code:
 * 0 success, 1 failure, 2 bad usage (one line on stderr, no stack trace).
 */
export async function main(
  args: readonly string[],
  io: CliIo,
  registry?: TransportRegistry,
): Promise<number> {
  let code = 0;
  // A command needs only its own module (`clocklab vm` is started dozens of times); help and
  // unknown commands get them all.
  const only = args[0] !== undefined && Object.hasOwn(COMMANDS, args[0]) ? args[0] : undefined;
  const program = await buildProgram({ ...io, setExitCode: (c) => (code = c) }, registry, only);
  try {
    await program.parseAsync(normalizeSingleDash(args, longNames(program)), { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.exitCode === 0
        ? 0
        : 2;
    }
    if (err instanceof UsageError || err instanceof SetupError) {
      // An error from below cli/ names a field; the user typed a flag of this command.
      io.err(`clocklab: ${describeError(tellWithFlags(err, flagsOf(only)))}`);
      return err.exitCode;
    }
    io.err(`clocklab: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}

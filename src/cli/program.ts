import { Command, CommanderError } from "commander";
import { describeError, SetupError, UsageError } from "../errors.js";
import { defaultRegistry, type TransportRegistry } from "../transport/registry.js";
import { VERSION } from "../version.js";
import { compareCommand } from "./compare.js";
import { inspectCommand } from "./inspect.js";
import type { CliIo } from "./io.js";
import { keysCommand } from "./keys.js";
import { normalizeSingleDash } from "./parse.js";
import { runCommand } from "./run.js";
import { simCommand } from "./sim.js";
import { sweepCommand } from "./sweep.js";
import { vmCommand } from "./vm.js";

/** Builds the `clocklab` program with its commands. */
export function buildProgram(io: CliIo, registry: TransportRegistry = defaultRegistry()): Command {
  const output = {
    writeOut: (s: string) => io.out(s.trimEnd()),
    writeErr: (s: string) => io.err(s.trimEnd()),
    // One prefix for every error line, commander's own included.
    outputError: (s: string, write: (s: string) => void) => write(s.replace(/^error: /, "clocklab: ")),
  };
  const program = new Command("clocklab")
    .description("Lamport and vector clocks on a small asynchronous distributed system")
    .version(VERSION)
    .configureOutput(output)
    .exitOverride();
  program.addCommand(vmCommand(registry, io));
  program.addCommand(runCommand(registry, io));
  program.addCommand(inspectCommand(io));
  program.addCommand(compareCommand(registry, io));
  program.addCommand(simCommand(io));
  program.addCommand(sweepCommand(io));
  program.addCommand(keysCommand(io));
  for (const command of program.commands) {
    command.exitOverride().configureOutput(output);
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
  const program = buildProgram({ ...io, setExitCode: (c) => (code = c) }, registry);
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
      io.err(`clocklab: ${describeError(err)}`);
      return err.exitCode;
    }
    io.err(`clocklab: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}

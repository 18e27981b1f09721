import { Command } from "commander";
import { inspectPaths } from "../analysis/inspect.js";
import { makeStyle, renderText } from "../analysis/render-text.js";
import type { CliIo } from "./io.js";

interface InspectOptions {
  json: boolean;
  color: boolean;
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function wantColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? "") === "";
}

/** `clocklab inspect`: checks and statistics of a run's logs. */
export function inspectCommand(io: CliIo): Command {
  return new Command("inspect")
    .description("check a run's logs against the clock rules and report jumps, drift, queues, latency")
    .argument("[paths...]", "run folder, experiment folder or log files", ["logs/latest"])
    .option("--json", "print the report as JSON (same content as the tables)", false)
    .option("--no-color", "no colour, even on a terminal")
    .addHelpText(
      "after",
      `
Checks (any failure: exit 1): readable (no torn lines), structure (start first, stop last, ticks
numbered), lamport (local +1, receive max+1), vector, messages (each receive matches one send with
the same stamp and a larger clock), fifo per link, conservation (sent = received + pending + gap,
per link), tick-fidelity (ticks = floor(rate x duration), none early), wall-time (never goes back).

Examples:
  clocklab inspect                        # the newest run (logs/latest)
  clocklab inspect logs/<run>/standard    # one experiment
  clocklab inspect --json logs/<run> > report.json`,
    )
    .action(async (paths: string[], opts: InspectOptions) => {
      const progress = (done: number, total: number) => {
        if (total > 3 && process.stderr.isTTY) process.stderr.write(`\rinspect: trial ${done}/${total}`);
      };
      const report = await inspectPaths(paths, {}, progress);
      if (process.stderr.isTTY) process.stderr.write("\r\u001b[K");
      if (opts.json) io.out(JSON.stringify(report, null, 2));
      else io.out(renderText(report, makeStyle(opts.color && wantColour(process.stdout, process.env))));
      io.setExitCode(report.ok ? 0 : 1);
    });
}

import { randomInt } from "node:crypto";
import { Command, Option } from "commander";
import type { CliIo } from "../base/io.js";
import { runExperiments } from "../run/orchestrator.js";
import { selfEntry } from "../run/trial.js";
import type { TransportRegistry } from "../transport/registry.js";
import { flagged, RUN_FLAGS } from "./bounds.js";
import {
  addExperimentOptions,
  checkRunBounds,
  liveTerminal,
  type RunOptions,
  runConfigFromOptions,
} from "./experiment-options.js";
import { host, integer } from "./parse.js";
import { untilSignal } from "./signals.js";
import { startUi, UI_DEFAULTS } from "./ui.js";

/** `run`'s own flags besides the experiment's: the transport and the live page. */
interface RunOnlyOptions extends RunOptions {
  ui?: boolean;
  uiPort: number;
  uiHost: string;
}

/** `clocklab run`: whole experiments, one OS process per VM, a live view, a run folder. */
export function runCommand(registry: TransportRegistry, io: CliIo): Command {
  const names = [...registry.keys()];
  const command = new Command("run").description(
    "run whole experiments: every trial's VMs as processes, live view, run folder, summary",
  );
  addExperimentOptions(command)
    .addOption(new Option("--transport <name>", "message bus").choices(names).default(names[0]))
    .option(
      "--curve [dir]",
      "authenticate (zmq): keys from `clocklab keys` in dir, or made for this run in its folder",
    )
    .option("--ui", "watch the run live in a browser: serves a page and prints its address")
    .option("--ui-port <port>", "port of the live page (0: any free port; implies --ui)", integer(0, 65535))
    .option(
      "--ui-host <host>",
      `address the live page listens on (implies --ui) (default: ${UI_DEFAULTS.host})`,
      host,
    );
  return command
    .addHelpText(
      "after",
      `
Presets (flags override them):
  standard           3 VMs, rates 1-6, event range 10 (7/10 internal), 5 trials x 60 s
  smaller-variation  3 VMs, rates 4-6, event range 5 (2/5 internal), 5 trials x 60 s
  all                both, into one run folder

Examples:
  clocklab run                                     # the standard experiment
  clocklab run --experiment all --trials 1 --duration 5
  clocklab run --vms 5 --rates 1,2,3,5,8 --duration 30 --seed 7
  clocklab run --trials 1 --duration 20 --loss 0.05 --latency 20 --partition 5001-5002@5-10
  clocklab run --ui                                # and watch it at http://127.0.0.1:${UI_DEFAULTS.port}/

Writes logs/<timestamp>-<experiment>/ with one folder per experiment, run.json (configuration,
seeds, host, rates, timings, exit status of every VM) and report.html; logs/latest points at it.
With --ui, a page shows the run as it happens: every VM's clock, lag, queue and jumps, the
space-time diagram growing, each trial's findings as it ends; at the end the open pages turn
into the report, and the page's server stops with the run. Open it on a projector in a lecture.
Past runs: clocklab serve.
Ctrl-C stops every VM cleanly (each writes its stop record) and marks the run interrupted.
Exit status: 0 all good, 1 a VM failed or a check failed, 2 bad usage, 130 interrupted.`,
    )
    .action(async (opts: RunOnlyOptions) => {
      const config = runConfigFromOptions(opts, () => randomInt(0, 2 ** 31));
      checkRunBounds(config, io);
      const tty = liveTerminal(opts.color);
      // Before any VM starts: a taken port stops the run with nothing begun.
      const ui =
        opts.ui === true || opts.uiPort !== undefined || opts.uiHost !== undefined
          ? await startUi(opts.uiHost ?? UI_DEFAULTS.host, opts.uiPort ?? UI_DEFAULTS.port, config, io)
          : undefined;
      // The orchestrator checks the host and the ports before it makes the run folder.
      const result = await untilSignal((signal) =>
        flagged(RUN_FLAGS, () =>
          runExperiments(config, {
            io,
            signal,
            entry: selfEntry(),
            tty,
            command: process.argv.slice(2),
            ...(ui === undefined ? {} : { observer: ui.feed }),
          }),
        ),
      ).finally(() => ui?.close());
      if (opts.seed === undefined)
        io.out(`seed ${config.seed} (drawn; --seed ${config.seed} repeats this run)`);
      if (ui !== undefined)
        io.out(
          `live page closed with the run; \`clocklab serve ${config.logDir}\` shows this run and earlier ones`,
        );
      io.setExitCode(result.code);
    });
}

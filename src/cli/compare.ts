import { randomInt } from "node:crypto";
import { join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { compareGrid, compareTransports } from "../analysis/compare.js";
import { inspectPaths } from "../analysis/inspect.js";
import { formatTable } from "../analysis/table.js";
import type { CliIo } from "../base/io.js";
import { makeDir } from "../log/writer.js";
import { loadReport } from "../report/load.js";
import { pointLatest, runExperiments, runStamp } from "../run/orchestrator.js";
import { checkPortsFree, runPorts } from "../run/ports.js";
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
import { commaList } from "./parse.js";
import { untilSignal } from "./signals.js";

/** `clocklab compare`: the same seeded experiment over several transports, side by side. */
export function compareCommand(registry: TransportRegistry, io: CliIo): Command {
  const names = [...registry.keys()];
  const list = commaList({
    item: (name) => {
      if (!registry.has(name)) throw new InvalidArgumentError(name);
      return name;
    },
    what: `transports among ${names.join(", ")}`,
    each: `one of ${names.join(", ")}`,
    example: names.join(","),
  });
  const transports = (value: string): string[] => [...new Set(list(value))];
  const command = new Command("compare").description(
    "run the same seeded experiment on several transports and compare them side by side",
  );
  addExperimentOptions(command)
    .option("--transports <list>", "transports to compare, comma-separated", transports, names)
    .addHelpText(
      "after",
      `
Every transport runs the same configuration with the same seed: the same rates and the same event
draws per VM, so differences come from the transport alone. Results go to
logs/<timestamp>-compare/<transport>/<experiment>/, with one report.html that leads with the table.

Example:
  clocklab compare --transports zmq,tcp,http --trials 2 --duration 10 --seed 1`,
    )
    .action(async (opts: RunOptions & { transports: string[] }) => {
      const seed = opts.seed ?? randomInt(0, 2 ** 31);
      const base = runConfigFromOptions({ ...opts, seed }, () => seed);
      checkRunBounds(base, io, opts.transports.length);
      const dir = join(opts.logDir, `${runStamp(new Date())}-compare`);
      // The host and the ports (each transport's run checks them again) and the folder, before
      // the first header: a refused compare prints nothing and leaves nothing behind.
      await flagged(RUN_FLAGS, async () => {
        await checkPortsFree(base.host, runPorts(base));
        makeDir(dir, "logDir");
      });
      let code = 0;
      for (const transport of opts.transports) {
        const config = {
          ...runConfigFromOptions({ ...opts, transport, seed }, () => seed),
          runDir: join(dir, transport),
          html: false,
        };
        io.out(`== ${transport}`);
        const result = await untilSignal((signal) =>
          flagged(RUN_FLAGS, () =>
            runExperiments(config, {
              io,
              signal,
              entry: selfEntry(),
              tty: liveTerminal(opts.color),
              command: process.argv.slice(2),
              summary: false,
            }),
          ),
        );
        code = Math.max(code, result.code);
        if (result.code === 130) {
          io.setExitCode(130);
          return;
        }
      }
      pointLatest(dir);
      const report = await inspectPaths([dir]);
      const rows = compareTransports(report.trials, opts.transports);
      const table = compareGrid(rows);
      io.out("");
      io.out(`Comparison (seed ${seed}; latency p50 is the mean over trials, p99 and max the largest):`);
      io.out(formatTable(table.headers, table.rows));
      if (opts.html) {
        const { renderCharts, writeHtml } = await loadReport();
        const path = writeHtml(join(dir, "report.html"), report, await renderCharts(report), {
          title: "Transports side by side",
          note: `Same configuration and seed (${seed}) on every transport. Latency p50 is the mean over trials; p99 and max are the largest of any trial.`,
          table,
        });
        io.out(`report: ${path}`);
      }
      io.out(`logs: ${dir}`);
      io.setExitCode(rows.every((r) => r.checksPass) ? code : Math.max(code, 1));
    });
  return command;
}

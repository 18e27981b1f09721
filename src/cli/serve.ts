import { statSync } from "node:fs";
import { Command } from "commander";
import { UsageError } from "../base/errors.js";
import type { CliIo } from "../base/io.js";
import { ListenError } from "../live/http.js";
import { startServe } from "../live/serve-app.js";
import { RUN_DEFAULTS } from "../run/config.js";
import { host, integer } from "./parse.js";
import { untilSignal } from "./signals.js";
import { UI_DEFAULTS } from "./ui.js";

interface ServeOptions {
  port: number;
  host: string;
}

/** Beside `run --ui`'s port, so a run can be watched while past runs are open. */
const SERVE_PORT = UI_DEFAULTS.port + 1;

/** `clocklab serve`: past runs and their reports in a browser, until Ctrl-C. */
export function serveCommand(io: CliIo): Command {
  return new Command("serve")
    .description("serve the run folders of a logs folder in a browser: each run's report, trials and logs")
    .argument("[logdir]", "folder of run folders", RUN_DEFAULTS.logDir)
    .option("--port <port>", "port to listen on (0: any free port)", integer(0, 65535), SERVE_PORT)
    .option(
      "--host <host>",
      "address to listen on; another machine can connect only if it is not loopback",
      host,
      UI_DEFAULTS.host,
    )
    .addHelpText(
      "after",
      `
Lists every run folder of LOGDIR (newest first) with its status and what ran; each run opens
its report (the one the run wrote, or one made when asked), each trial's own report and its
log files. Only GET requests, only files inside LOGDIR, never a key file. Ctrl-C stops it.

Examples:
  clocklab serve                      # logs/ at http://127.0.0.1:${SERVE_PORT}/
  clocklab serve /tmp/runs --port 9000
  clocklab run --ui                   # a run as it happens (its own page)`,
    )
    .action(async (logDir: string, opts: ServeOptions) => {
      let isDir = false;
      try {
        isDir = statSync(logDir).isDirectory();
      } catch {
        throw new UsageError(
          `serve: no such folder "${logDir}" (run folders go in ${RUN_DEFAULTS.logDir}/ by default)`,
        );
      }
      if (!isDir) throw new UsageError(`serve: "${logDir}" is a file; expected a folder of run folders`);
      const server = await startServe(logDir, opts.host, opts.port).catch((err: unknown) => {
        if (err instanceof ListenError) {
          throw new UsageError(`${err.field === "host" ? "--host" : "--port"}: ${err.message}`);
        }
        throw err;
      });
      io.out(`serving ${logDir} at ${server.url} (Ctrl-C stops)`);
      await untilSignal(
        (signal) =>
          new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true })),
      );
      await server.close();
      io.out("serve: stopped");
    });
}

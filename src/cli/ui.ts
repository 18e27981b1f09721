import { UsageError } from "../base/errors.js";
import type { CliIo } from "../base/io.js";
import { ListenError } from "../live/http.js";
import { type LiveUi, startLiveUi } from "../live/live-app.js";
import type { RunConfig } from "../run/config.js";

/** Where `run --ui` serves its page unless told otherwise: loopback only. */
export const UI_DEFAULTS = { host: "127.0.0.1", port: 8080 };

/**
 * Starts `run --ui`'s page server, before any VM: a port the VMs will use, or one that is taken,
 * is one line naming --ui-port (exit 2).
 */
export async function startUi(host: string, port: number, config: RunConfig, io: CliIo): Promise<LiveUi> {
  const most = Math.max(...config.experiments.map((e) => e.vms));
  if (port >= config.basePort && port < config.basePort + most) {
    throw new UsageError(
      `--ui-port: ${port} is one of the VMs' ports (${config.basePort}-${config.basePort + most - 1}); choose another, or move them with --base-port`,
    );
  }
  let ui: LiveUi;
  try {
    ui = await startLiveUi(host, port, (message) => io.err(`clocklab: ${message}`));
  } catch (err) {
    if (err instanceof ListenError) {
      throw new UsageError(`${err.field === "host" ? "--ui-host" : "--ui-port"}: ${err.message}`);
    }
    throw err;
  }
  io.out(`live: ${ui.url} (open it in a browser; open pages turn into the report when the run ends)`);
  return ui;
}

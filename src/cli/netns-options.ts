import type { Command } from "commander";
import { UsageError } from "../base/errors.js";
import type { ExperimentConfig, RunConfig } from "../run/config.js";
import { netConditionsFrom } from "../run/netns/spec.js";
import { runPorts } from "../run/ports.js";

/** `--netns` and the kernel-level conditions it makes possible, as commander parses them. */
export interface NetnsOptions {
  netns?: boolean;
  netLoss?: string[];
  netRate?: string;
  netPartition?: string[];
  netDelay?: string;
}

const repeat = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Adds `--netns` and the `--net-*` conditions to `run` or `compare`. */
export function addNetnsOptions(command: Command): Command {
  return command
    .option(
      "--netns",
      "each VM in its own network namespace, joined by veth links to a bridge of the run's own (needs root); the --net-* conditions act on its packets. Without netem in the kernel (as on the machine this was built on) there is no kernel delay or jitter: delay stays the application-level --latency",
    )
    .option(
      "--net-loss <p>",
      "kernel packet loss (nftables): P on every link, or A-B:P on one link (both ways), e.g. 0.05 or 5001-5002:0.2; repeatable",
      repeat,
    )
    .option("--net-rate <rate>", "bandwidth each VM may send (tc tbf), e.g. 1mbit, 500kbit")
    .option(
      "--net-partition <cut>",
      "drop every packet between A and B during START-END seconds of each trial, e.g. 5001-5002@5-10; repeatable",
      repeat,
    )
    .option(
      "--net-delay <ms>",
      "kernel delay MS or MS:JITTER (ms), only where the kernel has netem: refused (exit 2) where it has none",
    );
}

const CONDITIONS = ["netLoss", "netRate", "netPartition", "netDelay"] as const;

/**
 * The `netns` part of a run's configuration. Conditions without `--netns`, or `--netns` without
 * root, are one line and exit 2, before anything starts.
 */
export function netnsConfig(
  opts: NetnsOptions,
  experiments: ExperimentConfig[],
  basePort: number,
  uid = process.getuid?.(),
): Pick<RunConfig, "netns"> {
  if (opts.netns !== true) {
    const given = CONDITIONS.find((c) => opts[c] !== undefined);
    if (given !== undefined) {
      throw new UsageError({
        field: given,
        detail: (name) => `acts on the packets between VMs in namespaces: add ${name("netns")}`,
      });
    }
    return {};
  }
  const ids = runPorts({ experiments, basePort }).map(String);
  const netns = netConditionsFrom(
    { loss: opts.netLoss, rate: opts.netRate, partition: opts.netPartition, delay: opts.netDelay },
    ids,
  );
  if (uid !== 0) {
    throw new UsageError({
      field: "netns",
      detail: "network namespaces need root: run as root (e.g. sudo), or leave it out",
    });
  }
  return { netns };
}

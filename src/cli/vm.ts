import { Command, Option } from "commander";
import type { CliIo } from "../base/io.js";
import { runVm, type VmConfig } from "../host/runtime.js";
import { formatRate } from "../log/paths.js";
import { MAX_REAL_RATE, type PlannedExperiment } from "../run/bounds.js";
import { curveFor, fromVmArgs, type VmFlags } from "../run/vm-args.js";
import { DEFAULT_HOST } from "../transport/address.js";
import type { TransportRegistry } from "../transport/registry.js";
import { DEFAULT_DRAIN_MS } from "../vm/lifecycle.js";
import { DEFAULT_RATE } from "../vm/rate.js";
import { wallNow } from "../vm/time.js";
import { DEFAULT_GAP_TIMEOUT_MS } from "../wire/reorder.js";
import { checkBounds, flagged, withFlag } from "./bounds.js";
import { addFaultOptions } from "./fault-options.js";
import { flagsOf } from "./flags.js";
import {
  checkSomeTick,
  host,
  integer,
  MAX_WAIT_MS,
  milliseconds,
  nonEmpty,
  positive,
  slowestRate,
} from "./parse.js";
import { untilSignal } from "./signals.js";

export { curveFor };

/**
 * Turns parsed flags into a VM configuration (fromVmArgs, the other half of toVmArgs) and refuses
 * a duration that gives the slowest rate no tick, or throws a UsageError naming the flag.
 */
export function vmConfigFromOptions(opts: VmFlags, now: number, drawSeed: () => number): VmConfig {
  try {
    const config = fromVmArgs(opts, now, drawSeed);
    checkSomeTick(
      opts.duration,
      ...(opts.overridefreq === undefined
        ? slowestRate(opts.rateMin, `--rate-min ${opts.rateMin}`, opts.multiplier)
        : slowestRate(opts.overridefreq, `--overridefreq ${opts.overridefreq}`, opts.multiplier)),
    );
    return config;
  } catch (err) {
    throw withFlag(err, VM_FLAGS);
  }
}

/** The fields of errors below cli/ as the vm command spells them. */
const VM_FLAGS = flagsOf("vm");

/** One VM's worst case for the bounds: the top of its rate range, or its fixed rate. */
function vmPlan(config: VmConfig): PlannedExperiment {
  const { fixed, max, multiplier } = config.rate;
  return {
    trials: 1,
    durationS: config.durationS,
    rates: [(fixed ?? max) * multiplier],
    fixed: fixed !== undefined,
    multiplier,
    mesh: config.peers.length + 1,
  };
}

/**
 * The flags of `clocklab vm`, with their help, and no action yet: the parser of what toVmArgs
 * writes (src/run/vm-args.ts), for vmCommand and for the test of that contract.
 */
export function vmFlagsCommand(registry: TransportRegistry): Command {
  const names = [...registry.keys()];
  const command = new Command("vm")
    .description("run one virtual machine: tick at its own rate, exchange messages, log every event")
    .usage("--port <port> [--others <peers...>] [options]")
    .requiredOption("--port <port>", "port this VM listens on; also its id")
    .option(
      "--others <peers...>",
      "peer addresses, PORT or HOST:PORT, in the order the event draw uses (none: a VM alone)",
      [],
    )
    .option("--trial <n>", "trial number, for the log file name", integer(1), 1)
    .option("--duration <s>", "seconds of ticking", positive(0), 60)
    .option("--multiplier <m>", "multiply the chosen tick rate", positive(0), 1)
    .option("--overridefreq <f>", "fixed tick rate (ticks/s) instead of a random one", positive(0))
    .option("--rate-min <n>", "lowest random rate (ticks/s)", integer(1), DEFAULT_RATE.min)
    .option("--rate-max <n>", "highest random rate (ticks/s)", integer(1), DEFAULT_RATE.max)
    .addOption(new Option("--transport <name>", "message bus").choices(names).default(names[0]))
    .option(
      "--seed <n>",
      "seed of the rate and event draws (default: drawn anew, in the start record)",
      integer(0),
    )
    .option(
      "--event-range <r>",
      "draw events from 1..r; 1..P send, P+1 broadcast, rest internal",
      integer(1),
      10,
    )
    .option(
      "--start-at <ms>",
      "wall time (ms since epoch) of the first tick, shared by a trial's VMs",
      positive(0),
    )
    .option("--log-dir <dir>", "folder for the log file", nonEmpty("a folder"), "logs")
    .option(
      "--host <host>",
      "address to listen on (IP or name), and host of peers given as bare ports",
      host,
      DEFAULT_HOST,
    )
    .option(
      "--gap-timeout <ms>",
      "wait this long for a missing seq before logging a gap",
      milliseconds(MAX_WAIT_MS),
      DEFAULT_GAP_TIMEOUT_MS,
    )
    .option(
      "--drain <ms>",
      "keep receiving this long after the last tick",
      milliseconds(MAX_WAIT_MS),
      DEFAULT_DRAIN_MS,
    )
    .option("--quiet", "print nothing but errors", false)
    .option("--fresh", "overwrite a crashed run's log of this trial instead of resuming it", false)
    .option("--force", `go past the bounds (${MAX_REAL_RATE} ticks/s, ticks per trial, free disk)`, false)
    .option("--curve <dir>", "CURVE keys from `clocklab keys`: admit only peers' keys, sign each message")
    .option(
      "--io-thread",
      "the network I/O in a thread of its own, so that refusing a flood of bad frames does not take the ticks' time (costs each VM about 12 MB, some CPU and 1 ms of message latency)",
      false,
    );
  return addFaultOptions(command).addHelpText(
    "after",
    `
Examples:
  clocklab vm --port 5001 --others 5002 5003 --duration 10
  clocklab vm -port 5001 -others 5002 5003 -trial 1 -duration 60 -multiplier 1 -overridefreq 3

Each tick does one thing: take one message off the queue (clock = max(clock, msg) + 1), or draw
v in 1..r: v <= P sends to peer v, v = P+1 sends to all peers, else an internal event.
The log goes to <log-dir>/trial-<n>_vm-<port>_rate-<r>.jsonl.

Crash and restart: a VM killed without its stop record (kill -9, a crash) leaves a log that
ends mid-trial. Started again with the same --port, --trial and --log-dir, it resumes: it
appends to that log with a new epoch, continues its Lamport and vector clocks and each
sender's sequence from what was logged, and its peers reject messages of the old epoch.
--fresh starts over instead.

Authentication (zmq): clocklab keys --ports 5001,5002,5003 --out keys, then --curve keys on
each VM. A VM then encrypts its links, lets in only its peers' public keys, and checks that
each message was signed by the key of the VM it claims to come from.

Floods: every bad frame is refused and counted, in a few records a second. With --io-thread
that work is done beside the thread that ticks, so a flood makes this VM's ticks about as late
as any other process's on the machine: worth it on a port others can reach, not needed on
loopback in a classroom.`,
  );
}

/** `clocklab vm`: one virtual machine in this process. */
export function vmCommand(registry: TransportRegistry, io: CliIo): Command {
  return vmFlagsCommand(registry).action(async (opts: VmFlags) => {
    // A seed only needs to differ between runs (it is logged): Math.random, not node:crypto,
    // which would cost every VM process ~2 MB.
    const config = vmConfigFromOptions(opts, wallNow(), () => Math.floor(Math.random() * 2 ** 31));
    // A host nothing can listen on is refused by the VM's own listen, before its first tick.
    // With --force and --quiet the bounds have nothing to refuse nor to say (`run` starts its
    // VMs so, having checked the whole run), so the free-disk walk is not made.
    if (!(opts.force && opts.quiet)) {
      checkBounds([vmPlan(config)], {
        maxRate: MAX_REAL_RATE,
        force: opts.force,
        logDir: config.logDir,
        flags: VM_FLAGS,
        note: (line) => !opts.quiet && io.err(line),
      });
    }
    const result = await untilSignal((signal) =>
      flagged(VM_FLAGS, () =>
        runVm(config, {
          registry,
          signal,
          onStart: (start, logPath) => {
            if (!opts.quiet && start.recovered !== undefined) {
              const r = start.recovered;
              io.err(
                `vm ${start.vm}: resuming a crashed run: its log stopped at tick ${r.ticks}, clock ${r.clock}${r.tornBytes > 0 ? `, ${r.tornBytes} bytes of a torn line cut` : ""}; new epoch ${start.epoch}`,
              );
            }
            if (!opts.quiet) {
              io.err(
                `vm ${start.vm}: rate ${formatRate(start.rate)}/s, ${start.ticksPlanned} ticks over ${start.duration} s, peers ${start.peers.join(",") || "none"}, log ${logPath}`,
              );
            }
          },
        }),
      ),
    );
    const s = result.stop;
    if (!opts.quiet) {
      io.err(
        `vm ${config.self.id}: ${s.reason}, ${s.ticks} ticks, sent ${s.sent}, received ${s.received}, pending ${s.pending}, rejected ${s.rejected}`,
      );
    }
    io.setExitCode(s.reason === "signal" ? 130 : s.reason === "error" ? 1 : 0);
  });
}

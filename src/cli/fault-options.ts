import type { Command } from "commander";
import type { FaultFlags } from "../run/vm-args.js";
import { type FaultSpec, parseLatency, parsePartitions, parseProbability } from "../transport/faults.js";

export type { FaultFlags };

/** Adds the fault-injection flags to a command. */
export function addFaultOptions(command: Command): Command {
  return command
    .option("--latency <model>", "delay each message: MS, uniform:MIN-MAX or exp:MEAN (ms)")
    .option("--loss <p>", "drop each message with probability p (logged as fault records)")
    .option("--duplicate <p>", "send each message twice with probability p")
    .option(
      "--partition <cut>",
      "cut A-B (both ways) or A>B during START-END seconds of the trial, e.g. 5001-5002@10-20; repeatable",
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    );
}

/** Turns the flags into a fault spec, throwing a UsageError that names the flag. */
export function faultSpecFrom(flags: FaultFlags): FaultSpec {
  return {
    latency: flags.latency === undefined ? { kind: "none" } : parseLatency(flags.latency),
    loss: flags.loss === undefined ? 0 : parseProbability("loss", flags.loss),
    duplicate: flags.duplicate === undefined ? 0 : parseProbability("duplicate", flags.duplicate),
    partitions: (flags.partition ?? []).flatMap(parsePartitions),
  };
}

import type { Command } from "commander";
import { type FaultFlags, faultSpecFrom } from "../run/vm-args.js";

export { type FaultFlags, faultSpecFrom };

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

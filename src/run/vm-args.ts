/**
 * The fault flags as given, kept as text: `run` hands them on to each VM process unchanged, and
 * the VM parses them with the same code as when it is started by hand.
 */
export interface FaultFlags {
  latency?: string;
  loss?: string;
  duplicate?: string;
  partition?: string[];
}

/** The fault flags again, as arguments for a child `vm` process. */
export function faultArgs(flags: FaultFlags): string[] {
  return [
    ...(flags.latency === undefined ? [] : ["--latency", flags.latency]),
    ...(flags.loss === undefined ? [] : ["--loss", flags.loss]),
    ...(flags.duplicate === undefined ? [] : ["--duplicate", flags.duplicate]),
    ...(flags.partition ?? []).flatMap((p) => ["--partition", p]),
  ];
}

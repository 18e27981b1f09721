import { UsageError } from "../../base/errors.js";

/**
 * Kernel-level network conditions of a run whose VMs each live in a network namespace: what the
 * packets between VMs go through below the transport, as opposed to the fault layer's whole
 * messages above it. VMs are named by their ids (ports), as `--partition` names them.
 */
export interface NetConditions {
  /** Probability that a packet between any two VMs is dropped. */
  loss: number;
  /** Loss of one link (both ways), in place of `loss` on that link. */
  linkLoss: { a: string; b: string; p: number }[];
  /** Bits per second each VM may send (tbf on its link), or undefined for the veth's own speed. */
  rateBits?: number;
  /** Windows (seconds from a trial's first tick) during which A and B hear nothing of each other. */
  partitions: { a: string; b: string; startS: number; endS: number }[];
  /** Kernel delay and jitter (ms), which needs netem in the kernel. */
  delay?: { ms: number; jitterMs: number };
}

/** The flags of the conditions as given, each a field of its own for errors. */
export interface NetFlags {
  loss?: string[];
  rate?: string;
  partition?: string[];
  delay?: string;
}

/** Said wherever kernel delay comes up: many kernels (this project's CI machine's) lack netem. */
export const NO_NETEM = "this kernel has no netem (no kernel delay or jitter): use --latency for delay";

const ID = "[0-9A-Za-z.]+";

function probability(field: string, text: string, value: string): number {
  const p = text.trim() === "" ? Number.NaN : Number(text);
  if (!(p >= 0 && p <= 1)) {
    throw new UsageError({
      field,
      detail: `expected a probability from 0 to 1 (for all links) or A-B:P (one link), got "${value}"`,
    });
  }
  return p;
}

/** Checks that a link names two different VMs of the run. */
function vmsOf(field: string, a: string, b: string, ids: readonly string[], value: string): void {
  for (const id of [a, b]) {
    if (!ids.includes(id)) {
      throw new UsageError({
        field,
        detail: `no VM ${id} in this run (VMs ${ids.join(", ")}), got "${value}"`,
      });
    }
  }
  if (a === b) throw new UsageError({ field, detail: `a link joins two VMs, got "${value}"` });
}

/** `P` for every link, or `A-B:P` for one link (both ways); the last for-all value wins. */
function parseLoss(
  values: readonly string[],
  ids: readonly string[],
): Pick<NetConditions, "loss" | "linkLoss"> {
  let loss = 0;
  const linkLoss: NetConditions["linkLoss"] = [];
  for (const value of values) {
    const m = new RegExp(`^(${ID})-(${ID}):(.*)$`).exec(value.trim());
    if (m === null) {
      loss = probability("netLoss", value, value);
      continue;
    }
    const [a, b] = [m[1] as string, m[2] as string];
    vmsOf("netLoss", a, b, ids, value);
    linkLoss.push({ a, b, p: probability("netLoss", m[3] as string, value) });
  }
  return { loss, linkLoss };
}

const UNITS: Readonly<Record<string, number>> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9 };
/** Below this a single frame takes longer than any trial's drain to leave. */
const MIN_RATE_BITS = 10_000;

/** `--net-rate 1mbit`: tc's units, k = 1000. */
export function parseRate(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(bit|kbit|mbit|gbit)$/i.exec(value.trim());
  const bits = m === null ? Number.NaN : Number(m[1]) * (UNITS[(m[2] as string).toLowerCase()] ?? Number.NaN);
  if (!(bits >= MIN_RATE_BITS && bits <= 1e11)) {
    throw new UsageError({
      field: "netRate",
      detail: `expected a rate from 10kbit to 100gbit with a unit (bit, kbit, mbit, gbit), e.g. 1mbit, got "${value}"`,
    });
  }
  return Math.round(bits);
}

function parsePartition(value: string, ids: readonly string[]): NetConditions["partitions"][number] {
  const m = new RegExp(`^(${ID})-(${ID})@([\\d.]+)-([\\d.]+)$`).exec(value.trim());
  const startS = Number(m?.[3]);
  const endS = Number(m?.[4]);
  if (m === null || !(endS > startS)) {
    throw new UsageError({
      field: "netPartition",
      detail: `expected A-B@START-END (seconds from the first tick, END > START), got "${value}"`,
    });
  }
  const [a, b] = [m[1] as string, m[2] as string];
  vmsOf("netPartition", a, b, ids, value);
  return { a, b, startS, endS };
}

/** `--net-delay MS` or `MS:JITTER` (ms). */
function parseDelay(value: string): NetConditions["delay"] {
  const [ms, jitterMs = 0] = value
    .trim()
    .split(":")
    .map((s) => (s === "" ? Number.NaN : Number(s)));
  if (!(ms !== undefined && ms >= 0 && ms <= 60_000 && jitterMs >= 0 && jitterMs <= ms)) {
    throw new UsageError({
      field: "netDelay",
      detail: `expected MS or MS:JITTER (ms, jitter <= delay <= 60000), got "${value}"`,
    });
  }
  return { ms, jitterMs };
}

/** The conditions the flags describe for VMs `ids`; a bad flag is a UsageError naming its field. */
export function netConditionsFrom(flags: NetFlags, ids: readonly string[]): NetConditions {
  return {
    ...parseLoss(flags.loss ?? [], ids),
    ...(flags.rate === undefined ? {} : { rateBits: parseRate(flags.rate) }),
    partitions: (flags.partition ?? []).map((p) => parsePartition(p, ids)),
    ...(flags.delay === undefined ? {} : { delay: parseDelay(flags.delay) }),
  };
}

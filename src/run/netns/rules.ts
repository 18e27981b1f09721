import type { NetConditions } from "./spec.js";

/**
 * The rules that make the conditions, as text for `nft -f` and arguments for `tc`: pure, so they
 * are tested without root. Every packet from one VM to another crosses the run's bridge exactly
 * once, so a rule on the bridge's forward hook sees each packet once: a loss of p there is a loss
 * of p per packet. ARP is not IP and passes, so a VM always finds its peers' addresses.
 */

/** The nftables table of a run, inside the run's own hub namespace (so the name cannot clash). */
export const NFT_TABLE = "clocklab";
/** numgen draws 0..SCALE-1: loss to a millionth. */
const SCALE = 1_000_000;

function drop(p: number): string {
  return `numgen random mod ${SCALE} < ${Math.round(p * SCALE)} counter drop`;
}

/**
 * The table for `nft -f`: the partition set first (a cut link drops everything), then each
 * link's own loss (accepting what it spares, so the all-links loss does not apply twice), then
 * the loss of every other link. `address` maps a VM id to its address.
 */
export function nftRuleset(cond: NetConditions, address: (id: string) => string): string {
  // Counted, so run.json can say how many packets each trial lost (dropCounts).
  const rules = ["ip saddr . ip daddr @cut counter drop"];
  for (const { a, b, p } of cond.linkLoss) {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const match = `ip saddr ${address(from)} ip daddr ${address(to)}`;
      if (p > 0) rules.push(`${match} ${drop(p)}`);
      rules.push(`${match} accept`);
    }
  }
  if (cond.loss > 0) rules.push(`ether type ip ${drop(cond.loss)}`);
  return [
    `table bridge ${NFT_TABLE} {`,
    "  set cut { type ipv4_addr . ipv4_addr; }",
    // "links", not "forward" or "fwd": both are words of nft's grammar.
    "  chain links {",
    "    type filter hook forward priority 0; policy accept;",
    ...rules.map((r) => `    ${r}`),
    "  }",
    "}",
    "",
  ].join("\n");
}

/** Packets dropped so far by the loss rules and by the partitions. */
export interface Drops {
  loss: number;
  partition: number;
}

/** The drop counters in `nft -j list table` output of the run's table. */
export function dropCounts(json: string): Drops {
  const drops: Drops = { loss: 0, partition: 0 };
  const items = (JSON.parse(json) as { nftables?: { rule?: { expr?: unknown[] } }[] }).nftables ?? [];
  for (const item of items) {
    const expr = item.rule?.expr ?? [];
    const counter = expr.find(
      (e): e is { counter: { packets: number } } => typeof e === "object" && e !== null && "counter" in e,
    );
    if (counter === undefined) continue;
    const text = JSON.stringify(expr);
    if (text.includes('"@cut"')) drops.partition += counter.counter.packets;
    else if (text.includes('"numgen"')) drops.loss += counter.counter.packets;
  }
  return drops;
}

/** Whether the conditions need nftables at all (rate and delay are tc's). */
export function needsNft(cond: NetConditions): boolean {
  return cond.loss > 0 || cond.linkLoss.length > 0 || cond.partitions.length > 0;
}

/** The links cut `atS` seconds after the first tick, each both ways. */
export function cutAt(cond: NetConditions, atS: number): [string, string][] {
  return cond.partitions
    .filter((p) => p.startS <= atS && atS < p.endS)
    .flatMap(({ a, b }): [string, string][] => [
      [a, b],
      [b, a],
    ]);
}

/** `nft -f` text that makes the cut set exactly `pairs`, in one transaction. */
export function cutCommands(pairs: readonly [string, string][], address: (id: string) => string): string {
  const lines = [`flush set bridge ${NFT_TABLE} cut`];
  if (pairs.length > 0) {
    const elements = pairs.map(([a, b]) => `${address(a)} . ${address(b)}`).join(", ");
    lines.push(`add element bridge ${NFT_TABLE} cut { ${elements} }`);
  }
  return `${lines.join("\n")}\n`;
}

/** The moments (s after the first tick) at which the cut set changes, in order, without repeats. */
export function cutMoments(cond: NetConditions): number[] {
  return [...new Set(cond.partitions.flatMap((p) => [p.startS, p.endS]))].sort((x, y) => x - y);
}

/**
 * The `tc qdisc add` arguments for a VM's own link (`dev`), or undefined when neither rate nor
 * delay is asked for. Delay needs netem; with netem, netem also limits the rate (one qdisc),
 * without it tbf does.
 */
export function qdiscArgs(cond: NetConditions, dev: string): string[] | undefined {
  const { rateBits, delay } = cond;
  if (delay !== undefined) {
    const rate = rateBits === undefined ? [] : ["rate", `${rateBits}bit`];
    return [
      "qdisc",
      "add",
      "dev",
      dev,
      "root",
      "netem",
      "delay",
      `${delay.ms}ms`,
      `${delay.jitterMs}ms`,
      ...rate,
    ];
  }
  if (rateBits === undefined) return undefined;
  // tbf needs a bucket of at least one timer tick's worth of bytes, and room for a full frame.
  const burst = Math.max(4096, Math.ceil(rateBits / 8 / 100));
  return [
    "qdisc",
    "add",
    "dev",
    dev,
    "root",
    "tbf",
    "rate",
    `${rateBits}bit`,
    "burst",
    String(burst),
    "latency",
    "400ms",
  ];
}
